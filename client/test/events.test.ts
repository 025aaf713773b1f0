// What an app learns from the client without decoding anything itself: why the tokens
// changed, the state at the moment it subscribes, whether it is signed in, who it is and
// when the tokens run out (by this device's clock).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createAuthClient,
  memoryStore,
  type AuthClient,
  type TokenPair,
  type TokensChange,
} from '../src/index.js';
import { startServer, type RunningServer } from './helpers/server.js';
import { PASSWORD, sleep, spoilAccessToken, until, USERNAME, within } from './helpers/util.js';

const TTL_SECONDS = 60;

let server: RunningServer;

before(async () => {
  server = await startServer({ ACCESS_TOKEN_TTL: `${TTL_SECONDS}s`, REFRESH_TOKEN_TTL: '1h' });
});

after(async () => {
  await server?.stop();
});

type Seen = [TokenPair | null, TokensChange];

function watched(client: AuthClient): Seen[] {
  const seen: Seen[] = [];
  client.on('tokens', (tokens, change) => seen.push([tokens, change]));
  return seen;
}

const client = (): AuthClient => createAuthClient({ baseURL: server.url, storage: memoryStore() });

void describe('the tokens event', () => {
  void test('says why the tokens changed: login, refresh, set, logout', async () => {
    const auth = client();
    const seen = watched(auth);
    await until(() => seen.length === 1);

    const login = await auth.login(USERNAME, PASSWORD);
    const refreshed = await auth.refresh();
    await spoilAccessToken(auth);
    await auth.logout();

    assert.deepEqual(
      seen.map(([tokens, change]) => [tokens?.refresh_token ?? null, change]),
      [
        [null, { reason: 'initial', source: 'self' }],
        [login.refresh_token, { reason: 'login', source: 'self' }],
        [refreshed.refresh_token, { reason: 'refresh', source: 'self' }],
        [refreshed.refresh_token, { reason: 'set', source: 'self' }],
        [null, { reason: 'logout', source: 'self' }],
      ],
    );
    auth.close();
  });

  void test('says expired when the server ends the session', async () => {
    const auth = client();
    const pair = await auth.login(USERNAME, PASSWORD);
    await fetch(`${server.url}/user/logout`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${pair.access_token}` },
    });
    const seen = watched(auth);
    await until(() => seen.length === 1);

    await assert.rejects(auth.refresh());

    assert.deepEqual(seen.at(-1), [null, { reason: 'expired', source: 'self' }]);
    auth.close();
  });

  void test("reports another tab's change with its reason", async () => {
    const options = {
      baseURL: server.url,
      storage: memoryStore(),
      crossTab: true,
      storageKey: `events-${Math.random()}`,
    };
    const one = createAuthClient(options);
    const two = createAuthClient(options);
    const seen = watched(two);
    await until(() => seen.length === 1);

    await one.login(USERNAME, PASSWORD);
    await within(
      5000,
      'the news',
      until(() => seen.length === 2),
    );
    await one.logout();
    await within(
      5000,
      'the news',
      until(() => seen.length === 3),
    );

    assert.deepEqual(
      seen.map(([tokens, change]) => [tokens !== null, change]),
      [
        [false, { reason: 'initial', source: 'self' }],
        [true, { reason: 'login', source: 'other-tab' }],
        [false, { reason: 'logout', source: 'other-tab' }],
      ],
    );
    one.close();
    two.close();
  });

  void test('tells a new subscriber the current state at once, and only it', async () => {
    const auth = client();
    const first = watched(auth);
    const pair = await auth.login(USERNAME, PASSWORD);
    const before = first.length;

    const late = watched(auth);
    await within(
      5000,
      'the initial state',
      until(() => late.length === 1),
    );

    assert.deepEqual(late[0], [pair, { reason: 'initial', source: 'self' }]);
    await sleep(20);
    assert.equal(first.length, before, 'the others are not told again');
    auth.close();
  });
});

void describe('the session at a glance', () => {
  void test('isAuthenticated and getSession follow sign-in and sign-out', async () => {
    const auth = client();
    assert.equal(await auth.isAuthenticated(), false);
    assert.equal(await auth.getSession(), null);

    const started = Date.now();
    const pair = await auth.login(USERNAME, PASSWORD);
    const received = Date.now();

    assert.equal(await auth.isAuthenticated(), true);
    const session = await auth.getSession();
    assert.ok(session);
    assert.deepEqual(session.tokens, pair);
    assert.equal(session.claims.username, USERNAME);
    assert.equal(typeof session.claims.sid, 'string');
    assert.equal(typeof session.claims.sub, 'string');
    // Measured from when this device received the pair, never from the server's clock.
    assert.ok(session.expiresAt !== null);
    assert.ok(session.expiresAt >= started + (TTL_SECONDS - 1) * 1000);
    assert.ok(session.expiresAt <= received + TTL_SECONDS * 1000);
    assert.ok(session.refreshExpiresAt !== null);
    assert.ok(session.refreshExpiresAt >= started + ((pair.refresh_expires_in ?? 0) - 1) * 1000);
    assert.ok(session.refreshExpiresAt <= received + (pair.refresh_expires_in ?? 0) * 1000);

    await auth.logout();
    assert.equal(await auth.isAuthenticated(), false);
    assert.equal(await auth.getSession(), null);
    auth.close();
  });

  void test('a stored pair whose refresh token has run out is not signed in', async () => {
    const auth = client();
    const pair = await auth.login(USERNAME, PASSWORD);
    await auth.setTokens({ ...pair, refresh_expires_in: 0 });
    assert.equal(await auth.isAuthenticated(), false);
    assert.ok(await auth.getSession(), 'the tokens are still there to look at');
    auth.close();
  });
});
