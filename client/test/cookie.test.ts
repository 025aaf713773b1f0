// Cookie mode against the real server: the refresh token stays in an httpOnly cookie the
// client never sees, the access token in memory, and a new page restores the session
// with one refresh before it answers anything.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createAuthClient,
  createFetch,
  type AuthClient,
  type AuthClientOptions,
  type TokenPair,
  type TokensChange,
} from '../src/index.js';
import { serverBehindProxy } from './helpers/server.js';
import { PASSWORD, spoilAccessToken, until, USERNAME, within } from './helpers/util.js';

const COOKIE = '__Secure-seamless-refresh';

const { server, proxy } = await serverBehindProxy({ ACCESS_TOKEN_TTL: '5m' });

/**
 * What a browser adds to the client's calls on a page of the API's origin: the Origin
 * header and a cookie jar (Node's fetch has neither). Records every answer's body.
 */
class Browser {
  readonly jar = new Map<string, string>();
  readonly bodies: string[] = [];
  readonly sent: { url: string; headers: Headers; body: string }[] = [];

  readonly fetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const headers = new Headers(request.headers);
    headers.set('Origin', proxy.url);
    if (this.jar.size > 0) {
      headers.set('Cookie', [...this.jar].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    this.sent.push({ url: request.url, headers, body: await request.clone().text() });
    const response = await fetch(new Request(request, { headers }));
    for (const line of response.headers.getSetCookie()) {
      const [name = '', value = ''] = (line.split(';')[0] ?? '').split('=');
      if (/;\s*max-age=0/i.test(line)) {
        this.jar.delete(name);
      } else {
        this.jar.set(name, value);
      }
    }
    this.bodies.push(await response.clone().text());
    return response;
  };

  /** A tab of this browser: a page with its own client in cookie mode. */
  tab(storageKey: string, options: AuthClientOptions = {}): AuthClient {
    return createAuthClient({
      baseURL: proxy.url,
      refreshToken: 'cookie',
      storageKey,
      fetch: this.fetch,
      ...options,
    });
  }
}

const key = (): string => `cookie-${Math.random().toString(36).slice(2)}`;
const refreshes = (status?: number): number => proxy.count('POST', '/user/refresh', status);

type Seen = [TokenPair | null, TokensChange];
function watched(client: AuthClient): Seen[] {
  const seen: Seen[] = [];
  client.on('tokens', (tokens, change) => seen.push([tokens, change]));
  return seen;
}

/** A page that has signed in in cookie mode, and the jar that holds its cookie. */
async function signedIn(): Promise<{ browser: Browser; page: AuthClient; storageKey: string }> {
  const browser = new Browser();
  const storageKey = key();
  const page = browser.tab(storageKey);
  await page.login(USERNAME, PASSWORD);
  return { browser, page, storageKey };
}

void describe('cookie mode', () => {
  void test('signs in with the refresh token in the cookie only, asking in a header', async () => {
    const browser = new Browser();
    const page = browser.tab(key());

    const pair = await page.login(USERNAME, PASSWORD);

    assert.equal(pair.refresh_token, undefined);
    assert.equal((await page.getTokens())?.refresh_token, undefined);
    const cookie = browser.jar.get(COOKIE);
    assert.ok(cookie !== undefined && cookie.length > 40, 'the server set the cookie');
    assert.equal(browser.sent[0]?.headers.get('Seamless-Session'), 'cookie');
    for (const body of browser.bodies) {
      assert.ok(!body.includes(cookie), 'no answer carried the refresh token');
    }
    page.close();
  });

  void test('a new page restores the session with one refresh before answering anything', async () => {
    const { browser, page } = await signedIn();
    page.close();
    proxy.reset();

    const reloaded = browser.tab(key());
    const seen = watched(reloaded);
    const token = await reloaded.getAccessToken();

    assert.ok(token, 'the first call already has a token');
    assert.equal(refreshes(200), 1);
    assert.equal(refreshes(), 1);
    await within(
      5000,
      'the initial state',
      until(() => seen.length > 0),
    );
    assert.equal(seen.length, 1);
    assert.equal(
      seen[0]?.[1].reason,
      'initial',
      'the app hears the restored session as its initial state',
    );
    assert.equal(seen[0]?.[0]?.access_token, token);
    assert.equal(await reloaded.isAuthenticated(), true);
    const response = await createFetch(reloaded)(`${proxy.url}/bbb`);
    assert.equal(await response.text(), 'bbb');
    assert.equal(proxy.count('GET', '/bbb', 401), 0);
    reloaded.close();
  });

  void test('a page without a session is signed out after one refused refresh, with no sessionExpired', async () => {
    const browser = new Browser();
    proxy.reset();
    const expired: unknown[] = [];
    const errors: unknown[] = [];
    const page = browser.tab(key(), { onSessionExpired: (error) => expired.push(error) });
    page.on('refreshError', (error) => errors.push(error));
    const seen = watched(page);

    assert.equal(await page.getAccessToken(), null);
    assert.equal(await page.isAuthenticated(), false);
    await within(
      5000,
      'the initial state',
      until(() => seen.length > 0),
    );
    assert.deepEqual(seen, [[null, { reason: 'initial', source: 'self' }]]);
    assert.equal(refreshes(401), 1);
    assert.deepEqual(expired, []);
    assert.deepEqual(errors, []);
    page.close();
  });

  void test('an access token the server refuses is refreshed from the cookie and the request replayed', async () => {
    const { browser, page } = await signedIn();
    const before = browser.jar.get(COOKIE);
    await spoilAccessToken(page);
    proxy.reset();

    const response = await createFetch(page)(`${proxy.url}/bbb`);

    assert.equal(await response.text(), 'bbb');
    assert.equal(refreshes(200), 1);
    assert.notEqual(browser.jar.get(COOKIE), before, 'the cookie rotated');
    const call = browser.sent.find((sent) => sent.url.endsWith('/user/refresh'));
    assert.equal(call?.body, '{}', 'no token in the body');
    assert.equal(call?.headers.get('Seamless-Session'), 'cookie');
    page.close();
  });

  void test('logout ends the session and the server clears the cookie', async () => {
    const { browser, page } = await signedIn();
    const cookie = browser.jar.get(COOKIE) ?? '';

    await page.logout();

    assert.equal(browser.jar.has(COOKIE), false);
    assert.equal(await page.getTokens(), null);
    const again = await fetch(`${server.url}/user/refresh`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Seamless-Session': 'cookie',
        Origin: server.url,
        Cookie: `${COOKIE}=${cookie}`,
      },
      body: '{}',
    });
    assert.equal(again.status, 401, 'the session ended on the server');
  });

  void test('another tab hears the sign-in and uses the access token from the message', async () => {
    const browser = new Browser();
    const storageKey = key();
    const one = browser.tab(storageKey);
    const two = browser.tab(storageKey);
    await two.getTokens();
    proxy.reset();

    const pair = await one.login(USERNAME, PASSWORD);

    await within(
      5000,
      'the other tab',
      (async () => {
        while ((await two.getTokens())?.access_token !== pair.access_token) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })(),
    );
    assert.equal(refreshes(), 0);
    one.close();
    two.close();
  });

  void test('a sign-out in another tab while a page restores its session wins', async () => {
    const { browser, page, storageKey } = await signedIn();
    proxy.reset();
    const answer = proxy.answers('/user/refresh', 'hold');
    // However slow the machine, the held answer is the one that lands late (no retry).
    const restoring = browser.tab(storageKey, { refreshTimeout: 60_000 });
    const state = restoring.getTokens();
    await within(5000, 'the restore reaching the server', answer.answered);

    await page.logout();
    answer.release();

    assert.equal(await within(5000, 'the restore', state), null);
    assert.equal(await restoring.isAuthenticated(), false);
    page.close();
    restoring.close();
  });
});
