import { generateRefreshTokenSecret, generateSigningJwk } from '../../../src/keys/signing-keys';

/** `RELIABILITY_LONG=1` runs every scenario longer and harder; the default stays within the suite's time. */
export const LONG = process.env.RELIABILITY_LONG === '1';

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

/** Milliseconds since `start`, to one decimal. */
export function since(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10;
}

/** How often `text` occurs in `haystack`: a log line said once per outage, or more. */
export const occurrences = (haystack: string, text: string): number =>
  haystack.split(text).length - 1;
