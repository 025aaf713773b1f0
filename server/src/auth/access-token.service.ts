import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  AccessTokenVerifier,
  StaticKeySource,
  verificationKey,
  type Principal,
} from '@seamless/nest/core';
import { SignJWT } from 'jose';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { KeysService } from '../keys/keys.service';

export type { Principal };

/**
 * Signs access tokens with the current key, and checks them with the same verifier every
 * service that trusts Seamless uses (`@seamless/nest/core`), its key source being this
 * server's own keys. Verified tokens are remembered until their `exp` (bounded), so the
 * guarded path mostly costs one map lookup, not a signature check.
 */
@Injectable()
export class AccessTokenService {
  private readonly verifier: AccessTokenVerifier;

  constructor(
    private readonly keys: KeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.verifier = new AccessTokenVerifier({
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
      keys: new StaticKeySource(keys.all().map((key) => verificationKey(key.kid, key.publicKey))),
    });
  }

  get ttlSeconds(): number {
    return this.config.accessTokenTtl;
  }

  async sign(user: { id: number; username: string }, sessionId: string): Promise<string> {
    const key = this.keys.current;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ userId: user.id, username: user.username, sid: sessionId })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
      .setIssuer(this.config.jwtIssuer)
      .setAudience(this.config.jwtAudience)
      .setSubject(String(user.id))
      .setJti(randomBytes(12).toString('base64url'))
      .setIssuedAt(now)
      .setExpirationTime(now + this.config.accessTokenTtl)
      .sign(key.privateKey);
  }

  /**
   * The principal of a token already verified and not yet expired, `null` for a token
   * recently rejected, `undefined` when the token has to be verified.
   */
  lookup(token: string): Principal | null | undefined {
    return this.verifier.lookup(token);
  }

  /**
   * Verifies a token that {@link lookup} did not know, and remembers the answer:
   * undefined for any token that must not pass.
   */
  async verify(token: string): Promise<Principal | undefined> {
    const verdict = await this.verifier.check(token);
    return verdict.ok ? verdict.principal : undefined;
  }
}
