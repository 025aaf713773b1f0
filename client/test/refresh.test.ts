// The client against the real server, through both adapters. A counting proxy in front
// of the server sees every request the client makes, refreshes included.
import axios from 'axios';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createAuthClient,
  createFetch,
  isHttpError,
  isSessionExpiredError,
  memoryStore,
  type AuthClient,
  type SessionExpiredError,
} from '../src/index.js';
import { attachAxios } from '../src/axios.js';
import { serverBehindProxy } from './helpers/server.js';
import {
  loginDirectly,
  PASSWORD,
  sleep,
  spoilAccessToken,
  until,
  USERNAME,
  within,
} from './helpers/util.js';

const TTL_SECONDS = 3;
const N = 10;

const { server, proxy } = await serverBehindProxy({ ACCESS_TOKEN_TTL: `${TTL_SECONDS}s` });

interface Result {
  status: number;
  body: string;
}
type Call = (path: string) => Promise<Result>;

const adapters = {
  axios: (client: AuthClient): Call => {
    const api = axios.create({ baseURL: proxy.url, responseType: 'text' });
    attachAxios(client, api);
    return async (path: string) => {
      try {
        const response = await api.get<string>(path);
        return { status: response.status, body: response.data };
      } catch (error) {
        if (axios.isAxiosError(error) && error.response) {
          return { status: error.response.status, body: String(error.response.data) };
        }
        throw error;
      }
    };
  },
  fetch: (client: AuthClient): Call => {
    const authFetch = createFetch(client);
    return async (path: string) => {
      const response = await authFetch(`${proxy.url}${path}`);
      return { status: response.status, body: await response.text() };
    };
  },
};

function newClient(): { client: AuthClient; expired: SessionExpiredError[] } {
  const expired: SessionExpiredError[] = [];
  const client = createAuthClient({
    baseURL: proxy.url,
    storage: memoryStore(),
    onSessionExpired: (error) => expired.push(error),
  });
  return { client, expired };
}

const refreshes = (): number => proxy.count('POST', '/user/refresh');

for (const [name, adapt] of Object.entries(adapters)) {
  void describe(`through ${name}`, () => {
    void test(`${N} concurrent requests on a rejected access token share one refresh and all succeed`, async () => {
      const { client } = newClient();
      const call = adapt(client);
      await client.login(USERNAME, PASSWORD);
      await spoilAccessToken(client);
      proxy.reset();

      const results = await within(
        10_000,
        'requests',
        Promise.all(Array.from({ length: N }, () => call('/bbb'))),
      );

      assert.deepEqual(
        results.map((result) => `${result.status} ${result.body}`),
        Array.from({ length: N }, () => '200 bbb'),
      );
      assert.equal(refreshes(), 1);
      assert.ok(proxy.count('GET', '/bbb', 401) >= 1, 'the spoiled token was rejected first');
      client.close();
    });

    void test('when the session was revoked, every waiting request rejects with one SessionExpiredError', async () => {
      const { client, expired } = newClient();
      const call = adapt(client);
      const pair = await client.login(USERNAME, PASSWORD);
      const revoke = await fetch(`${server.url}/user/sessions`, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${pair.access_token}` },
      });
      assert.equal(revoke.status, 204);
      await spoilAccessToken(client);
      proxy.reset();

      const results = await within(
        10_000,
        'requests after revocation',
        Promise.allSettled(Array.from({ length: N }, () => call('/bbb'))),
      );

      const reasons = results.map((result) =>
        result.status === 'rejected' ? (result.reason as unknown) : result.value,
      );
      assert.ok(
        reasons.every(isSessionExpiredError),
        'every request rejects with SessionExpiredError',
      );
      assert.equal(new Set(reasons).size, 1, 'all share one error');
      assert.equal(expired.length, 1, 'onSessionExpired fires once');
      assert.equal(refreshes(), 1);
      assert.equal(await client.getTokens(), null, 'tokens are cleared');

      // Later requests go out without a token and are not refreshed.
      assert.equal((await call('/bbb')).status, 401);
      assert.equal(refreshes(), 1);
      client.close();
    });

    void test('a 500 from the refresh endpoint rejects the waiting requests but keeps the session', async () => {
      const { client, expired } = newClient();
      // Counts the requests that got their 401 and wait for the refresh.
      let waiting = 0;
      const call = adapt({
        ...client,
        renewAfterUnauthorized: (token) => {
          waiting += 1;
          return client.renewAfterUnauthorized(token);
        },
      });
      await client.login(USERNAME, PASSWORD);
      const spoiled = await spoilAccessToken(client);
      proxy.reset();
      proxy.failNext('/user/refresh', 500);
      const held = proxy.hold('/user/refresh');

      const settled = Promise.allSettled(Array.from({ length: 5 }, () => call('/bbb')));
      // Let the refresh fail only once all five requests are waiting for it.
      await within(5000, 'the refresh call', held.arrived);
      await within(
        5000,
        'five waiting requests',
        until(() => waiting === 5),
      );
      held.release();
      const results = await within(10_000, 'requests during a failing refresh', settled);

      for (const result of results) {
        assert.equal(result.status, 'rejected');
        const reason: unknown = result.reason;
        assert.ok(isHttpError(reason) && reason.status === 500, `got ${String(reason)}`);
      }
      assert.equal(refreshes(), 1);
      assert.equal(expired.length, 0, 'the session did not end');
      assert.deepEqual(await client.getTokens(), spoiled, 'tokens are kept');

      const retry = await call('/bbb');
      assert.equal(`${retry.status} ${retry.body}`, '200 bbb');
      assert.equal(refreshes(), 2);
      client.close();
    });

    void test('a 401 for a request sent with a since-replaced token replays without refreshing', async () => {
      const { client } = newClient();
      const call = adapt(client);
      await client.login(USERNAME, PASSWORD);
      await spoilAccessToken(client);
      proxy.reset();

      const held = proxy.hold('/bbb');
      const pending = call('/bbb');
      await within(5000, 'the held request', held.arrived);
      // Meanwhile the tokens are replaced (as another tab's refresh would do).
      await client.setTokens(await loginDirectly(server.url));
      held.release();

      const result = await within(5000, 'the replayed request', pending);
      assert.equal(`${result.status} ${result.body}`, '200 bbb');
      assert.deepEqual(proxy.statuses('/bbb'), [401, 200]);
      assert.equal(refreshes(), 0);
      client.close();
    });

    void test('a replay that gets 401 again is returned to the caller, not retried', async () => {
      const { client, expired } = newClient();
      const call = adapt(client);
      await client.login(USERNAME, PASSWORD);
      proxy.reset();
      proxy.failNext('/bbb', 401, 2, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });

      const result = await within(5000, 'the request', call('/bbb'));

      assert.equal(result.status, 401);
      assert.equal(proxy.count('GET', '/bbb'), 2, 'sent once and replayed once');
      assert.equal(refreshes(), 1);
      assert.equal(expired.length, 0);
      client.close();
    });

    void test('a request made without a session gets its 401 and triggers no refresh', async () => {
      const { client } = newClient();
      const call = adapt(client);
      proxy.reset();

      assert.equal((await call('/bbb')).status, 401);
      assert.equal((await call('/aaa')).body, 'aaa');
      assert.equal(refreshes(), 0);
      client.close();
    });

    void test('refreshes before the access token expires: no 401 across an expiry', async () => {
      const { client } = newClient();
      const call = adapt(client);
      await client.login(USERNAME, PASSWORD);
      proxy.reset();

      // Sequential traffic across the expiry of the first token.
      const until = Date.now() + (TTL_SECONDS + 0.5) * 1000;
      while (Date.now() < until) {
        assert.equal((await call('/bbb')).status, 200);
        await sleep(100);
      }
      // Then a quiet spell past the expiry, and a burst.
      await sleep((TTL_SECONDS + 0.2) * 1000);
      const before = refreshes();
      const burst = await within(
        10_000,
        'burst',
        Promise.all(Array.from({ length: N }, () => call('/bbb'))),
      );

      assert.ok(burst.every((result) => result.status === 200));
      assert.equal(refreshes() - before, 1, 'the burst after expiry shares one refresh');
      assert.equal(proxy.count('GET', '/bbb', 401), 0, 'no request was rejected');
      client.close();
    });
  });
}

void describe('the client', () => {
  void test('a wrong password rejects login with a 401 HttpError and refreshes nothing', async () => {
    const { client } = newClient();
    proxy.reset();
    await assert.rejects(client.login(USERNAME, 'wrong-password'), (error: unknown) => {
      assert.ok(isHttpError(error));
      assert.equal(error.status, 401);
      return true;
    });
    assert.equal(refreshes(), 0);
    assert.equal(await client.getTokens(), null);
  });

  void test('refreshes by POST with the token in the body, never in the URL', async () => {
    const seen: { url: string; method: string; body: string }[] = [];
    const client = createAuthClient({
      baseURL: proxy.url,
      storage: memoryStore(),
      fetch: async (input, init) => {
        const url = input instanceof Request ? input.url : input.toString();
        const body = typeof init?.body === 'string' ? init.body : '';
        seen.push({ url, method: init?.method ?? 'GET', body });
        return fetch(input, init);
      },
    });
    const first = await client.login(USERNAME, PASSWORD);
    const second = await client.refresh();

    const call = seen.find((request) => request.url.endsWith('/user/refresh'));
    assert.ok(call);
    assert.equal(call.method, 'POST');
    assert.deepEqual(JSON.parse(call.body), { refresh_token: first.refresh_token });
    assert.notEqual(second.refresh_token, first.refresh_token, 'the refresh token rotated');
    assert.equal((await client.getTokens())?.refresh_token, second.refresh_token);
    client.close();
  });

  void test('logout revokes the session on the server and clears the tokens', async () => {
    const { client, expired } = newClient();
    const changes: unknown[] = [];
    client.on('tokens', (tokens) => changes.push(tokens));
    const pair = await client.login(USERNAME, PASSWORD);

    await client.logout();

    assert.equal(await client.getTokens(), null);
    assert.equal(changes.at(-1), null);
    assert.equal(expired.length, 0, 'signing out is not an expiry');
    const reuse = await fetch(`${server.url}/user/refresh`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refresh_token: pair.refresh_token }),
    });
    assert.equal(reuse.status, 401, 'the refresh token no longer works');
    client.close();
  });

  void test('two clients sharing one store (the message-lock fallback) refresh once between them', async () => {
    const storage = memoryStore();
    const options = { baseURL: proxy.url, storage, crossTab: true, storageKey: 'shared' };
    const one = createAuthClient(options);
    const two = createAuthClient(options);
    const seenByTwo: unknown[] = [];
    two.on('tokens', (tokens, { source }) =>
      seenByTwo.push(source === 'other-tab' ? tokens : 'self'),
    );
    const callOne = adapters.fetch(one);
    const callTwo = adapters.axios(two);
    await one.login(USERNAME, PASSWORD);
    await spoilAccessToken(one);
    proxy.reset();

    const results = await within(
      15_000,
      'requests from both clients',
      Promise.all([
        ...Array.from({ length: 5 }, () => callOne('/bbb')),
        ...Array.from({ length: 5 }, () => callTwo('/bbb')),
      ]),
    );

    assert.ok(results.every((result) => result.status === 200));
    assert.equal(refreshes(), 1);

    await one.logout();
    await within(
      5000,
      'the sign-out reaching the other client',
      until(() => seenByTwo.at(-1) === null),
    );
    assert.equal(await two.getTokens(), null);
    one.close();
    two.close();
  });
});
