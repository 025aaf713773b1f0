import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';

export type SigningAlgorithm = 'ES256' | 'EdDSA' | 'RS256';

export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: JWK;
}

/** What JWT_SIGNING_KEYS, JWT_CURRENT_KID and REFRESH_TOKEN_SECRET hold, or the development keys file. */
export interface KeyMaterial {
  signingKeys: JsonWebKey[];
  currentKid?: string;
  refreshTokenSecret: string;
}

/** The algorithm a private JWK signs with; the key's type decides, so a header cannot. */
function algorithmOf(jwk: JsonWebKey): SigningAlgorithm {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') {
    return 'ES256';
  }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    return 'EdDSA';
  }
  if (jwk.kty === 'RSA') {
    // NIST SP 800-131A: RSA signatures need a modulus of at least 2048 bits.
    if (Buffer.from(jwk.n ?? '', 'base64url').length < 256) {
      throw new Error('an RSA signing key must have at least 2048 bits');
    }
    return 'RS256';
  }
  throw new Error('unsupported signing key: expected EC P-256, OKP Ed25519 or RSA');
}

/**
 * Turns private JWKs into signing keys. A key without `kid` is named by its RFC 7638
 * thumbprint, so the same key always gets the same name on every instance.
 */
export async function importSigningKeys(jwks: JsonWebKey[]): Promise<SigningKey[]> {
  return Promise.all(
    jwks.map(async (jwk) => {
      if (typeof jwk.d !== 'string') {
        throw new Error('a signing key must be a private JWK (with "d")');
      }
      const alg = algorithmOf(jwk);
      const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
      const publicKey = createPublicKey(privateKey);
      const exported = publicKey.export({ format: 'jwk' }) as JWK;
      const kid = typeof jwk.kid === 'string' ? jwk.kid : await calculateJwkThumbprint(exported);
      return { kid, alg, privateKey, publicKey, publicJwk: { ...exported, kid, alg, use: 'sig' } };
    }),
  );
}

/** A new private signing JWK with its thumbprint as `kid`. ES256 by default: see docs/KEYS.md. */
export async function generateSigningJwk(alg: SigningAlgorithm = 'ES256'): Promise<JsonWebKey> {
  const { privateKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  const kid = await calculateJwkThumbprint(
    createPublicKey(privateKey).export({ format: 'jwk' }) as JWK,
  );
  return { ...jwk, kid, alg };
}

/** 256 random bits, base64url: the HMAC key that refresh tokens are derived with. */
export function generateRefreshTokenSecret(): string {
  return randomBytes(32).toString('base64url');
}
