/**
 * What an access token says about itself: Seamless puts `sub` (the user id), `username`,
 * `sid` (the session), `jti`, `iat` and `exp` in it. Read, never verified, here.
 */
export interface AccessClaims {
  sub?: string | undefined;
  username?: string | undefined;
  sid?: string | undefined;
  /** Seconds since the epoch, by the server's clock. */
  exp?: number | undefined;
  /** Seconds since the epoch, by the server's clock. */
  iat?: number | undefined;
  [claim: string]: unknown;
}

/**
 * Reads a JWT's payload without verifying it (the server verifies; the client only
 * wants to know when to refresh, and the app whom it shows). Returns null for anything
 * that is not a JWT, such as a token spoiled on purpose; `exp` and `iat` are numbers or
 * absent.
 *
 * @example
 * ```ts
 * const exp = decodeJwtPayload(token)?.exp;
 * ```
 */
export function decodeJwtPayload(token: string): AccessClaims | null {
  try {
    // atob accepts base64 without its padding; base64url needs two letters swapped back.
    const binary = atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'));
    const claims: unknown = JSON.parse(
      new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))),
    );
    if (typeof claims !== 'object' || claims === null) {
      return null;
    }
    const { exp, iat } = claims as AccessClaims;
    return {
      ...claims,
      exp: typeof exp === 'number' ? exp : undefined,
      iat: typeof iat === 'number' ? iat : undefined,
    };
  } catch {
    return null;
  }
}
