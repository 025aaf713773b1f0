import { SeamlessError } from './seamless-error.js';

/**
 * A refresh call, or the wait for another tab's refresh, took longer than its limit.
 * Retryable: tokens are kept, and the next request tries again.
 *
 * @example
 * ```ts
 * api.get('/bbb').catch((error: unknown) => {
 *   if (isTimeoutError(error)) showToast('The server is slow, try again');
 * });
 * ```
 */
export class TimeoutError extends SeamlessError {
  /** The limit that was exceeded, in milliseconds. */
  readonly timeout: number;

  constructor(message: string, timeout: number) {
    super(message);
    this.name = 'TimeoutError';
    this.timeout = timeout;
  }
}
