import type { TokenPair } from './types.js';

/** What is kept under the storage key: the pair as one value, so no tab reads half of it. */
export interface Stored {
  pair: TokenPair;
  /** When this device stored the pair: expiry is measured from here, immune to clock skew. */
  savedAt: number;
}

/**
 * Whether `value` is a pair: it has an access token (and a refresh token, unless that is
 * in a cookie; `createHttpApi` checks that each mode gets what it expects).
 */
export function isTokenPair(value: unknown): value is TokenPair {
  return typeof (value as Partial<TokenPair> | null)?.access_token === 'string';
}

/** The record in a stored string, or null for nothing, a corrupt value or a foreign one. */
export function parseStored(raw: string | null): Stored | null {
  if (raw === null) {
    return null;
  }
  try {
    const { pair, savedAt } = JSON.parse(raw) as Partial<Stored>;
    if (isTokenPair(pair) && typeof savedAt === 'number') {
      return { pair, savedAt };
    }
  } catch {
    // Corrupt or foreign value: treat as signed out.
  }
  return null;
}

/**
 * Whether two records hold the same refresh credential: what a refresh replaced, and
 * what it may write over. In cookie mode, where no script sees the refresh token, every
 * refresh answers a new access token, which marks the generation instead.
 */
export function sameGeneration(a: Stored | null, b: Stored | null): boolean {
  return generation(a) === generation(b);
}

const generation = (stored: Stored | null): string | undefined =>
  stored?.pair.refresh_token ?? stored?.pair.access_token;

/** The string `parseStored` reads back. */
export function serializeStored(stored: Stored): string {
  return JSON.stringify(stored);
}
