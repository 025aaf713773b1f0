// `instanceof` fails when the error was created by another copy of this library
// (an iframe, a second bundle), so every guard also accepts a matching `name`.
import { HttpError } from './http-error.js';
import { SeamlessError } from './seamless-error.js';
import { SessionExpiredError } from './session-expired-error.js';
import { TimeoutError } from './timeout-error.js';

const SUBCLASS_NAMES = new Set([
  'SeamlessError',
  'SessionExpiredError',
  'HttpError',
  'TimeoutError',
]);

function hasName(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}

/**
 * Whether `error` came from this library (any of its error classes).
 *
 * @example
 * ```ts
 * if (isSeamlessError(error)) console.warn('auth:', error.message);
 * ```
 */
export function isSeamlessError(error: unknown): error is SeamlessError {
  if (error instanceof SeamlessError) {
    return true;
  }
  const name =
    typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : '';
  return typeof name === 'string' && SUBCLASS_NAMES.has(name);
}

/**
 * Whether `error` means the session has ended and the user must sign in again.
 *
 * @example
 * ```ts
 * if (isSessionExpiredError(error)) showLogin('Session expired');
 * ```
 */
export function isSessionExpiredError(error: unknown): error is SessionExpiredError {
  return error instanceof SessionExpiredError || hasName(error, 'SessionExpiredError');
}

/**
 * Whether `error` is an unexpected HTTP status from a login, refresh or logout call.
 *
 * @example
 * ```ts
 * if (isHttpError(error) && error.status === 429) wait(error.retryAfter ?? 60);
 * ```
 */
export function isHttpError(error: unknown): error is HttpError {
  return error instanceof HttpError || hasName(error, 'HttpError');
}

/**
 * Whether `error` is a refresh (or the wait for another tab's refresh) that timed out.
 *
 * @example
 * ```ts
 * if (isTimeoutError(error)) retryLater();
 * ```
 */
export function isTimeoutError(error: unknown): error is TimeoutError {
  return error instanceof TimeoutError || hasName(error, 'TimeoutError');
}
