/**
 * The base class of every error this library creates, so that one check tells an
 * application's error handler "this came from authentication, not from my API".
 *
 * @example
 * ```ts
 * try {
 *   await api.get('/bbb');
 * } catch (error) {
 *   if (isSeamlessError(error)) showSignInHint();
 * }
 * ```
 */
export class SeamlessError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SeamlessError';
  }
}
