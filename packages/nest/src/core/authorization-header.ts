import type { IncomingMessage } from 'node:http';
import type { AuthorizationField } from './authenticate';

type RequestHeaders = Pick<IncomingMessage, 'headers' | 'rawHeaders' | 'headersDistinct'>;

/**
 * Whether the request carries the Authorization field more than once. Node keeps only
 * the first in `headers` and drops the rest, so a proxy and this service could each act
 * on a different token; only `rawHeaders` shows them all.
 */
export function hasRepeatedAuthorization(request: Pick<IncomingMessage, 'rawHeaders'>): boolean {
  const raw = request.rawHeaders;
  let seen = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if (name.length === 13 && name.toLowerCase() === 'authorization') {
      if (seen) {
        return true;
      }
      seen = true;
    }
  }
  return false;
}

/**
 * The request's Authorization field for `authenticate`: its value, or every value when it
 * came more than once. `headersDistinct` builds an object of every header, so it is read
 * only then, never on the common path.
 */
export function authorizationOf(request: RequestHeaders): AuthorizationField {
  const value = request.headers.authorization;
  return value !== undefined && hasRepeatedAuthorization(request)
    ? request.headersDistinct.authorization
    : value;
}
