import { SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { SESSION_HEADER } from './refresh-cookie';

export const ACCEPTS_REFRESH_TOKEN = 'seamless:acceptsRefreshToken';

/**
 * Lets a request without an Authorization header through the access-token guard when
 * its JSON body carries a `refresh_token`, or when it says that the refresh token is in
 * the cookie (cookie mode); the handler must then check that token.
 */
export const RefreshTokenAccepted = () => SetMetadata(ACCEPTS_REFRESH_TOKEN, true);

/** Whether a request offers a refresh token instead of an access token (checked by the handler). */
export function carriesRefreshToken(request: FastifyRequest): boolean {
  const body: unknown = request.body;
  return (
    (typeof body === 'object' && body !== null && 'refresh_token' in body) ||
    request.headers[SESSION_HEADER] !== undefined
  );
}
