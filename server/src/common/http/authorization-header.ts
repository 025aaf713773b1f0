import type { IncomingMessage } from 'node:http';

/**
 * Whether the request carries the Authorization field more than once. Node keeps only
 * the first in `headers` and drops the rest, so a proxy and this server could each act
 * on a different token; only `rawHeaders` shows them all.
 */
export function hasRepeatedAuthorization(request: IncomingMessage): boolean {
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
