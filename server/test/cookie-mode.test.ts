import { sessionIdOf, sleep, type TokenPair } from '@seamless/testing';
// Cookie mode: the refresh token of a browser session lives in an httpOnly cookie and
// never in a body, and a page on another origin or site can do nothing with that cookie.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../src/config/config';
import { databaseKinds, type TestDatabase } from './support/databases';
import { Api, type Reply } from './support/http';
import { RIGHT } from './support/limits';
import { serveFreshDatabase } from './support/server';

const NAME = '__Secure-seamless-refresh';
const GRACE_MS = 1500;

interface SetCookie {
  value: string;
  /** Attribute names in lower case; `true` for those without a value. */
  attributes: Map<string, string | true>;
  line: string;
}

/** The Set-Cookie of the refresh cookie in `reply`, if any. */
function refreshCookieOf(reply: Reply): SetCookie | undefined {
  const line = reply.headers.getSetCookie().find((l) => l.startsWith(`${NAME}=`));
  if (line === undefined) {
    return undefined;
  }
  const [pair, ...rest] = line.split(';').map((part) => part.trim());
  const attributes = new Map<string, string | true>();
  for (const part of rest) {
    const equals = part.indexOf('=');
    attributes.set(
      (equals === -1 ? part : part.slice(0, equals)).toLowerCase(),
      equals === -1 ? true : part.slice(equals + 1),
    );
  }
  return { value: pair.slice(NAME.length + 1), attributes, line };
}

/**
 * A tab of a browser app in cookie mode on `origin` (by default the server's own): it
 * keeps the cookie as a browser's jar would and sends what the client library sends.
 */
class CookieTab {
  cookie: string | undefined;
  /** Every answer this tab saw, to check that no body ever held the refresh token. */
  readonly seen: Reply[] = [];

  constructor(
    private readonly api: Api,
    readonly origin: string = api.base,
    readonly fetchSite = 'same-origin',
  ) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      'seamless-session': 'cookie',
      origin: this.origin,
      'sec-fetch-site': this.fetchSite,
      ...(this.cookie === undefined ? {} : { cookie: `${NAME}=${this.cookie}` }),
      ...extra,
    };
  }

  async post(
    path: string,
    options: { json?: unknown; headers?: Record<string, string>; omit?: string[] } = {},
  ): Promise<Reply<TokenPair>> {
    const headers = this.headers(options.headers);
    for (const name of options.omit ?? []) {
      delete headers[name];
    }
    const reply = await this.api.request<TokenPair>('POST', path, {
      json: options.json ?? {},
      headers,
    });
    this.seen.push(reply);
    const set = refreshCookieOf(reply);
    if (set) {
      this.cookie = set.attributes.get('max-age') === '0' ? undefined : set.value;
    }
    return reply;
  }

  login(username: string, headers?: Record<string, string>) {
    return this.post('/user/login', { json: { username, password: RIGHT }, headers });
  }

  refresh(headers?: Record<string, string>) {
    return this.post('/user/refresh', { headers });
  }

  logout(headers?: Record<string, string>) {
    return this.post('/user/logout', { headers });
  }
}

async function sessionRow(
  db: TestDatabase,
  accessToken: string,
): Promise<{ counter: number; revoked: boolean; reason: string | null }> {
  const [row] = await db.query<{
    counter: number | string;
    revoked_at: unknown;
    revoke_reason: string | null;
  }>('SELECT counter, revoked_at, revoke_reason FROM sessions WHERE id = ?', [
    sessionIdOf(accessToken),
  ]);
  return {
    counter: Number(row.counter),
    revoked: row.revoked_at !== null,
    reason: row.revoke_reason,
  };
}

for (const kind of databaseKinds()) {
  describe(`cookie mode on ${kind}`, () => {
    const fixture = serveFreshDatabase(kind, { REFRESH_REUSE_GRACE: '1s' });

    /** A fresh user signed in in cookie mode from the server's own origin. */
    async function signedInTab(username: string): Promise<{ tab: CookieTab; pair: TokenPair }> {
      await fixture.api.register(username);
      const tab = new CookieTab(fixture.api);
      const login = await tab.login(username);
      assert.equal(login.status, 200, login.text);
      assert.ok(tab.cookie, 'the login set the refresh cookie');
      return { tab, pair: login.body };
    }

    it('login sets the refresh token as a __Secure- cookie, HttpOnly, Secure, SameSite=Strict, Path=/user, and leaves it out of the body', async () => {
      await fixture.api.register('cookie1');
      const tab = new CookieTab(fixture.api);

      const login = await tab.login('cookie1');

      assert.equal(login.status, 200);
      const cookie = refreshCookieOf(login);
      assert.ok(cookie, 'a refresh cookie is set');
      assert.ok(cookie.value.length >= 40, 'it holds a refresh token');
      assert.equal(cookie.attributes.get('httponly'), true);
      assert.equal(cookie.attributes.get('secure'), true);
      assert.equal(cookie.attributes.get('samesite'), 'Strict');
      assert.equal(cookie.attributes.get('path'), '/user');
      assert.equal(cookie.attributes.has('domain'), false, 'a host-only cookie');
      assert.equal(cookie.attributes.get('max-age'), String(login.body.refresh_expires_in));
      assert.equal('refresh_token' in login.body, false, 'no refresh_token in the body');
      assert.ok(!login.text.includes(cookie.value));
      assert.equal(login.body.token_type, 'Bearer');
      assert.equal((await fixture.api.get('/bbb', login.body.access_token)).status, 200);
      assert.equal(login.headers.get('cache-control'), 'no-store');
    });

    it('a refresh from the cookie rotates it and answers an access token, never the refresh token', async () => {
      const { tab, pair } = await signedInTab('cookie2');
      const first = tab.cookie;

      const refreshed = await tab.refresh();

      assert.equal(refreshed.status, 200, refreshed.text);
      assert.ok(tab.cookie && tab.cookie !== first, 'the cookie rotated');
      assert.equal('refresh_token' in refreshed.body, false);
      assert.ok(!refreshed.text.includes(tab.cookie));
      assert.notEqual(refreshed.body.access_token, pair.access_token);
      assert.equal((await fixture.api.get('/bbb', refreshed.body.access_token)).status, 200);
      assert.equal(
        refreshCookieOf(refreshed)?.attributes.get('max-age'),
        String(refreshed.body.refresh_expires_in),
      );
      assert.equal((await sessionRow(fixture.db, pair.access_token)).counter, 1);
      for (const reply of tab.seen) {
        assert.doesNotMatch(reply.text, /refresh_token/);
      }
    });

    it('body mode is unchanged: the pair carries the refresh token and no cookie is set', async () => {
      const pair = await fixture.api.signedIn('body1');
      const login = await fixture.api.login('body1', RIGHT);
      assert.equal(typeof pair.refresh_token, 'string');
      assert.deepEqual(login.headers.getSetCookie(), []);
      const refreshed = await fixture.api.refresh(pair.refresh_token);
      assert.equal(refreshed.status, 200);
      assert.equal(typeof refreshed.body.refresh_token, 'string');
      assert.deepEqual(refreshed.headers.getSetCookie(), []);
    });

    it('refuses the cookie token copied into a body or the GET query, and the session goes on unharmed', async () => {
      const { tab, pair } = await signedInTab('cookie3');
      const token = tab.cookie ?? '';

      assert.equal((await fixture.api.refresh(token)).status, 401, 'POST body');
      const query = await fixture.api.get(
        `/user/refresh?refresh_token=${encodeURIComponent(token)}`,
      );
      assert.equal(query.status, 401, 'GET query');
      const logout = await fixture.api.post('/user/logout', { refresh_token: token });
      assert.equal(logout.status, 401, 'logout body');

      assert.deepEqual(await sessionRow(fixture.db, pair.access_token), {
        counter: 0,
        revoked: false,
        reason: null,
      });
      assert.equal((await tab.refresh()).status, 200);
    });

    it('refuses a body-mode token put into the cookie', async () => {
      const pair = await fixture.api.signedIn('body2');
      const tab = new CookieTab(fixture.api);
      tab.cookie = pair.refresh_token;

      assert.equal((await tab.refresh()).status, 401);
      assert.equal((await fixture.api.refresh(pair.refresh_token)).status, 200);
    });

    it('refuses a refresh token in the body of a cookie-mode request', async () => {
      const { tab, pair } = await signedInTab('cookie4');
      const reply = await tab.post('/user/refresh', { json: { refresh_token: tab.cookie } });
      assert.equal(reply.status, 400);
      assert.equal((await sessionRow(fixture.db, pair.access_token)).counter, 0);
    });

    it('uses neither of two refresh cookies, so another host of the site cannot plant its own session', async () => {
      const { tab } = await signedInTab('cookie12');
      const planted = new CookieTab(fixture.api);
      await fixture.api.register('intruder');
      await planted.login('intruder');
      const reply = await tab.refresh({
        cookie: `${NAME}=${planted.cookie ?? ''}; ${NAME}=${tab.cookie ?? ''}`,
      });
      assert.equal(reply.status, 401);
      assert.equal((await tab.refresh()).status, 200, 'its own cookie alone still works');
    });

    it('without a cookie, a cookie-mode refresh is 401 with the refresh-token challenge', async () => {
      const tab = new CookieTab(fixture.api);
      const reply = await tab.refresh();
      assert.equal(reply.status, 401);
      assert.equal(reply.headers.get('www-authenticate'), 'RefreshToken error="invalid_grant"');
    });

    it('ignores the cookie unless the request says Seamless-Session: cookie', async () => {
      const { tab, pair } = await signedInTab('cookie5');
      const bare = await tab.post('/user/refresh', { omit: ['seamless-session'] });
      assert.equal(bare.status, 400, 'as a body-mode refresh without a token');
      const other = await tab.refresh({ 'seamless-session': 'yes' });
      assert.equal(other.status, 400);
      assert.equal((await sessionRow(fixture.db, pair.access_token)).counter, 0);
    });

    describe('refuses what a page of another origin or site could send with the cookie, rotating and ending nothing', () => {
      const refusals: [string, (tab: CookieTab, path: string) => Promise<Reply>, number][] = [
        ['no Origin', (tab, path) => tab.post(path, { omit: ['origin'] }), 403],
        ['Origin: null', (tab, path) => tab.post(path, { headers: { origin: 'null' } }), 403],
        [
          'another origin',
          (tab, path) => tab.post(path, { headers: { origin: 'http://127.0.0.1:1' } }),
          403,
        ],
        [
          'another site',
          (tab, path) =>
            tab.post(path, {
              headers: { origin: 'https://attacker.example', 'sec-fetch-site': 'cross-site' },
            }),
          403,
        ],
        [
          'Sec-Fetch-Site: cross-site',
          (tab, path) => tab.post(path, { headers: { 'sec-fetch-site': 'cross-site' } }),
          403,
        ],
        [
          'a form (urlencoded)',
          (tab, path) =>
            fixture.api.request('POST', path, {
              headers: {
                ...tab.headers({ 'content-type': 'application/x-www-form-urlencoded' }),
              },
              rawBody: 'refresh_token=x',
            }),
          415,
        ],
        [
          'a text/plain body',
          (tab, path) =>
            fixture.api.request('POST', path, {
              headers: tab.headers({ 'content-type': 'text/plain' }),
              rawBody: '{}',
            }),
          415,
        ],
        [
          'no body at all',
          (tab, path) => fixture.api.request('POST', path, { headers: tab.headers() }),
          415,
        ],
      ];
      for (const path of ['/user/refresh', '/user/logout']) {
        for (const [what, send, status] of refusals) {
          it(`${path}: ${what} → ${status}`, async () => {
            const { tab, pair } = await signedInTab(`x${Math.random().toString(36).slice(2, 10)}`);
            const cookie = tab.cookie;

            const reply = await send(tab, path);

            assert.equal(reply.status, status, reply.text);
            assert.equal(refreshCookieOf(reply), undefined, 'no cookie set or cleared');
            assert.doesNotMatch(reply.text, /access_token/);
            assert.deepEqual(await sessionRow(fixture.db, pair.access_token), {
              counter: 0,
              revoked: false,
              reason: null,
            });
            tab.cookie = cookie;
            assert.equal((await tab.refresh()).status, 200, 'the session is unharmed');
          });
        }
      }
    });

    it('refuses a cookie-mode login from another origin before checking the password', async () => {
      await fixture.api.register('cookie6');
      const tab = new CookieTab(fixture.api, 'https://attacker.example', 'cross-site');
      const reply = await tab.login('cookie6');
      assert.equal(reply.status, 403);
      assert.deepEqual(reply.headers.getSetCookie(), []);
    });

    it('logout with the cookie ends the session and clears the cookie', async () => {
      const { tab, pair } = await signedInTab('cookie7');
      const cookie = tab.cookie;

      const logout = await tab.logout();

      assert.equal(logout.status, 204);
      const cleared = refreshCookieOf(logout);
      assert.ok(cleared, 'the cookie is cleared');
      assert.equal(cleared.value, '');
      assert.equal(cleared.attributes.get('max-age'), '0');
      assert.equal(cleared.attributes.get('path'), '/user');
      assert.equal(tab.cookie, undefined);
      assert.equal((await sessionRow(fixture.db, pair.access_token)).reason, 'logout');
      tab.cookie = cookie;
      assert.equal((await tab.refresh()).status, 401);
      assert.equal((await fixture.api.get('/bbb', pair.access_token)).status, 401);
    });

    it('logout with a Bearer token also clears the cookie the request carried', async () => {
      const { tab, pair } = await signedInTab('cookie8');
      const logout = await tab.logout({ authorization: `Bearer ${pair.access_token}` });
      assert.equal(logout.status, 204);
      assert.equal(refreshCookieOf(logout)?.attributes.get('max-age'), '0');
      assert.equal((await sessionRow(fixture.db, pair.access_token)).reason, 'logout');
    });

    it('reuse detection: a rotated cookie inside the grace gets the current one; after it, the session ends', async () => {
      const { tab, pair } = await signedInTab('cookie9');
      const t0 = tab.cookie;
      await tab.refresh();
      const t1 = tab.cookie;

      // A second tab whose request carried the old cookie, inside the grace.
      const late = new CookieTab(fixture.api);
      late.cookie = t0;
      const again = await late.refresh();
      assert.equal(again.status, 200);
      assert.equal(late.cookie, t1, 'it converges on the current token');
      assert.equal((await fixture.api.get('/bbb', again.body.access_token)).status, 200);

      await sleep(GRACE_MS);
      late.cookie = t0;
      assert.equal((await late.refresh()).status, 401);
      assert.equal((await tab.refresh()).status, 401, 'the newest cookie dies too');
      assert.equal((await sessionRow(fixture.db, pair.access_token)).reason, 'reuse');
    });

    it('concurrent refreshes with one cookie all succeed and converge on one token', async () => {
      const { tab, pair } = await signedInTab('cookie10');
      const tabs = Array.from({ length: 10 }, () => {
        const twin = new CookieTab(fixture.api);
        twin.cookie = tab.cookie;
        return twin;
      });
      const replies = await Promise.all(tabs.map((twin) => twin.refresh()));
      assert.deepEqual(
        replies.map((r) => r.status),
        replies.map(() => 200),
      );
      assert.equal(new Set(tabs.map((twin) => twin.cookie)).size, 1);
      assert.equal((await sessionRow(fixture.db, pair.access_token)).counter, 1);
    });

    it('/docs describes the header on login, refresh and logout, and the pair without refresh_token', async () => {
      interface Operation {
        parameters?: { name: string; in: string }[];
      }
      const docs = await fixture.api.get<{
        paths: Record<string, { post?: Operation }>;
        components: {
          schemas: {
            TokenPairDto: {
              required: string[];
              properties: Record<string, { description: string }>;
            };
          };
        };
      }>('/docs-json');
      for (const path of ['/user/login', '/user/refresh', '/user/logout']) {
        const parameters = docs.body.paths[path]?.post?.parameters ?? [];
        assert.ok(
          parameters.some((p) => p.name === 'Seamless-Session' && p.in === 'header'),
          path,
        );
      }
      const pair = docs.body.components.schemas.TokenPairDto;
      assert.ok(!pair.required.includes('refresh_token'));
      assert.match(pair.properties.refresh_token.description, /cookie mode/i);
    });

    it('the sessions list shows a cookie session, and revoking it ends the cookie and its tokens', async () => {
      const { tab, pair } = await signedInTab('cookie11');
      const elsewhere = (await fixture.api.login('cookie11', RIGHT)).body;
      const sessions = await fixture.api.get<{ id: string; current: boolean }[]>(
        '/user/sessions',
        elsewhere.access_token,
      );
      const sid = sessionIdOf(pair.access_token);
      assert.ok(sessions.body.some((s) => s.id === sid && !s.current));

      const revoke = await fixture.api.request('DELETE', `/user/sessions/${sid}`, {
        token: elsewhere.access_token,
      });

      assert.equal(revoke.status, 204);
      assert.equal((await tab.refresh()).status, 401);
      assert.equal((await fixture.api.get('/bbb', pair.access_token)).status, 401);
      assert.equal((await fixture.api.refresh(elsewhere.refresh_token)).status, 200);
    });
  });

  describe(`cookie mode for other origins on ${kind}`, () => {
    const sibling = 'https://app.example.test';
    const fixture = serveFreshDatabase(kind, { REFRESH_COOKIE_ORIGINS: sibling });

    it('a listed origin of the same site may use the cookie; an unlisted one may not', async () => {
      await fixture.api.register('sib1');
      const tab = new CookieTab(fixture.api, sibling, 'same-site');
      const login = await tab.login('sib1');
      assert.equal(login.status, 200);
      assert.equal((await tab.refresh()).status, 200);
      const stranger = new CookieTab(fixture.api, 'https://other.example.test', 'same-site');
      stranger.cookie = tab.cookie;
      assert.equal((await stranger.refresh()).status, 403);
      assert.equal((await tab.logout()).status, 204);
    });

    it('a cross-site request is refused even from a listed origin while the cookie is SameSite=Strict', async () => {
      await fixture.api.register('sib2');
      const tab = new CookieTab(fixture.api, sibling, 'same-site');
      await tab.login('sib2');
      const reply = await tab.refresh({ 'sec-fetch-site': 'cross-site' });
      assert.equal(reply.status, 403);
    });

    it('CORS lets the listed origin send credentials and the Seamless-Session header, nobody else', async () => {
      const preflight = (origin: string) =>
        fixture.api.request('OPTIONS', '/user/refresh', {
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type,seamless-session',
          },
        });
      const listed = await preflight(sibling);
      assert.equal(listed.headers.get('access-control-allow-origin'), sibling);
      assert.equal(listed.headers.get('access-control-allow-credentials'), 'true');
      assert.match(listed.headers.get('access-control-allow-headers') ?? '', /seamless-session/i);

      // Outside production any origin may call the API with a Bearer token, but not with the cookie.
      const other = await preflight('https://other.example.test');
      assert.equal(other.headers.get('access-control-allow-credentials'), null);
      assert.doesNotMatch(other.headers.get('access-control-allow-headers') ?? '', /seamless/i);
      const bearer = await fixture.api.request('GET', '/aaa', {
        headers: { origin: 'https://other.example.test' },
      });
      assert.equal(bearer.headers.get('access-control-allow-origin'), 'https://other.example.test');
      assert.equal(bearer.headers.get('access-control-allow-credentials'), null);
    });
  });

  describe(`cookie mode across sites on ${kind}`, () => {
    const app = 'https://app.example.test';
    const fixture = serveFreshDatabase(kind, {
      REFRESH_COOKIE_ORIGINS: app,
      REFRESH_COOKIE_SAME_SITE: 'None',
    });

    it('sets SameSite=None; Secure; Partitioned and accepts cross-site requests from the listed origin only', async () => {
      await fixture.api.register('site1');
      const tab = new CookieTab(fixture.api, app, 'cross-site');
      const login = await tab.login('site1');
      assert.equal(login.status, 200);
      const cookie = refreshCookieOf(login);
      assert.equal(cookie?.attributes.get('samesite'), 'None');
      assert.equal(cookie?.attributes.get('secure'), true);
      assert.equal(cookie?.attributes.get('partitioned'), true);
      assert.equal((await tab.refresh()).status, 200);

      const stranger = new CookieTab(fixture.api, 'https://attacker.example', 'cross-site');
      stranger.cookie = tab.cookie;
      assert.equal((await stranger.refresh()).status, 403);
      assert.equal((await stranger.logout()).status, 403);
      assert.equal((await tab.logout()).status, 204);
    });
  });
}

describe('cookie mode configuration', () => {
  it('defaults to SameSite=Strict and the server’s own origin only', () => {
    const config = loadConfig({});
    assert.deepEqual(config.refreshCookie, { sameSite: 'strict', origins: [] });
  });

  it('reads the origins and SameSite=None', () => {
    const config = loadConfig({
      REFRESH_COOKIE_ORIGINS: 'https://app.example.test, http://localhost:5173',
      REFRESH_COOKIE_SAME_SITE: 'None',
    });
    assert.deepEqual(config.refreshCookie, {
      sameSite: 'none',
      origins: ['https://app.example.test', 'http://localhost:5173'],
    });
  });

  it('refuses SameSite=None without an explicit list of origins', () => {
    assert.throws(() => loadConfig({ REFRESH_COOKIE_SAME_SITE: 'None' }), /REFRESH_COOKIE_ORIGINS/);
  });

  it('refuses plain-http origins other than the loopback, paths and wildcards', () => {
    for (const origins of ['http://app.example.test', 'https://app.example.test/', '*', 'null']) {
      assert.throws(
        () => loadConfig({ REFRESH_COOKIE_ORIGINS: origins }),
        /REFRESH_COOKIE_ORIGINS/,
        origins,
      );
    }
    assert.throws(
      () => loadConfig({ REFRESH_COOKIE_SAME_SITE: 'Lax' }),
      /REFRESH_COOKIE_SAME_SITE/,
    );
  });
});
