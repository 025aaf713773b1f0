import { isAuthEndpoint } from './endpoints.js';
import type { AuthClient } from './types.js';

function withToken(request: Request, token: string): Request {
  const headers = new Headers(request.headers);
  headers.set('Authorization', `Bearer ${token}`);
  return new Request(request, { headers });
}

/**
 * Wraps `fetch` with the session: the returned function has fetch's signature, adds
 * `Authorization: Bearer <access token>` to requests for the API's own origins (unless
 * the request already has an Authorization header), and when the answer blames the token
 * (see `shouldRefresh`) refreshes once and replays the request once.
 * Rejects with `SessionExpiredError` when the session ends. Outside a browser, pass
 * absolute URLs (Node's `Request` needs them).
 *
 * @example
 * ```ts
 * const authFetch = createFetch(auth);
 * const response = await authFetch('/bbb');
 * ```
 */
export function createFetch(
  client: AuthClient,
  fetchImpl: typeof fetch = (input, init) => globalThis.fetch(input, init),
): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (
      request.headers.has('Authorization') ||
      isAuthEndpoint(request.url) ||
      !client.sendsTokenTo(request.url)
    ) {
      return fetchImpl(request);
    }
    const { signal } = request;
    const token = await client.getAccessToken({ signal });
    if (token === null) {
      return fetchImpl(request);
    }
    // Keep an unread copy of the body for the replay.
    const spare = request.clone();
    const response = await fetchImpl(withToken(request, token));
    if (response.ok || !client.shouldRefresh(response)) {
      return response;
    }
    const next = await client.renewAfterUnauthorized(token, { signal });
    await response.body?.cancel();
    return fetchImpl(withToken(spare, next));
  };
}
