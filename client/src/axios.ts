import type { AxiosError, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { bearerToken, isAuthEndpoint } from './endpoints.js';
import type { AuthClient, ResponseInfo } from './types.js';

/** Per-request options, as `config.seamless` on any axios request. */
export interface SeamlessRequestOptions {
  /** Leave this request alone: no token, no refresh on 401. */
  skip?: boolean | undefined;
  /** Set on the one replay after a 401; a replay that fails again is returned as is. */
  replayed?: boolean | undefined;
}

declare module 'axios' {
  interface AxiosRequestConfig {
    /** Options of `@seamless/client` for this request. */
    seamless?: SeamlessRequestOptions | undefined;
  }
}

/** A response as `shouldRefresh` sees it. */
function infoOf(response: AxiosResponse): ResponseInfo {
  // AxiosHeaders (what axios 1.x hands over) reads names case-insensitively; a plain
  // object has them in lower case.
  const headers = response.headers as { get?: (name: string) => unknown } & Record<string, unknown>;
  return {
    status: response.status,
    headers: {
      get: (name) => {
        const value =
          typeof headers.get === 'function' ? headers.get(name) : headers[name.toLowerCase()];
        return typeof value === 'string' ? value : null;
      },
    },
  };
}

/** The request's AbortSignal, when it has a real one. */
function signalOf(config: InternalAxiosRequestConfig): AbortSignal | undefined {
  const { signal } = config;
  return signal && typeof signal.addEventListener === 'function'
    ? (signal as AbortSignal)
    : undefined;
}

function isAxiosError(error: unknown): error is AxiosError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { isAxiosError?: unknown }).isAxiosError === true
  );
}

/**
 * Adds the session to an existing axios instance: every request for the API's own
 * origins carries `Authorization: Bearer <access token>` (unless it already has an
 * Authorization header or sets `seamless: { skip: true }`), and an answer that blames
 * that token (see `shouldRefresh`) refreshes once and replays the request once. Requests that hit a 401 during a refresh
 * wait for it. When the session ends, they reject with `SessionExpiredError`.
 * Returns a function that removes both interceptors.
 *
 * Add your own interceptors before calling this if they should see the raw 401s.
 *
 * @example
 * ```ts
 * const api = axios.create({ baseURL: '/' });
 * const detach = attachAxios(auth, api);
 * const { data } = await api.get('/bbb');
 * ```
 */
export function attachAxios(client: AuthClient, instance: AxiosInstance): () => void {
  // The requests this adapter put a token on: only their failures may refresh it.
  const carried = new WeakSet<object>();
  const requestId = instance.interceptors.request.use(
    async (config: InternalAxiosRequestConfig) => {
      const replay = config.seamless?.replayed === true;
      if (
        config.seamless?.skip === true ||
        isAuthEndpoint(config.url) ||
        !client.sendsTokenTo(instance.getUri(config))
      ) {
        return config;
      }
      if (!replay && config.headers.has('Authorization')) {
        return config;
      }
      const token = await client.getAccessToken({ signal: signalOf(config) });
      if (token !== null) {
        config.headers.set('Authorization', `Bearer ${token}`);
        carried.add(config);
      } else if (replay) {
        config.headers.delete('Authorization');
      }
      return config;
    },
  );

  const responseId = instance.interceptors.response.use(
    (response: AxiosResponse) => response,
    async (error: unknown) => {
      const config = isAxiosError(error) ? error.config : undefined;
      const response = isAxiosError(error) ? error.response : undefined;
      const sent =
        config && carried.has(config) && bearerToken(config.headers.get('Authorization'));
      // Only a request that carried our token, refused for that token, is fixed by a refresh.
      if (
        !sent ||
        !response ||
        config.seamless?.replayed === true ||
        !client.shouldRefresh(infoOf(response))
      ) {
        throw error;
      }
      await client.renewAfterUnauthorized(sent, { signal: signalOf(config) });
      // The request interceptor puts the current token on the replay.
      return instance.request({ ...config, seamless: { ...config.seamless, replayed: true } });
    },
  );

  return () => {
    instance.interceptors.request.eject(requestId);
    instance.interceptors.response.eject(responseId);
  };
}
