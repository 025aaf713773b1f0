import { SeamlessError } from './seamless-error.js';

/**
 * The session has ended: the server rejected the refresh token (expired, revoked,
 * reused) or the user signed out in another tab. Tokens have been cleared; the only
 * way forward is to sign in again. Every request that was waiting for the failed
 * refresh rejects with the same instance, so an app can show one message for it.
 *
 * @example
 * ```ts
 * api.get('/bbb').catch((error: unknown) => {
 *   if (isSessionExpiredError(error)) router.navigate('/login');
 * });
 * ```
 */
export class SessionExpiredError extends SeamlessError {
  /** HTTP status of the rejected refresh, when a refresh call was made. */
  readonly status: number | undefined;

  constructor(
    message = 'Session expired',
    options?: { cause?: unknown; status?: number | undefined },
  ) {
    super(message, options);
    this.name = 'SessionExpiredError';
    this.status = options?.status;
  }
}
