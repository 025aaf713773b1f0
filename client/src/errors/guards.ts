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

function nameOf(error: unknown): unknown {
  return (error as { name?: unknown } | null)?.name;
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
  return error instanceof SeamlessError || SUBCLASS_NAMES.has(nameOf(error) as string);
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
  return error instanceof SessionExpiredError || nameOf(error) === 'SessionExpiredError';
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
  return error instanceof HttpError || nameOf(error) === 'HttpError';
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
  return error instanceof TimeoutError || nameOf(error) === 'TimeoutError';
}
