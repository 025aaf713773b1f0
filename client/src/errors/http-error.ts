import { SeamlessError } from './seamless-error.js';

/**
 * A call the library made itself (login, refresh, logout) got an unexpected HTTP
 * status. For a refresh this is retryable (a 5xx, a proxy error page): the session is
 * kept and the next request tries again. For a login, `status` tells a wrong password
 * (401) from rate limiting (429, see `retryAfter`).
 *
 * @example
 * ```ts
 * try {
 *   await auth.login(username, password);
 * } catch (error) {
 *   if (isHttpError(error) && error.status === 401) setMessage('Invalid username or password');
 * }
 * ```
 */
export class HttpError extends SeamlessError {
  /** The response's status code. */
  readonly status: number;
  /** Seconds from the `Retry-After` header, when the server sent one. */
  readonly retryAfter: number | undefined;

  constructor(status: number, message: string, options?: { retryAfter?: number | undefined }) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.retryAfter = options?.retryAfter;
  }
}
