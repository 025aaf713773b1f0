// When to refresh: pure functions of the stored record and this device's clock.
import { decodeJwtPayload } from './jwt.js';
import type { Stored } from './record.js';

export interface TokenTimes {
  /** From here on, the next request refreshes first (ms since the epoch, this device's clock). */
  refreshAt: number;
  /** From here on, the access token no longer works. */
  expiresAt: number;
}

/**
 * When the stored access token should be replaced, measured from when this device stored
 * it; null when its lifetime cannot be known (not a JWT, no `exp`), so it is used until
 * the server rejects it.
 *
 * @param refreshMargin seconds before expiry; default `min(60, lifetime / 5)`, never more
 *   than half the lifetime, or every request would refresh.
 */
export function tokenTimes(stored: Stored, refreshMargin?: number): TokenTimes | null {
  const claims = decodeJwtPayload(stored.pair.access_token);
  if (claims?.exp === undefined) {
    return null;
  }
  const issued = claims.iat !== undefined ? claims.exp - claims.iat : (stored.pair.expires_in ?? 0);
  if (issued <= 0) {
    return null;
  }
  // `iat` is whole seconds rounded down, so the token may have up to 1 s less to live.
  const lifetime = issued > 1 ? issued - 1 : issued / 2;
  const expiresAt = stored.savedAt + lifetime * 1000;
  const margin = Math.min(refreshMargin ?? Math.min(60, lifetime / 5), lifetime / 2);
  return { refreshAt: expiresAt - margin * 1000, expiresAt };
}

/** When the refresh token runs out unless used, by this device's clock; null when unknown. */
export function refreshExpiry(stored: Stored): number | null {
  const seconds = stored.pair.refresh_expires_in;
  return seconds === undefined ? null : stored.savedAt + seconds * 1000;
}

/**
 * How long to wait before presenting the same refresh token again after `failures`
 * attempts whose outcome is unknown (a timeout, a connection lost after sending, an answer
 * cut short): at once, then 200, 400, 800 ms… The server may have rotated the token
 * already; it answers a rotated token with the session's current one only within its
 * reuse grace, so no retry starts once `window` ms have passed since the first attempt
 * (null: give up).
 */
export function retryDelay(failures: number, elapsed: number, window: number): number | null {
  const delay = failures > 1 ? 100 * 2 ** (failures - 1) : 0;
  return elapsed + delay < window ? delay : null;
}
