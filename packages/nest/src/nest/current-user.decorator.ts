import { createParamDecorator, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import type { Principal } from '../core/access-token-verifier';

/** The user the request's access token speaks for: `{ userId, username, sessionId, exp }`. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<{ principal?: Principal }>().principal;
    if (!principal) {
      // Only on a @Public() route, where the guard attached no one.
      throw new UnauthorizedException({
        statusCode: 401,
        message: 'Missing access token',
        error: 'Unauthorized',
      });
    }
    return principal;
  },
);
