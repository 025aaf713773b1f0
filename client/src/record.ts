import type { TokenPair } from './types.js';

/** What is kept under the storage key: the pair as one value, so no tab reads half of it. */
export interface Stored {
  pair: TokenPair;
  /** When this device stored the pair: expiry is measured from here, immune to clock skew. */
  savedAt: number;
}

/** The record in a stored string, or null for nothing, a corrupt value or a foreign one. */
export function parseStored(raw: string | null): Stored | null {
  if (raw === null) {
    return null;
  }
  try {
    const value = JSON.parse(raw) as Partial<Stored>;
    const pair = value.pair;
    if (
      typeof pair?.access_token === 'string' &&
      typeof pair.refresh_token === 'string' &&
      typeof value.savedAt === 'number'
    ) {
      return { pair, savedAt: value.savedAt };
    }
  } catch {
    // Corrupt or foreign value: treat as signed out.
  }
  return null;
}

/** The string `parseStored` reads back. */
export function serializeStored(stored: Stored): string {
  return JSON.stringify(stored);
}
