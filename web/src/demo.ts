/**
 * The one auth client and the axios instances of the demo. The app has no auth logic
 * of its own: `@seamless/client` attaches tokens, refreshes and replays; this module
 * only watches the traffic so the page can show it.
 */
import axios, { type AxiosInstance } from 'axios';
import { createAuthClient } from '@seamless/client';
import { attachAxios } from '@seamless/client/axios';
import type { Text } from './i18n/index.ts';
import { countRefresh, logNote, logOutcome, logRequest, type LogKind } from './log.ts';
import { mode } from './mode.ts';

declare module 'axios' {
  interface AxiosRequestConfig {
    /** Id of this request's line in the demo's log. */
    demoLogId?: number;
  }
}

/** Shortens an answer body to one readable line (the server's own words stay as they are). */
export function summarize(body: unknown): Text {
  if (body === undefined || body === null || body === '') {
    return '';
  }
  if (typeof body === 'string') {
    if (body.startsWith('{') || body.startsWith('[')) {
      try {
        return summarize(JSON.parse(body));
      } catch {
        // Not JSON after all: show the text.
      }
    }
    return body.length > 80 ? `${body.slice(0, 77)}…` : body;
  }
  if (Array.isArray(body)) {
    const count = body.length;
    return ({ t }) => t.events.items(count);
  }
  if (typeof body === 'object' && 'username' in body && 'id' in body) {
    const [username, id] = [String(body.username), String(body.id)];
    return ({ t }) => t.events.user(username, id);
  }
  if (typeof body === 'object' && 'message' in body) {
    const { message } = body;
    return Array.isArray(message) ? message.join('; ') : String(message);
  }
  const text = JSON.stringify(body);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

function pathOf(url: string): string {
  try {
    const parsed = new URL(url, window.location.origin);
    return parsed.pathname;
  } catch {
    return url;
  }
}

/**
 * Logs every request the instance sends and every raw answer it receives. Added
 * before `attachAxios`, so axios runs these response handlers first: they see the
 * 401s the client then replays, and the replays themselves.
 */
function logTraffic(instance: AxiosInstance): void {
  instance.interceptors.request.use((config) => {
    // The client marks the one replay it sends after a refresh.
    const kind: LogKind = config.seamless?.replayed === true ? 'replay' : 'request';
    config.demoLogId = logRequest(kind, config.method ?? 'get', pathOf(config.url ?? ''));
    return config;
  });
  instance.interceptors.response.use(
    (response) => {
      if (response.config.demoLogId !== undefined) {
        logOutcome(response.config.demoLogId, response.status, summarize(response.data));
      }
      return response;
    },
    (error: unknown) => {
      if (axios.isAxiosError(error) && error.config?.demoLogId !== undefined) {
        const status = error.response?.status ?? 'failed';
        const detail = error.response
          ? describeRejection(error.response.headers['www-authenticate'], error.response.data)
          : error.message;
        logOutcome(error.config.demoLogId, status, detail);
      }
      throw error;
    },
  );
}

/** `invalid_token` for a 401 whose WWW-Authenticate names the error, else the body's message. */
function describeRejection(challenge: unknown, body: unknown): Text {
  const code = typeof challenge === 'string' ? /error="([^"]+)"/.exec(challenge)?.[1] : undefined;
  return code ?? summarize(body);
}

/**
 * In cookie mode, until the client has said whether the cookie holds a session: its
 * first refresh only asks, and a 401 then means "signed out", not a rejected token.
 */
let restoring = mode === 'cookie';

/** The client's own calls (login, refresh, logout) go through this fetch, so they are logged too. */
const loggingFetch: typeof fetch = async (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
  const path = pathOf(url);
  const id = logRequest('auth', method, path);
  try {
    const response = await window.fetch(input, init);
    if (restoring && path === '/user/refresh') {
      logOutcome(
        id,
        response.status,
        ({ t }) => (response.ok ? t.events.sessionRestored : t.events.noSessionToRestore),
        false,
      );
    } else {
      logOutcome(id, response.status, describeAuthCall(path, response.status));
    }
    return response;
  } catch (error) {
    logOutcome(
      id,
      'failed',
      error instanceof Error ? error.message : ({ t }) => t.events.networkError,
    );
    throw error;
  }
};

function describeAuthCall(path: string, status: number): Text {
  const ok = status >= 200 && status < 300;
  switch (path) {
    case '/user/refresh':
      return ({ t }) => (ok ? t.events.newTokenPair : t.events.refreshTokenRejected);
    case '/user/login':
      return ({ t }) => (ok ? t.events.signedIn : t.events.signInRefused);
    case '/user/logout':
      return ok ? ({ t }) => t.events.sessionRevoked : '';
    default:
      return '';
  }
}

/**
 * The auth client shared by the whole page. In cookie mode (the default) the refresh token
 * is an httpOnly cookie and the access token stays in memory, shared with other tabs by
 * message; in localStorage mode both tokens are in localStorage, as in the tutorial.
 */
export const auth = createAuthClient({
  baseURL: '',
  fetch: loggingFetch,
  refreshToken: mode === 'cookie' ? 'cookie' : 'storage',
});

/** The axios instance for API calls that need the user's token. */
export const api: AxiosInstance = axios.create({ baseURL: '' });
logTraffic(api);
attachAxios(auth, api);

/** An axios instance without the auth client, for calls made while signed out (register). */
export const publicApi: AxiosInstance = axios.create({ baseURL: '' });
logTraffic(publicApi);

auth.on('refresh', (_tokens, source) => {
  countRefresh(source);
  if (source === 'other-tab') {
    logNote(({ t }) => t.events.otherTabRefreshed);
  }
});
auth.on('tokens', (pair, { reason, source }) => {
  restoring = false;
  if (pair === null && source === 'other-tab') {
    logNote(({ t }) =>
      reason === 'logout' ? t.events.otherTabSignedOut : t.events.otherTabLostSession,
    );
  }
});
auth.on('refreshError', (error, fatal) => {
  const reason = error instanceof Error ? error.message : null;
  logNote(({ t }) =>
    fatal ? t.events.refreshRefused : t.events.refreshFailed(reason ?? t.events.network),
  );
});
