import type { AccessTokenVerifier, Principal, RejectReason } from './access-token-verifier';

/** The JSON body of a 401, the same as the Seamless server's. */
export interface UnauthorizedBody {
  statusCode: 401;
  message: string;
  error: 'Unauthorized';
}

/** The JSON body of the 400 for several `Authorization` headers, as the server's. */
export interface BadRequestBody {
  statusCode: 400;
  message: string;
  error: 'Bad Request';
}

/** A request that does not get through, and how to answer it. */
export type AuthFailure =
  | {
      status: 401;
      /** The `WWW-Authenticate` header (RFC 6750 §3). */
      wwwAuthenticate: string;
      body: UnauthorizedBody;
      /** Why, for logs and tests; the client sees one answer for every invalid token. */
      reason: 'missing_token' | RejectReason;
    }
  | {
      status: 400;
      wwwAuthenticate: string;
      body: BadRequestBody;
      reason: 'repeated_authorization';
    };

/**
 * What a request says in `Authorization`: one value, or every value when the field came
 * more than once. Node's `headers` keeps only the first, so a proxy in front and this
 * service could each act on another token; `headersDistinct` keeps them all.
 */
export type AuthorizationField = string | readonly string[] | undefined;

export type AuthResult = { ok: true; principal: Principal } | { ok: false; failure: AuthFailure };

/**
 * The answers to a request that does not get through, the Seamless server's own: the
 * server's error filter takes them from here, so a service and the server cannot drift.
 */
export const BEARER_ANSWERS = {
  missing_token: { status: 401, message: 'Missing access token', wwwAuthenticate: 'Bearer' },
  invalid_token: {
    status: 401,
    message: 'Invalid or expired access token',
    wwwAuthenticate: 'Bearer error="invalid_token"',
  },
  // RFC 6750 §3.1: credentials that cannot be read as one token are a malformed request.
  repeated_authorization: {
    status: 400,
    message: 'Send one Authorization header, not several',
    wwwAuthenticate: 'Bearer error="invalid_request"',
  },
} as const;

const MISSING: AuthFailure = {
  status: 401,
  wwwAuthenticate: BEARER_ANSWERS.missing_token.wwwAuthenticate,
  body: { statusCode: 401, message: BEARER_ANSWERS.missing_token.message, error: 'Unauthorized' },
  reason: 'missing_token',
};

const REPEATED: AuthFailure = {
  status: 400,
  wwwAuthenticate: BEARER_ANSWERS.repeated_authorization.wwwAuthenticate,
  body: {
    statusCode: 400,
    message: BEARER_ANSWERS.repeated_authorization.message,
    error: 'Bad Request',
  },
  reason: 'repeated_authorization',
};

function invalid(reason: RejectReason): AuthFailure {
  return {
    status: 401,
    wwwAuthenticate: BEARER_ANSWERS.invalid_token.wwwAuthenticate,
    body: { statusCode: 401, message: BEARER_ANSWERS.invalid_token.message, error: 'Unauthorized' },
    reason,
  };
}

/**
 * The principal of a request's `Authorization` header, or what to answer: 401 `Bearer`
 * when no credentials were sent, 401 `Bearer error="invalid_token"` for anything else
 * that does not pass (another scheme, a bad, expired or revoked token), 400
 * `Bearer error="invalid_request"` for several headers. Synchronous unless keys have to
 * be fetched first.
 */
export function authenticate(
  verifier: AccessTokenVerifier,
  field: AuthorizationField,
): AuthResult | Promise<AuthResult> {
  if (typeof field !== 'string' && field !== undefined && field.length > 1) {
    return { ok: false, failure: REPEATED };
  }
  const authorization = typeof field === 'string' ? field : field?.[0];
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
