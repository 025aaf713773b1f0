import { STATUS_CODES } from 'node:http';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { BEARER_ANSWERS } from '@seamless/nest/core';
import type { FastifyReply } from 'fastify';
import { isDatabaseUnavailable } from '../../database/database-errors';
import { DomainError, type DomainErrorCode } from '../errors/domain-error';

interface ErrorShape {
  status: number;
  message: string;
  wwwAuthenticate?: string;
}

const DOMAIN_ERRORS: Record<DomainErrorCode, ErrorShape> = {
  // The same answers as every service that checks tokens with @seamless/nest.
  ...BEARER_ANSWERS,
  // Every 401 names a challenge (RFC 9110 §11.6.1). Login and refresh take their
  // credentials in the JSON body, so their challenges name that, and neither says
  // `Bearer error="invalid_token"`, which tells a client to refresh and try again:
  // a loop on the refresh route itself. None is `Basic`, which makes browsers prompt.
  invalid_credentials: {
    status: 401,
    message: 'Invalid username or password',
    wwwAuthenticate: 'Password',
  },
  invalid_refresh_token: {
    status: 401,
    message: 'Invalid, expired or revoked refresh token',
    // RFC 6749 §5.2's name for a refresh token that is invalid, expired or revoked.
    wwwAuthenticate: 'RefreshToken error="invalid_grant"',
  },
  rate_limited: {
    status: 429,
    message: 'Too many failed login attempts, try again later',
  },
  username_taken: { status: 409, message: 'Username is already taken' },
  session_not_found: { status: 404, message: 'Session not found' },
  database_unavailable: {
    status: 503,
    message: 'Database unavailable, try again shortly',
  },
  wrong_current_password: {
    status: 401,
    message: 'Current password is incorrect',
    wwwAuthenticate: 'Bearer',
  },
  registration_limited: {
    status: 429,
    message: 'Too many registrations from this address, try again later',
  },
  server_busy: {
    status: 503,
    message: 'Too many sign-ins at this moment, try again shortly',
  },
  // Cookie mode: a request with the refresh cookie from a page this server does not serve.
  origin_refused: {
    status: 403,
    message: 'This origin may not use the refresh cookie',
  },
  cross_site_refused: {
    status: 403,
    message: 'Cross-site requests may not use the refresh cookie',
  },
};

/**
 * The one place where failures become HTTP: domain errors by their code, Nest's
 * HttpExceptions as they are, an unreachable database as 503, anything else as a 500
 * whose details go to the log and never to the client.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof DomainError) {
      const shape = DOMAIN_ERRORS[exception.code];
      if (shape.wwwAuthenticate) {
        void reply.header('WWW-Authenticate', shape.wwwAuthenticate);
      }
      if (exception.retryAfterSeconds !== undefined) {
        void reply.header('Retry-After', String(exception.retryAfterSeconds));
      }
      send(reply, shape.status, shape.message);
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 401 && !reply.hasHeader('WWW-Authenticate')) {
        void reply.header('WWW-Authenticate', 'Bearer');
      }
      send(reply, status, messageOf(exception));
      return;
    }
    if (isDatabaseUnavailable(exception)) {
      const shape = DOMAIN_ERRORS.database_unavailable;
      this.logger.warn('database unavailable');
      send(reply, shape.status, shape.message);
      return;
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : 'non-error thrown',
    );
    send(reply, 500, 'Internal server error');
  }
}

/** Every error body: the status, a message for people, and the status's reason phrase. */
function send(reply: FastifyReply, statusCode: number, message: string): void {
  void reply
    .status(statusCode)
    .type('application/json; charset=utf-8')
    .send({ statusCode, message, error: STATUS_CODES[statusCode] ?? 'Error' });
}

/** Nest's message, which validation makes a list: joined, so every error body has one string. */
function messageOf(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') {
    return body;
  }
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) {
    return message.map(String).join('; ');
  }
  return typeof message === 'string' ? message : exception.message;
}
