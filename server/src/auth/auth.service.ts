import { Injectable } from '@nestjs/common';
import { DomainError, Errors } from '../common/domain-error';
import { SecurityEvents } from '../logging/security-events';
import { SessionsService, type ClientInfo, type IssuedRefresh } from '../sessions/sessions.service';
import { UsersService } from '../users/users.service';
import { AccessTokenService } from './access-token.service';
import type { TokenPairDto } from './dto/token-pair.dto';
import { LoginLimiter } from './login-limiter';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly accessTokens: AccessTokenService,
    private readonly limiter: LoginLimiter,
    private readonly events: SecurityEvents,
  ) {}

  async login(username: string, password: string, client: ClientInfo): Promise<TokenPairDto> {
    const limiterKey = `${username.toLowerCase()}|${client.ip ?? ''}`;
    const retryAfter = await this.limiter.retryAfter(limiterKey);
    if (retryAfter !== undefined) {
      throw new DomainError('rate_limited', retryAfter);
    }
    const { user, matches } = await this.users.checkCredentials(username, password);
    if (!user || !matches) {
      const lockedFor = await this.limiter.recordFailure(limiterKey);
      const actor = { userId: user?.id ?? null, ip: client.ip };
      this.events.loginFailed(actor);
      if (lockedFor !== undefined) {
        this.events.loginLocked(actor, lockedFor);
      }
      // One message for an unknown user and a wrong password alike.
      throw Errors.invalidCredentials;
    }
    await this.limiter.reset(limiterKey);
    return this.tokenPair(await this.sessions.start(user, client));
  }

  async refresh(refreshToken: string, ip: string | undefined): Promise<TokenPairDto> {
    return this.tokenPair(await this.sessions.refresh(refreshToken, ip));
  }

  private async tokenPair(issued: IssuedRefresh): Promise<TokenPairDto> {
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
