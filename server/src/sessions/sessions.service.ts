import { Inject, Injectable } from '@nestjs/common';
import { Errors } from '../common/errors/domain-error';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import type { SqlStatement } from '../database/statement';
import { KeysService } from '../keys/keys.service';
import { SecurityEvents } from '../logging/security-events';
import { RevocationSync } from '../revocation/revocation-sync';
import { RefreshTokenCodec } from './refresh-token.codec';
import {
  decideRefresh,
  isSessionLive,
  recordRotation,
  type RotationPolicy,
} from './rotation-policy';
import { Session, type RefreshVia, type RevokeReason } from './session.entity';
import { SessionsRepository, type SessionScope } from './sessions.repository';

export interface ClientInfo {
  userAgent: string | undefined;
  ip: string | undefined;
}

export interface IssuedRefresh {
  sessionId: string;
  userId: number;
  username: string;
  refreshToken: string;
  /** Epoch millis when the refresh token stops working unless used. */
  refreshExpiresAt: number;
}

export interface SessionView {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  userAgent: string | null;
  ip: string | null;
  current: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long an ended session stays before housekeeping deletes it. */
const ENDED_SESSION_RETENTION_MS = DAY_MS;
/** A session revoked as theft stays longer: it is the evidence an operator looks for. */
const REUSE_EVIDENCE_RETENTION_MS = 30 * DAY_MS;

/** A rotation lost to a concurrent one re-reads the row; more than a few rounds means something is wrong. */
const MAX_ROTATION_ATTEMPTS = 5;

@Injectable()
export class SessionsService {
  private readonly codec: RefreshTokenCodec;
  private readonly policy: RotationPolicy;

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly revocations: RevocationSync,
    private readonly events: SecurityEvents,
    keys: KeysService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.codec = new RefreshTokenCodec(keys.refreshTokenSecret);
    this.policy = {
      refreshTokenTtlMs: config.refreshTokenTtl * 1000,
      sessionMaxAgeMs: config.sessionMaxAge === undefined ? undefined : config.sessionMaxAge * 1000,
      reuseGraceMs: config.refreshReuseGrace * 1000,
    };
  }

  /**
   * Starts a session for a user who just proved who they are; its refresh token will be
   * accepted only the way it is issued (`via`).
   */
  async start(
    user: { id: number; username: string },
    client: ClientInfo,
    via: RefreshVia = 'body',
    now = Date.now(),
  ): Promise<IssuedRefresh> {
    const session = Object.assign(new Session(), {
      id: RefreshTokenCodec.newSessionId(),
      userId: user.id,
      counter: 0,
      rotations: [],
      createdAt: now,
      lastUsedAt: now,
      expiresAt: this.expiryFrom(now),
      revokedAt: null,
      revokeReason: null,
      userAgent: client.userAgent?.slice(0, 255) ?? null,
      ip: client.ip?.slice(0, 64) ?? null,
      refreshVia: via,
    });
    await this.sessions.insert(session);
    return {
      sessionId: session.id,
      userId: user.id,
      username: user.username,
      refreshToken: this.codec.encode({ sessionId: session.id, counter: 0 }),
      refreshExpiresAt: session.expiresAt,
    };
  }

  /**
   * Exchanges a refresh token, presented `via` the body or the cookie, for the session's
   * next one (rotation rules 1–5). Throws the one invalid-refresh-token error for every
   * refusal, so the answer says nothing about which check failed.
   */
  async refresh(
    refreshToken: string,
    via: RefreshVia,
    ip?: string,
    now = Date.now(),
  ): Promise<IssuedRefresh> {
    const presented = this.codec.decode(refreshToken);
    if (!presented) {
      throw Errors.invalidRefreshToken;
    }
    for (let attempt = 0; attempt < MAX_ROTATION_ATTEMPTS; attempt++) {
      const found = await this.sessions.findWithUsername(presented.sessionId);
      // A cookie session's token never left the cookie, so in a body (or a query string)
      // it is not its owner's client; the session itself is left alone.
      if (!found || found.session.refreshVia !== via) {
        throw Errors.invalidRefreshToken;
      }
      const { session, username } = found;
      const issued = (counter: number, refreshExpiresAt: number): IssuedRefresh => ({
        sessionId: session.id,
        userId: session.userId,
        username,
        refreshToken: this.codec.encode({ sessionId: session.id, counter }),
        refreshExpiresAt,
      });
      const decision = decideRefresh(session, presented.counter, now, this.policy);
      switch (decision) {
        case 'reject':
          throw Errors.invalidRefreshToken;
        case 'reuse':
          // A rotated token came back after its grace: someone holds a copy. End the
          // session so the thief's newer token dies too.
          await this.end({ id: session.id }, 'reuse', now);
          this.events.refreshReuse({ userId: session.userId, sessionId: session.id, ip });
          throw Errors.invalidRefreshToken;
        case 'reissue':
          return issued(session.counter, session.expiresAt);
        case 'rotate': {
          const expiresAt = this.expiryFrom(now, session.createdAt);
          const rotated = await this.sessions.compareAndRotate(session.id, session.counter, {
            rotations: recordRotation(
              session.rotations,
              session.counter,
              now,
              this.policy.reuseGraceMs,
            ),
            lastUsedAt: now,
            expiresAt,
          });
          if (rotated) {
            return issued(session.counter + 1, expiresAt);
          }
          // Another request rotated this token first: read again, and this one
          // falls into the grace (or is refused) like any late twin.
          continue;
        }
      }
    }
    throw Errors.databaseUnavailable;
  }

  /** Whether this session of this user still stands (the database's word, not the access token's). */
  async isLive(sessionId: string, userId: number, now = Date.now()): Promise<boolean> {
    const session = await this.sessions.findLifetime(sessionId);
    return (
      session !== null &&
      session.userId === userId &&
      isSessionLive(session, now, this.policy.sessionMaxAgeMs)
    );
  }

  /** Logout: ends the session the access token belongs to. */
  async revoke(sessionId: string, now = Date.now()): Promise<void> {
    await this.end({ id: sessionId }, 'logout', now);
  }

  /**
   * Ends the session a refresh token belongs to: the current token or one it has
   * already rotated (a client signing out while its last refresh answer is still on the
   * way). A session that has already ended stays ended; a token this server never issued,
   * or presented another way than the session's (`via`), gets the one
   * invalid-refresh-token error.
   */
  async revokeByRefreshToken(
    refreshToken: string,
    via: RefreshVia,
    now = Date.now(),
  ): Promise<void> {
    const presented = this.codec.decode(refreshToken);
    const found = presented && (await this.sessions.findWithUsername(presented.sessionId));
    if (!found || found.session.refreshVia !== via || presented.counter > found.session.counter) {
      throw Errors.invalidRefreshToken;
    }
    await this.revoke(found.session.id, now);
  }

  async revokeOwned(sessionId: string, userId: number, now = Date.now()): Promise<void> {
    if (!(await this.sessions.isOwnedBy(sessionId, userId))) {
      throw Errors.sessionNotFound;
    }
    await this.end({ id: sessionId, userId }, 'revoked', now);
  }

  /**
   * Ends every session of the user, or every one but `except` (a password change
   * keeps the session that made it); the number ended. `alongWith` is a change to the
   * user made in the same transaction (see SessionsRepository.end).
   */
  async revokeAll(
    userId: number,
    {
      except,
      reason = 'revoked',
      alongWith,
    }: { except?: string; reason?: RevokeReason; alongWith?: SqlStatement } = {},
    now = Date.now(),
  ): Promise<number> {
    return this.end({ userId, except }, reason, now, alongWith);
  }

  /** Housekeeping: deletes the sessions that ended longer ago than they are kept. */
  async deleteOldEnded(now = Date.now()): Promise<number> {
    return this.sessions.deleteEndedBefore(
      now - ENDED_SESSION_RETENTION_MS,
      now - REUSE_EVIDENCE_RETENTION_MS,
    );
  }

  async list(userId: number, currentSessionId: string, now = Date.now()): Promise<SessionView[]> {
    const open = await this.sessions.findOpenForUser(userId, now);
    return open
      .filter((s) => isSessionLive(s, now, this.policy.sessionMaxAgeMs))
      .map((s) => ({
        id: s.id,
        createdAt: new Date(s.createdAt).toISOString(),
        lastUsedAt: new Date(s.lastUsedAt).toISOString(),
        userAgent: s.userAgent,
        ip: s.ip,
        current: s.id === currentSessionId,
      }));
  }

  /**
   * Every way a session ends comes through here: the database first, then every
   * instance hears of it. The number of sessions ended.
   */
  private async end(
    scope: SessionScope,
    reason: RevokeReason,
    now: number,
    alongWith?: SqlStatement,
  ): Promise<number> {
    const ended = await this.sessions.end(scope, reason, now, alongWith);
    await this.revocations.announce(ended, now);
    return ended.length;
  }

  private expiryFrom(now: number, createdAt = now): number {
    const inactivity = now + this.policy.refreshTokenTtlMs;
    const maxAge = this.policy.sessionMaxAgeMs;
    return maxAge === undefined ? inactivity : Math.min(inactivity, createdAt + maxAge);
  }
}
