import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { KeysService } from '../keys/keys.service';

/** Who a valid access token speaks for; attached to the request by the guard. */
export interface Principal {
  userId: number;
  username: string;
  sessionId: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

interface CacheEntry {
  principal: Principal;
  expiresAtMs: number;
}

const CACHE_SIZE = 10_000;
const REJECTED_CACHE_SIZE = 1_000;
const REJECTED_TTL_MS = 60_000;
const MAX_TOKEN_LENGTH = 4096;

/**
 * Signs access tokens with the current key and verifies them against the key their
 * `kid` names, with that key's algorithm pinned. A verified token is remembered until
 * its `exp` (bounded), so the guarded path costs one map lookup, not a signature check.
 */
@Injectable()
export class AccessTokenService {
  private readonly verified = new Map<string, CacheEntry>();
  private readonly rejected = new Map<string, number>();

  constructor(
    private readonly keys: KeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get ttlSeconds(): number {
    return this.config.accessTokenTtl;
  }

  /** An access token of the session; it expires after ACCESS_TOKEN_TTL, or at `notAfter` (epoch s) if sooner. */
  async sign(
    user: { id: number; username: string },
    sessionId: string,
    notAfter = Infinity,
  ): Promise<string> {
    const key = this.keys.current;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ userId: user.id, username: user.username, sid: sessionId })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
      .setIssuer(this.config.jwtIssuer)
      .setAudience(this.config.jwtAudience)
      .setSubject(String(user.id))
      .setJti(randomBytes(12).toString('base64url'))
      .setIssuedAt(now)
      .setExpirationTime(Math.min(now + this.config.accessTokenTtl, notAfter))
      .sign(key.privateKey);
  }

  /**
   * The principal of a token already verified and not yet expired, `null` for a token
   * recently rejected, `undefined` when the token has to be verified.
   */
  lookup(token: string): Principal | null | undefined {
    const now = Date.now();
    const hit = this.verified.get(token);
    if (hit) {
      if (hit.expiresAtMs > now) {
        return hit.principal;
      }
      this.verified.delete(token);
      return null;
    }
    const rejectedUntil = this.rejected.get(token);
    if (rejectedUntil !== undefined) {
      if (rejectedUntil > now) {
        return null;
      }
      this.rejected.delete(token);
    }
    return undefined;
  }

  /**
   * Verifies a token that {@link lookup} did not know, and remembers the answer:
   * undefined for any token that must not pass.
   */
  async verify(token: string): Promise<Principal | undefined> {
    const principal = await this.verifySignature(token);
    if (principal) {
      remember(this.verified, token, { principal, expiresAtMs: principal.exp * 1000 }, CACHE_SIZE);
    } else {
      remember(this.rejected, token, Date.now() + REJECTED_TTL_MS, REJECTED_CACHE_SIZE);
    }
    return principal;
  }

  private async verifySignature(token: string): Promise<Principal | undefined> {
    if (token.length > MAX_TOKEN_LENGTH) {
      return undefined;
    }
    try {
      const header = decodeProtectedHeader(token);
      const key = typeof header.kid === 'string' ? this.keys.find(header.kid) : undefined;
      // The key decides the algorithm: `none`, or HMAC keyed with a public key, never gets a say.
      if (!key || header.alg !== key.alg) {
        return undefined;
      }
      const { payload } = await jwtVerify(token, key.publicKey, {
        algorithms: [key.alg],
        issuer: this.config.jwtIssuer,
        audience: this.config.jwtAudience,
        typ: 'at+jwt',
        requiredClaims: ['sub', 'jti', 'iat', 'exp', 'sid'],
      });
      const { userId, username, sid, exp } = payload;
      if (
        typeof userId !== 'number' ||
        typeof username !== 'string' ||
        typeof sid !== 'string' ||
        typeof exp !== 'number'
      ) {
        return undefined;
      }
      return { userId, username, sessionId: sid, exp };
    } catch {
      return undefined;
    }
  }
}

/** Bounded insert: when full, the oldest entry goes (a Map iterates in insertion order). */
function remember<V>(map: Map<string, V>, key: string, value: V, limit: number): void {
  if (map.size >= limit) {
    const oldest = map.keys().next();
    if (!oldest.done) {
      map.delete(oldest.value);
    }
  }
  map.set(key, value);
}
