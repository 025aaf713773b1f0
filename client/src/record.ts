import type { TokenPair } from './types.js';

/** What is kept under the storage key: the pair as one value, so no tab reads half of it. */
export interface Stored {
  pair: TokenPair;
  /** When this device stored the pair: expiry is measured from here, immune to clock skew. */
  savedAt: number;
}

/** Whether `value` has the two tokens of a pair. */
export function isTokenPair(value: unknown): value is TokenPair {
  const pair = value as Partial<TokenPair> | null;
  return typeof pair?.access_token === 'string' && typeof pair.refresh_token === 'string';
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
 * what it may write over. (In a mode where the refresh token is out of the page's reach,
 * this is where another generation mark would be compared.)
 */
export function sameGeneration(a: Stored | null, b: Stored | null): boolean {
  return a?.pair.refresh_token === b?.pair.refresh_token;
}

/** The string `parseStored` reads back. */
export function serializeStored(stored: Stored): string {
  return JSON.stringify(stored);
}
