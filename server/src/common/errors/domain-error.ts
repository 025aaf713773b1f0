/**
 * The failures the API reports on purpose. Each maps to one status and one message in
 * {@link HttpErrorFilter}; every credential failure shares one message so that the
 * answer never tells an attacker which part was wrong.
 */
export type DomainErrorCode =
  | 'missing_token'
  | 'invalid_token'
  | 'repeated_authorization'
  | 'invalid_credentials'
  | 'invalid_refresh_token'
  | 'rate_limited'
  | 'username_taken'
  | 'session_not_found'
  | 'database_unavailable'
  | 'wrong_current_password'
  | 'registration_limited'
  | 'server_busy'
  | 'origin_refused'
  | 'cross_site_refused';

export class DomainError extends Error {
  override name = 'DomainError';

  constructor(
    readonly code: DomainErrorCode,
    readonly retryAfterSeconds?: number,
  ) {
    super(code);
  }
}

/**
 * Shared instances for the errors that carry no data: throwing one costs no stack
 * capture, which keeps an ordinary 401 as cheap as a 200.
 */
export const Errors = {
  missingToken: new DomainError('missing_token'),
  invalidToken: new DomainError('invalid_token'),
  repeatedAuthorization: new DomainError('repeated_authorization'),
  invalidCredentials: new DomainError('invalid_credentials'),
  invalidRefreshToken: new DomainError('invalid_refresh_token'),
  usernameTaken: new DomainError('username_taken'),
  sessionNotFound: new DomainError('session_not_found'),
  databaseUnavailable: new DomainError('database_unavailable'),
  wrongCurrentPassword: new DomainError('wrong_current_password'),
  originRefused: new DomainError('origin_refused'),
  crossSiteRefused: new DomainError('cross_site_refused'),
} as const;
