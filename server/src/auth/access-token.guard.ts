import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Errors } from '../common/domain-error';
import { RevocationList } from '../revocation/revocation-list';
import { AccessTokenService, type Principal } from './access-token.service';
import { IS_PUBLIC } from './public.decorator';
import { ACCEPTS_REFRESH_TOKEN, carriesRefreshToken } from './refresh-token-accepted.decorator';

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/**
 * On by default for every route (routes opt out with @Public()). It reads the Bearer
 * token and the in-memory list of ended sessions, nothing else: no database, so
 * protected routes keep answering while the database is down.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenService,
    private readonly revoked: RevocationList,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (
      this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
        context.getHandler(),
        context.getClass(),
      ])
    ) {
      return true;
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (!header) {
      if (
        carriesRefreshToken(request) &&
        this.reflector.get<boolean>(ACCEPTS_REFRESH_TOKEN, context.getHandler())
      ) {
        return true;
      }
      throw Errors.missingToken;
    }
    if (header.length < 8 || header.slice(0, 7).toLowerCase() !== 'bearer ') {
      throw Errors.invalidToken;
    }
    const token = header.slice(7).trim();
    const known = this.tokens.lookup(token);
    if (known && !this.revoked.has(known.sessionId)) {
      request.principal = known;
      return true;
    }
    if (known !== undefined) {
      throw Errors.invalidToken;
    }
    return this.tokens.verify(token).then((principal) => {
      if (!principal || this.revoked.has(principal.sessionId)) {
        throw Errors.invalidToken;
      }
      request.principal = principal;
      return true;
    });
  }
}
