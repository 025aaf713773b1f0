// The test page's script, bundled with axios by esbuild and loaded by every tab.
import axios from 'axios';
import { attachAxios } from '../../src/axios.js';
import { createAuthClient, createFetch } from '../../src/index.js';

// `?api=<origin>` puts the API on another origin than the page (default: the same);
// `?mode=cookie` keeps the refresh token in the server's httpOnly cookie.
const params = new URLSearchParams(location.search);
const apiOrigin = params.get('api') ?? '';
const auth = createAuthClient({
  baseURL: apiOrigin,
  refreshToken: params.get('mode') === 'cookie' ? 'cookie' : 'storage',
});
const api = axios.create({ baseURL: apiOrigin });
attachAxios(auth, api);
const authFetch = createFetch(auth);

const seen = {
  sessionExpired: 0,
  refreshesHere: 0,
  refreshesAdopted: 0,
  lastTokensFromOtherTab: 'none' as 'none' | 'pair' | 'null',
  /** Every tokens event, as `reason:pair` or `reason:null`. */
  tokens: [] as string[],
};
auth.on('sessionExpired', () => {
  seen.sessionExpired += 1;
});
auth.on('refresh', (_tokens, source) => {
  if (source === 'self') {
    seen.refreshesHere += 1;
  } else {
    seen.refreshesAdopted += 1;
  }
});
auth.on('tokens', (tokens, { reason, source }) => {
  seen.tokens.push(`${reason}:${tokens ? 'pair' : 'null'}`);
  if (source === 'other-tab') {
    seen.lastTokensFromOtherTab = tokens ? 'pair' : 'null';
  }
});

/** One request through axios or fetch; answers `200 bbb`, `401`, or the error's name. */
async function call(via: 'axios' | 'fetch'): Promise<string> {
  try {
    if (via === 'fetch') {
      const response = await authFetch(`${apiOrigin}/bbb`);
      const body = await response.text();
      return response.ok ? `${response.status} ${body}` : String(response.status);
    }
    const response = await api.get<string>('/bbb', { responseType: 'text' });
    return `${response.status} ${response.data}`;
  } catch (error) {
    if (axios.isAxiosError(error) && error.response) {
      return String(error.response.status);
    }
    return error instanceof Error ? error.name : String(error);
  }
}

const harness = {
  login: async (username: string, password: string): Promise<void> => {
    await auth.login(username, password);
  },
  /** Replaces the stored access token's signature, as a person editing storage would. */
  spoil: async (): Promise<void> => {
    const pair = await auth.getTokens();
    if (pair) {
      const [header, payload] = pair.access_token.split('.');
      await auth.setTokens({ ...pair, access_token: `${header}.${payload}.spoiled` });
    }
  },
  /** At wall-clock time `at`, fires `count` requests (alternating axios and fetch). */
  fireAt: async (at: number, count: number): Promise<string[]> => {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
    return Promise.all(
      Array.from({ length: count }, (_, i) => call(i % 2 === 0 ? 'axios' : 'fetch')),
    );
  },
  accessToken: async (): Promise<string | null> => (await auth.getTokens())?.access_token ?? null,
  tokens: () => auth.getTokens(),
  signedIn: async (): Promise<boolean> => (await auth.getTokens()) !== null,
  logout: (): Promise<void> => auth.logout(),
  seen: (): typeof seen => ({ ...seen, tokens: [...seen.tokens] }),
  refresh: async (): Promise<string> => {
    try {
      await auth.refresh();
      return 'ok';
    } catch (error) {
      return error instanceof Error ? error.name : String(error);
    }
  },
  hasWebLocks: (): boolean => 'locks' in navigator && navigator.locks !== undefined,
};

export type Harness = typeof harness;
(globalThis as unknown as { harness: Harness }).harness = harness;
