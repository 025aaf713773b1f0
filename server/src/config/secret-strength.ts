/** What a production key must carry at least: the strength of a 128-bit random key. */
export const MIN_SECRET_ENTROPY_BITS = 128;

/**
 * A rough upper bound on the entropy of a secret typed into the environment: its length
 * times the Shannon entropy of its characters, or of the steps between neighbouring
 * characters when that is lower (so `AAAA…`, `ABAB…` and `ABCD…` all score near zero).
 * A random 43-character base64url key scores about 200 bits; a human can still fool
 * it, but not by accident.
 */
export function estimatedEntropyBits(secret: string): number {
  if (secret.length < 2) {
    return 0;
  }
  const steps: number[] = [];
  for (let i = 1; i < secret.length; i++) {
    steps.push(secret.charCodeAt(i) - secret.charCodeAt(i - 1));
  }
  const perCharacter = Math.min(shannonBits([...secret]), shannonBits(steps));
  return perCharacter * secret.length;
}

/** Shannon entropy, in bits per symbol, of the symbols' frequencies. */
function shannonBits(symbols: readonly (string | number)[]): number {
  const counts = new Map<string | number, number>();
  for (const symbol of symbols) {
    counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
  }
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / symbols.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
