import { Injectable } from '@nestjs/common';
import type { Principal } from '../access-tokens/access-token.service';
import { AccessTokenService } from '../access-tokens/access-token.service';
import { Errors } from '../common/errors/domain-error';
import { SecurityEvents } from '../logging/security-events';
import type { RefreshVia } from '../sessions/session.entity';
import { SessionsService, type ClientInfo, type IssuedRefresh } from '../sessions/sessions.service';
import { PasswordPolicy } from '../users/password-policy';
import type { PublicUser } from '../users/user.entity';
import { usernameKey } from '../users/username';
import { UsersService } from '../users/users.service';
import type { TokenPairDto } from './dto/token-pair.dto';
import { LoginLimiter, type LoginAttempt } from './login-limiter';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly accessTokens: AccessTokenService,
    private readonly limiter: LoginLimiter,
    private readonly policy: PasswordPolicy,
    private readonly events: SecurityEvents,
  ) {}

  /**
   * Checks the password and starts a session whose refresh token travels `via` the body
   * or only the cookie. The pair always holds the refresh token: the controller moves it
   * into the cookie in cookie mode.
   */
  async login(
    username: string,
    password: string,
    client: ClientInfo,
    via: RefreshVia = 'body',
  ): Promise<IssuedPair> {
    // Counted before the hash runs, so parallel guesses get no more checks than the limit.
    const attempt = await this.limiter.reserveLogin(usernameKey(username), client.ip);
    const { user, matches } = await checked(attempt, () =>
      this.users.checkCredentials(username, password),
    );
    if (!user || !matches) {
      const lockedFor = attempt.failed();
      const actor = { userId: user?.id ?? null, ip: client.ip };
      this.events.loginFailed(actor);
      if (lockedFor !== undefined) {
        this.events.loginLocked(actor, lockedFor);
      }
      // One message for an unknown user and a wrong password alike.
      throw Errors.invalidCredentials;
    }
    await attempt.succeeded();
    return this.tokenPair(await this.sessions.start(user, client, via));
  }

  async register(username: string, password: string, client: ClientInfo): Promise<PublicUser> {
    this.policy.check(password, username);
    const slot = await this.limiter.reserveRegistration(client.ip);
    try {
      return await this.users.register(username, password);
    } catch (error) {
      if (error === Errors.usernameTaken) {
        throw error; // the hash ran: the registration counts
      }
      await slot.cancelled();
      throw error;
    }
  }

  /**
   * Replaces the signed-in user's password and ends their other sessions. The current
   * password is checked like a login — counted first, against the same limits — so a
   * stolen access token cannot be used to guess it.
   */
  async changePassword(
    principal: Principal,
    currentPassword: string,
    newPassword: string,
    client: ClientInfo,
  ): Promise<void> {
    this.policy.check(newPassword, principal.username);
    const attempt = await this.limiter.reserveLogin(usernameKey(principal.username), client.ip);
    const matches = await checked(attempt, () =>
      this.users.verifyPassword(principal.userId, currentPassword),
    );
    const actor = { userId: principal.userId, sessionId: principal.sessionId, ip: client.ip };
    if (!matches) {
      const lockedFor = attempt.failed();
      this.events.loginFailed(actor);
      if (lockedFor !== undefined) {
        this.events.loginLocked(actor, lockedFor);
      }
      throw Errors.wrongCurrentPassword;
    }
    await attempt.succeeded();
    const ended = await this.users.changePassword(
      principal.userId,
      newPassword,
      principal.sessionId,
    );
    this.events.passwordChanged(actor, ended);
  }

  async refresh(
    refreshToken: string,
    via: RefreshVia,
    ip: string | undefined,
  ): Promise<IssuedPair> {
    return this.tokenPair(await this.sessions.refresh(refreshToken, via, ip));
  }

  private async tokenPair(issued: IssuedRefresh): Promise<IssuedPair> {
    // An access token never outlives its session (SESSION_MAX_AGE, or the inactivity
    // window): a session that ends by age leaves no working token behind, with no
    // revocation needed.
    const sessionEnd = Math.floor(issued.refreshExpiresAt / 1000);
    const accessToken = await this.accessTokens.sign(
      { id: issued.userId, username: issued.username },
      issued.sessionId,
      sessionEnd,
    );
    const now = Math.floor(Date.now() / 1000);
    return {
      access_token: accessToken,
      refresh_token: issued.refreshToken,
      token_type: 'Bearer',
      expires_in: Math.max(0, Math.min(this.accessTokens.ttlSeconds, sessionEnd - now)),
      refresh_expires_in: Math.max(0, Math.ceil((issued.refreshExpiresAt - Date.now()) / 1000)),
    };
  }
}

/** A token pair as issued: the refresh token always there, whichever way it then travels. */
export type IssuedPair = TokenPairDto & { refresh_token: string };

/** Runs a password check; when it throws (queue full, database down), no password was checked. */
async function checked<T>(attempt: LoginAttempt, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    await attempt.cancelled();
    throw error;
  }
}
