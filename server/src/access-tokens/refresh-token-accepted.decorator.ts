import { SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

export const ACCEPTS_REFRESH_TOKEN = 'seamless:acceptsRefreshToken';

/** Whether a request offers a refresh token in place of an access token; the route says how. */
export type OffersRefreshToken = (request: FastifyRequest) => boolean;

/**
 * Lets a request without an Authorization header through the access-token guard when
 * `offers` finds a refresh token in it instead; the handler must then check that token.
 */
export const RefreshTokenAccepted = (offers: OffersRefreshToken) =>
  SetMetadata(ACCEPTS_REFRESH_TOKEN, offers);
