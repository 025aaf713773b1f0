import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from './access-token-verifier';
import type { AuthFailure, AuthorizationField, AuthResult } from './authenticate';
import { authorizationOf } from './authorization-header';

/** A request that got through: its principal is attached. */
export type AuthenticatedRequest<R extends IncomingMessage = IncomingMessage> = R & {
  principal: Principal;
};

/** Anything with an `authenticate` method: a {@link SeamlessAuth}. */
export interface Authenticator {
  authenticate(authorization: AuthorizationField): AuthResult | Promise<AuthResult>;
}

/** Answers the refusal (401, or 400 for several headers) on a `node:http` (or express) response. */
export function sendUnauthorized(response: ServerResponse, failure: AuthFailure): void {
  const body = JSON.stringify(failure.body);
  response.writeHead(failure.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'www-authenticate': failure.wwwAuthenticate,
  });
  response.end(body);
}

/**
 * Middleware for express, connect or a plain `node:http` handler: a request with a valid
 * access token goes on to `next` with `request.principal` set; any other gets the 401
 * (400 when `Authorization` came more than once).
 *
 * ```ts
 * app.use(requireAccessToken(auth));                              // express
 * createServer((req, res) => guard(req, res, () => handle(req, res)));  // node:http
 * ```
 */
export function requireAccessToken(auth: Authenticator) {
  return (
    request: IncomingMessage & { principal?: Principal },
    response: ServerResponse,
    next: (error?: unknown) => void,
  ): void => {
    const proceed = (result: AuthResult): void => {
      if (result.ok) {
        request.principal = result.principal;
        next();
      } else {
        sendUnauthorized(response, result.failure);
      }
    };
    try {
      const result = auth.authenticate(authorizationOf(request));
      if (result instanceof Promise) {
        result.then(proceed, next);
      } else {
        proceed(result);
      }
    } catch (error) {
      next(error);
    }
  };
}
