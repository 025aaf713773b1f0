import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { Errors } from '../common/errors/domain-error';
import type { AuthenticatedRequest } from './access-token.guard';
import type { Principal } from './access-token.service';

/** The principal the guard attached to this request. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal) {
      throw Errors.missingToken;
    }
    return principal;
  },
);
