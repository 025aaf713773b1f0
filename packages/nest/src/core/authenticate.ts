import type { AccessTokenVerifier, Principal, RejectReason } from './access-token-verifier';

/** The JSON body of a 401, the same as the Seamless server's. */
export interface UnauthorizedBody {
  statusCode: 401;
  message: string;
  error: 'Unauthorized';
}

/** A request that does not get through, and how to answer it. */
export interface AuthFailure {
  status: 401;
  /** The `WWW-Authenticate` header (RFC 6750 §3). */
  wwwAuthenticate: string;
  body: UnauthorizedBody;
  /** Why, for logs and tests; the client sees one answer for every invalid token. */
  reason: 'missing_token' | RejectReason;
}

export type AuthResult = { ok: true; principal: Principal } | { ok: false; failure: AuthFailure };

const MISSING: AuthFailure = {
  status: 401,
  wwwAuthenticate: 'Bearer',
  body: { statusCode: 401, message: 'Missing access token', error: 'Unauthorized' },
  reason: 'missing_token',
};

function invalid(reason: RejectReason): AuthFailure {
  return {
    status: 401,
    wwwAuthenticate: 'Bearer error="invalid_token"',
    body: { statusCode: 401, message: 'Invalid or expired access token', error: 'Unauthorized' },
    reason,
  };
}

/**
 * The principal of a request's `Authorization` header, or the 401 to answer: `Bearer`
 * when no credentials were sent, `Bearer error="invalid_token"` for anything else that
 * does not pass (another scheme, a bad, expired or revoked token). Synchronous unless
 * keys have to be fetched first.
 */
export function authenticate(
  verifier: AccessTokenVerifier,
  authorization: string | undefined,
): AuthResult | Promise<AuthResult> {
  if (!authorization) {
    return { ok: false, failure: MISSING };
  }
  if (authorization.length < 8 || authorization.slice(0, 7).toLowerCase() !== 'bearer ') {
    return { ok: false, failure: invalid('malformed') };
  }
  const verdict = verifier.check(authorization.slice(7).trim());
  return verdict instanceof Promise ? verdict.then(toResult) : toResult(verdict);
}

function toResult(verdict: Awaited<ReturnType<AccessTokenVerifier['check']>>): AuthResult {
  return verdict.ok
    ? { ok: true, principal: verdict.principal }
    : { ok: false, failure: invalid(verdict.reason) };
}
