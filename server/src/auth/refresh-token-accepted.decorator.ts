import { SetMetadata } from '@nestjs/common';

export const ACCEPTS_REFRESH_TOKEN = 'seamless:acceptsRefreshToken';

/**
 * Lets a request without an Authorization header through the access-token guard when
 * its JSON body carries a `refresh_token`; the handler must then check that token.
 */
export const RefreshTokenAccepted = () => SetMetadata(ACCEPTS_REFRESH_TOKEN, true);

/** Whether a parsed request body carries a `refresh_token` field (checked by the handler). */
export function carriesRefreshToken(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'refresh_token' in body;
}
