import {
  applyDecorators,
  Injectable,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { AuthenticatedRequest } from '../access-tokens/access-token.guard';
import { ACCEPTS_REFRESH_TOKEN } from '../access-tokens/refresh-token-accepted.decorator';
import { Errors } from '../common/errors/domain-error';
import { SessionsService } from './sessions.service';

/**
 * Runs after the access-token guard on the routes that manage sessions or the account:
 * the token's session must still stand in the database, not only the token be valid.
 * Otherwise an access token that outlived its session (after a logout, or "sign out
 * everywhere" against a thief) could still list and revoke the owner's new sessions.
 */
@Injectable()
export class LiveSessionGuard implements CanActivate {
  constructor(
    private readonly sessions: SessionsService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal) {
      // Let through only what the access-token guard let through without a token: a
      // refresh token in its place (body or cookie), which the handler itself checks.
      if (this.reflector.get<unknown>(ACCEPTS_REFRESH_TOKEN, context.getHandler()) !== undefined) {
        return true;
      }
      throw Errors.missingToken;
    }
    if (!(await this.sessions.isLive(principal.sessionId, principal.userId))) {
      throw Errors.invalidToken;
    }
    return true;
  }
}

/**
 * Opts a route (or a controller) into {@link LiveSessionGuard}: one database read per
 * request, so only for routes that manage sessions or the account, never the guarded
 * path of ordinary routes.
 */
export const RequireLiveSession = () =>
  applyDecorators(
    UseGuards(LiveSessionGuard),
    ApiUnauthorizedResponse({
      description:
        'No access token (WWW-Authenticate: Bearer), or one that is invalid, expired or whose session has ended (Bearer error="invalid_token")',
    }),
  );
