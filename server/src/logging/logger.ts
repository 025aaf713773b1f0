import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

/** Injection token of the application's pino logger. */
export const APP_LOGGER = Symbol('APP_LOGGER');

/**
 * Structured JSON logs. Nothing that can carry a secret is ever logged: request logs
 * hold the method, the path with every query value masked, the status and the time,
 * never headers or bodies; the redaction list is a second line of defence for objects
 * logged by mistake.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'seamless' },
    redact: {
      paths: [
        'authorization',
        '*.authorization',
        'headers.authorization',
        '*.headers.authorization',
        'password',
        '*.password',
        'refresh_token',
        '*.refresh_token',
        'access_token',
        '*.access_token',
        'passwordHash',
        '*.passwordHash',
      ],
      censor: '[REDACTED]',
    },
  });
}

/** `/user/refresh?refresh_token=abc` → `/user/refresh?refresh_token=[REDACTED]`. */
export function maskQuery(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) {
    return url;
  }
  const masked = url
    .slice(q + 1)
    .split('&')
    .map((pair) => `${pair.split('=')[0]}=[REDACTED]`)
    .join('&');
  return `${url.slice(0, q)}?${masked}`;
}

/** Nest's own messages (start-up, errors) through the same pino logger. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }

  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
