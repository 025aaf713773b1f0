import { execFileSync } from 'node:child_process';
import { it } from 'node:test';
import { generateRefreshTokenSecret, generateSigningJwk } from '../../../src/keys/signing-keys';

/** `RELIABILITY_LONG=1` runs every scenario longer and harder; the default stays within the suite's time. */
export const LONG = process.env.RELIABILITY_LONG === '1';

/**
 * What a scenario needs from its environment, or the reason it cannot run. With
 * CI=true a missing variable registers a failing test instead: in CI nothing skips.
 */
export function requireEnv(names: string[]): string | false {
  const missing = names.filter((name) => !process.env[name]);
  if (missing.length === 0) {
    return false;
  }
  const reason = `${missing.join(' and ')} not set`;
  if (process.env.CI === 'true') {
    it(`${missing.join(', ')} available in CI`, () => {
      throw new Error(`CI=true but ${reason}: the scenario could not run`);
    });
  }
  return reason;
}

/** True when every program is on PATH; otherwise the same CI rule as {@link requireEnv}. */
export function requirePrograms(names: string[], found: (name: string) => boolean): string | false {
  const missing = names.filter((name) => !found(name));
  if (missing.length === 0) {
    return false;
  }
  const reason = `${missing.join(' and ')} not installed`;
  if (process.env.CI === 'true') {
    it(`${missing.join(', ')} installed in CI`, () => {
      throw new Error(`CI=true but ${reason}: the scenario could not run`);
    });
  }
  return reason;
}

/** Keys every instance of one deployment shares, as an operator would put them in the environment. */
export async function sharedKeys(): Promise<Record<string, string>> {
  const jwk = await generateSigningJwk();
  return {
    JWT_SIGNING_KEYS: JSON.stringify([jwk]),
    JWT_CURRENT_KID: String(jwk.kid),
    REFRESH_TOKEN_SECRET: generateRefreshTokenSecret(),
    // The default issuer is each instance's own URL; a deployment names one for all.
    JWT_ISSUER: 'https://auth.seamless.test',
  };
}

/**
 * The rotation counter a refresh token carries (`version | session id | counter | mac`).
 * Reading it needs no key; forging one does.
 */
export function counterOf(refreshToken: string): number {
  return Buffer.from(refreshToken, 'base64url').readUInt32BE(17);
}

/** The session id a refresh token belongs to, as stored in `sessions.id`. */
export function sessionOf(refreshToken: string): string {
  return Buffer.from(refreshToken, 'base64url').subarray(1, 17).toString('base64url');
}

/** Milliseconds since `start`, to one decimal. */
export function since(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10;
}

/** Polls `probe` every `intervalMs` until it is true; throws after `timeoutMs`. */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) {
        return;
      }
    } catch {
      // not yet
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** `which`: true when the program is on PATH. */
export function onPath(name: string): boolean {
  try {
    execFileSync('which', [name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
