import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { IS_PUBLIC } from '../common/http/public.decorator';
import { AccessTokenService, type Principal } from './access-token.service';
import { ACCEPTS_REFRESH_TOKEN, type OffersRefreshToken } from './refresh-token-accepted.decorator';

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
      const offers = this.reflector.get<OffersRefreshToken | undefined>(
        ACCEPTS_REFRESH_TOKEN,
        context.getHandler(),
      );
      if (offers?.(request)) {
        return true;
      }
    }
    const principal = this.tokens.authenticate(header);
    if (principal instanceof Promise) {
      return principal.then((found) => {
        request.principal = found;
        return true;
      });
    }
    request.principal = principal;
    return true;
  }
}
