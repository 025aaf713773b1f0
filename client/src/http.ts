import { HttpError } from './errors/http-error.js';
import { TimeoutError } from './errors/timeout-error.js';
import { isTokenPair } from './record.js';
import type { TokenPair } from './types.js';

/**
 * The three server calls the core needs; swap it to talk to another server. Refresh and
 * logout get the whole current pair, so that an API which keeps the refresh token out of
 * scripts' reach (an httpOnly cookie) can ignore it; null when the tab has none (a
 * session restored from the cookie, a sign-out before the tab knew).
 */
export interface AuthApi {
  login(username: string, password: string): Promise<TokenPair>;
  /**
   * Rejects with an `HttpError` carrying the status when the server answers non-2xx (or
   * 2xx without a pair). Any other rejection (a timeout, a network error, an unreadable
   * answer) means the outcome is unknown: the server may have rotated the token.
   */
  refresh(current: TokenPair | null): Promise<TokenPair>;
  /** Ends the session on the server with its refresh token (no refresh first, whatever the access token's age). */
  logout(current: TokenPair | null): Promise<void>;
}

async function errorFrom(response: Response): Promise<HttpError> {
  let message = `${response.status} ${response.statusText}`.trim();
  try {
    // The server's errors carry one string; anything else keeps the status line.
    const body = (await response.json()) as { message?: unknown };
    if (typeof body.message === 'string') {
      message = body.message;
    }
  } catch {
    // Not JSON (a proxy's error page): keep the status line.
  }
  const retryAfter = Number(response.headers.get('Retry-After'));
  return new HttpError(response.status, message, {
    retryAfter: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  });
}

/**
 * The Seamless server's endpoints over `fetch`: `POST /user/login`, `POST /user/refresh`
 * and `POST /user/logout`, with the refresh token in a JSON body (never in a URL, where
 * logs and Referer headers keep it). With `cookie`, in cookie mode: each call says
 * `Seamless-Session: cookie` and sends credentials, and the refresh token never leaves
 * the httpOnly cookie the server sets.
 *
 * @example
 * ```ts
 * const api = createHttpApi({ baseURL: 'https://auth.example.test', fetch, timeout: 10_000 });
 * ```
 */
export function createHttpApi(options: {
  baseURL: string;
  fetch: typeof fetch;
  timeout: number;
  cookie?: boolean | undefined;
}): AuthApi {
  const { baseURL, timeout, cookie } = options;
  const doFetch = options.fetch;

  const post = async (path: string, body: unknown) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    try {
      return await doFetch(`${baseURL}${path}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(cookie && { 'Seamless-Session': 'cookie' }),
        },
        body: JSON.stringify(body),
        credentials: cookie ? 'include' : 'same-origin',
        signal: controller.signal,
      });
    } catch (error) {
      if (controller.signal.aborted) {
        throw new TimeoutError(`${path} took longer than ${timeout} ms`, timeout);
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };

  const pairFrom = async (response: Response): Promise<TokenPair> => {
    if (!response.ok) {
      throw await errorFrom(response);
    }
    // A body that cannot be read (cut off, not JSON) rejects as it is: the server may
    // well have acted, so the caller may retry.
    const body: unknown = await response.json();
    if (!isTokenPair(body) || (!cookie && typeof body.refresh_token !== 'string')) {
      throw new HttpError(response.status, 'No token pair');
    }
    return body;
  };

  return {
    login: async (username, password) =>
      pairFrom(await post('/user/login', { username, password })),
    // In cookie mode the pair has no refresh token, and the body is `{}`.
    refresh: async (current) =>
      pairFrom(await post('/user/refresh', { refresh_token: current?.refresh_token })),
    logout: async (current) => {
      await (await post('/user/logout', { refresh_token: current?.refresh_token })).body?.cancel();
    },
  };
}
