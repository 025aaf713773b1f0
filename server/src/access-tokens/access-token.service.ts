import {
  randomBytes,
  sign as cryptoSign,
  type KeyObject,
  type SignKeyObjectInput,
} from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  AccessTokenVerifier,
  authenticate,
  StaticKeySource,
  verificationKey,
  type AuthResult,
  type Principal,
} from '@seamless/nest/core';
import { Errors } from '../common/errors/domain-error';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { KeysService } from '../keys/keys.service';
import type { SigningKey } from '../keys/signing-keys';
import { RevocationList } from '../revocation/revocation-list';

export type { Principal };

/**
 * Signs access tokens with the current key, and checks them with the same verifier every
 * service that trusts Seamless uses (`@seamless/nest/core`), its key source being this
 * server's own keys and its revocation check this instance's list of ended sessions.
 * Verified tokens are remembered until their `exp` (bounded), so the guarded path
 * mostly costs two map lookups, not a signature check.
 */
@Injectable()
export class AccessTokenService {
  private readonly verifier: AccessTokenVerifier;
  private readonly signer: Signer;

  constructor(
    keys: KeysService,
    revoked: RevocationList,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.verifier = new AccessTokenVerifier({
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
      keys: new StaticKeySource(keys.all().map((key) => verificationKey(key.kid, key.publicKey))),
      // Off, the guard makes no lookup at all: what the benchmark's baseline measures.
      isRevoked: config.revocationCheck ? (sessionId) => revoked.has(sessionId) : undefined,
    });
    this.signer = signer(keys.current);
  }

  get ttlSeconds(): number {
    return this.config.accessTokenTtl;
  }

  /**
   * A new access token, signed with `node:crypto` directly: the compact JWS jose's
   * SignJWT made before, for less CPU time (docs/KEYS.md). It expires after
   * ACCESS_TOKEN_TTL, or at `notAfter` (epoch seconds) if sooner.
   */
  sign(
    user: { id: number; username: string },
    sessionId: string,
    notAfter = Infinity,
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      userId: user.id,
      username: user.username,
      sid: sessionId,
      iss: this.config.jwtIssuer,
      aud: this.config.jwtAudience,
      sub: String(user.id),
      jti: randomBytes(12).toString('base64url'),
      iat: now,
      exp: Math.min(now + this.config.accessTokenTtl, notAfter),
    };
    const input = `${this.signer.header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    // In libuv's thread pool, as jose did: measured, a refresh loses ~20 % of its
    // throughput when the signature is computed on the event loop instead.
    return new Promise((resolve, reject) => {
      cryptoSign(this.signer.hash, Buffer.from(input), this.signer.key, (error, signature) => {
        if (error) {
          reject(error);
        } else {
          resolve(`${input}.${signature.toString('base64url')}`);
        }
      });
    });
  }

  /**
   * Who the `Authorization` header speaks for: the principal of a valid Bearer token
   * whose session has not ended, else throws `missing_token` (no header) or
   * `invalid_token` (anything else). The promise is for key sources that fetch keys;
   * this server's are its own, so every answer, a cached one above all, is synchronous.
   */
  authenticate(header: string | undefined): Principal | Promise<Principal> {
    const result = authenticate(this.verifier, header);
    return result instanceof Promise ? result.then(principalOf) : principalOf(result);
  }
}

function principalOf(result: AuthResult): Principal {
  if (result.ok) {
    return result.principal;
  }
  throw result.failure.reason === 'missing_token' ? Errors.missingToken : Errors.invalidToken;
}

interface Signer {
  /** The encoded protected header, the same for every token of the key. */
  header: string;
  hash: string | null;
  key: KeyObject | SignKeyObjectInput;
}

function signer(key: SigningKey): Signer {
  const header = Buffer.from(
    JSON.stringify({ alg: key.alg, kid: key.kid, typ: 'at+jwt' }),
  ).toString('base64url');
  switch (key.alg) {
    case 'ES256':
      // JWS carries ECDSA signatures as r‖s (IEEE P1363), not DER.
      return { header, hash: 'sha256', key: { key: key.privateKey, dsaEncoding: 'ieee-p1363' } };
    case 'EdDSA':
      return { header, hash: null, key: key.privateKey };
    case 'RS256':
      return { header, hash: 'sha256', key: key.privateKey };
  }
}
