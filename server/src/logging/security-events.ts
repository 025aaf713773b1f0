import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_LOGGER } from './logger';

/** Who did it: the account, the session the request acted with, the client address. */
export interface SecurityActor {
  /** null when the username names no account. */
  userId: number | null;
  /** null when the request had no session (a login). */
  sessionId: string | null;
  ip: string | undefined;
}

export type SecurityEvent =
  'login_failed' | 'login_locked' | 'refresh_reuse' | 'session_revoked' | 'password_changed';

/**
 * The events an operator watches for (docs/SECURITY.md says what to do on each): one
 * JSON line each at `warn`, with `event`, `userId`, `sessionId` and `ip`. Never a
 * username, a password or a token: a username field sometimes holds a password typed
 * one box too early.
 */
@Injectable()
export class SecurityEvents {
  private readonly logger: Logger;

  constructor(@Inject(APP_LOGGER) logger: Logger) {
    this.logger = logger.child({ context: 'security' });
  }

  /** A login with an unknown username or a wrong password. */
  loginFailed(actor: Omit<SecurityActor, 'sessionId'>): void {
    this.write('login_failed', { ...actor, sessionId: null });
  }

  /** The failure that used up the login limit of (username, address): logins wait `retryAfterSeconds`. */
  loginLocked(actor: Omit<SecurityActor, 'sessionId'>, retryAfterSeconds: number): void {
    this.write('login_locked', { ...actor, sessionId: null }, { retryAfterSeconds });
  }

  /** A rotated refresh token came back after its grace: the session (`sessionId`) was revoked as stolen. */
  refreshReuse(actor: SecurityActor): void {
    this.write('refresh_reuse', actor);
  }

  /** The user ended one of their sessions (`revokedSessionId`), or all of them (null), from `sessionId`. */
  sessionRevoked(actor: SecurityActor, revokedSessionId: string | null): void {
    this.write('session_revoked', actor, {
      scope: revokedSessionId === null ? 'all' : 'one',
      revokedSessionId,
    });
  }

  /** The password changed from `sessionId`; `endedSessions` other sessions were ended. */
  passwordChanged(actor: SecurityActor, endedSessions: number): void {
    this.write('password_changed', actor, { endedSessions });
  }

  private write(
    event: SecurityEvent,
    actor: SecurityActor,
    details: Record<string, string | number | null> = {},
  ): void {
    this.logger.warn(
      { event, userId: actor.userId, sessionId: actor.sessionId, ip: actor.ip ?? null, ...details },
      event,
    );
  }
}
