import {
  BadRequestException,
  HttpException,
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import type { Principal } from '../core/access-token-verifier';
import type { AuthFailure, AuthResult } from '../core/authenticate';
import { authorizationOf } from '../core/authorization-header';
import type { SeamlessAuth } from '../core/seamless-auth';
import { IS_PUBLIC } from './public.decorator';
import { SEAMLESS_AUTH } from './tokens';

/** Express's request is Node's own; fastify's keeps Node's as `raw`. */
type GuardedRequest = (IncomingMessage | { raw: IncomingMessage }) & { principal?: Principal };

/**
 * Guards every HTTP route unless it is marked @Public(): a valid access token attaches
 * its principal to the request (see @CurrentUser()); anything else is a 401 with the
 * same body and `WWW-Authenticate` as the Seamless server's own. Routes of other
 * transports (websockets, microservices) are refused unless marked @Public().
 */
@Injectable()
export class SeamlessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(SEAMLESS_AUTH) private readonly auth: SeamlessAuth,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (
      this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
        context.getHandler(),
        context.getClass(),
      ])
    ) {
      return true;
    }
    if (context.getType() !== 'http') {
      return false;
    }
    const http = context.switchToHttp();
    const request = http.getRequest<GuardedRequest>();
    const result = this.auth.authenticate(
      authorizationOf('raw' in request ? request.raw : request),
    );
    const decide = (outcome: AuthResult): boolean => {
      if (outcome.ok) {
        request.principal = outcome.principal;
        return true;
      }
      throw this.unauthorized(http.getResponse(), outcome.failure);
    };
    return result instanceof Promise ? result.then(decide) : decide(result);
  }

  private unauthorized(response: unknown, failure: AuthFailure): HttpException {
    this.adapterHost.httpAdapter.setHeader(response, 'WWW-Authenticate', failure.wwwAuthenticate);
    return failure.status === 400
      ? new BadRequestException(failure.body)
      : new UnauthorizedException(failure.body);
  }
}
