import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

/** The JWS algorithms a Seamless signing key can have; the key's type decides which. */
export type KeyAlgorithm = 'ES256' | 'EdDSA' | 'RS256';

/** A public key that checks access-token signatures, ready for the hot path. */
export interface VerificationKey {
  readonly kid: string;
  readonly alg: KeyAlgorithm;
  /** Whether `signature` is this key's signature of `signingInput` (`header.payload`). */
  verify(signingInput: Buffer, signature: Buffer): boolean;
}

/**
 * Where the verifier finds the key a token's `kid` names: the server's own keys, or the
 * issuer's JWKS fetched over HTTP.
 */
export interface KeySource {
  /** The key named `kid`, or undefined when none is known (yet). */
  key(kid: string): VerificationKey | undefined;
  /**
   * Asked when a token names a `kid` that {@link key} does not know: fetch the keys again
   * if that is allowed now and resolve once done, or return undefined when it is not
   * (for example within the cooldown after the last fetch).
   */
  refreshFor?(kid: string): Promise<void> | undefined;
}

/** RSA keys shorter than this are refused (NIST SP 800-131A). */
const MIN_RSA_BITS = 2048;

/**
 * Wraps a node:crypto public key with the algorithm its type implies. The options object
 * is built once: `crypto.verify` is called with it for every new token.
 */
export function verificationKey(kid: string, publicKey: KeyObject): VerificationKey {
  const alg = algorithmOfKey(publicKey);
  switch (alg) {
    case 'ES256': {
      // JWS carries ECDSA signatures as r‖s (IEEE P1363), not DER.
      const key = { key: publicKey, dsaEncoding: 'ieee-p1363' as const };
      return {
        kid,
        alg,
        verify: (input, signature) =>
          signature.length === 64 && verify('sha256', input, key, signature),
      };
    }
    case 'EdDSA':
      return {
        kid,
        alg,
        verify: (input, signature) =>
          signature.length === 64 && verify(null, input, publicKey, signature),
      };
    case 'RS256': {
      const bytes = (publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
      return {
        kid,
        alg,
        verify: (input, signature) =>
          signature.length === bytes && verify('sha256', input, publicKey, signature),
      };
    }
  }
}

/** The algorithm of a public key: EC P-256 → ES256, Ed25519 → EdDSA, RSA (≥ 2048 bits) → RS256. */
export function algorithmOfKey(publicKey: KeyObject): KeyAlgorithm {
  const type = publicKey.asymmetricKeyType;
  const details = publicKey.asymmetricKeyDetails;
  if (type === 'ec' && details?.namedCurve === 'prime256v1') {
    return 'ES256';
  }
  if (type === 'ed25519') {
    return 'EdDSA';
  }
  if (type === 'rsa' && (details?.modulusLength ?? 0) >= MIN_RSA_BITS) {
    return 'RS256';
  }
  throw new Error('unsupported key: expected EC P-256, Ed25519 or RSA of at least 2048 bits');
}

/**
 * A verification key from a public JWK of a JWKS, or undefined for a key this verifier
 * cannot or must not use: no `kid`, not a signing key, an unsupported type, or an `alg`
 * that disagrees with the key's type.
 */
export function keyFromJwk(jwk: unknown): VerificationKey | undefined {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    return undefined;
  }
  const { kid, use, alg, d } = jwk as Record<string, unknown>;
  if (typeof kid !== 'string' || kid === '' || (use !== undefined && use !== 'sig')) {
    return undefined;
  }
  if (d !== undefined) {
    // A JWKS publishes public keys only; a private one there is a mistake, not a key to trust.
    return undefined;
  }
  try {
    const key = verificationKey(kid, createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }));
    return alg === undefined || alg === key.alg ? key : undefined;
  } catch {
    return undefined;
  }
}

/** A fixed set of keys, such as the issuer's own. */
export class StaticKeySource implements KeySource {
  private readonly byKid: ReadonlyMap<string, VerificationKey>;

  constructor(keys: Iterable<VerificationKey>) {
    this.byKid = new Map([...keys].map((key) => [key.kid, key]));
  }

  key(kid: string): VerificationKey | undefined {
    return this.byKid.get(kid);
  }
}
