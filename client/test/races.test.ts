// What a user must never lose to timing: a sign-in or sign-out undone by a refresh that
// lands later, a session revoked because a refresh answer was slow, lost or cut, a
// rotated pair lost to a store that throws. Against the real server, through a proxy
// that holds, drops or cuts the server's answers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import axios from 'axios';
import {
  createAuthClient,
  createFetch,
  isSessionExpiredError,
  isTimeoutError,
  memoryStore,
  type AuthClient,
  type AuthClientOptions,
  type SessionExpiredError,
} from '../src/index.js';
import { attachAxios } from '../src/axios.js';
import { fakeJwt } from './helpers/jwt.js';
import { serverBehindProxy } from './helpers/server.js';
import {
  PASSWORD,
  PASSWORD8,
  refreshWorks,
  registerUser,
  sleep,
  spoilAccessToken,
  until,
  USERNAME,
  usernameIn,
  within,
} from './helpers/util.js';

// The server's defaults (grace 10 s), with access tokens long enough never to expire here.
const { server, proxy } = await serverBehindProxy({ ACCESS_TOKEN_TTL: '5m' });

const refreshes = (): number => proxy.count('POST', '/user/refresh');

function newClient(options: AuthClientOptions = {}): {
  client: AuthClient;
  expired: SessionExpiredError[];
} {
  const expired: SessionExpiredError[] = [];
  const client = createAuthClient({
    baseURL: proxy.url,
    storage: memoryStore(),
    onSessionExpired: (error) => expired.push(error),
    ...options,
  });
  return { client, expired };
}

/** Two clients on one store with cross-tab sync on: two tabs of one origin. */
function twoTabs(): [AuthClient, AuthClient] {
  const options = {
    baseURL: proxy.url,
    storage: memoryStore(),
    crossTab: true,
    storageKey: `tabs-${Math.random()}`,
  };
  return [createAuthClient(options), createAuthClient(options)];
}

void describe('a refresh that lands after a sign-in or sign-out', () => {
  void test('does not undo a sign-in as another user made in the same tab meanwhile', async () => {
    const other = await registerUser(server.url, 'other');
    const { client } = newClient();
    await client.login(USERNAME, PASSWORD);
    const answer = proxy.answers('/user/refresh', 'hold');
    const refreshing = client.refresh();
    await within(5000, 'the refresh reaching the server', answer.answered);

    const signedIn = await client.login(other, PASSWORD8);
    answer.release();
    const outcome = await within(5000, 'the refresh', refreshing);

    assert.equal(outcome.refresh_token, signedIn.refresh_token, 'the refresh yields the sign-in');
    assert.equal(usernameIn((await client.getTokens())?.access_token), other);
    client.close();
  });

  void test('does not undo a sign-out made in another tab meanwhile', async () => {
    const [one, two] = twoTabs();
    const pair = await one.login(USERNAME, PASSWORD);
    const answer = proxy.answers('/user/refresh', 'hold');
    const refreshing = one.refresh();
    await within(5000, 'the refresh reaching the server', answer.answered);

    await two.logout();
    answer.release();
    await assert.rejects(within(5000, 'the refresh', refreshing), isSessionExpiredError);

    assert.equal(await one.getTokens(), null);
    assert.equal(await two.getTokens(), null);
    assert.equal(
      await refreshWorks(server.url, pair.refresh_token ?? ''),
      false,
      'the session ended',
    );
    one.close();
    two.close();
  });

  void test('does not undo a sign-in as another user made in another tab meanwhile', async () => {
    const other = await registerUser(server.url, 'other');
    const [one, two] = twoTabs();
    await one.login(USERNAME, PASSWORD);
    const answer = proxy.answers('/user/refresh', 'hold');
    const refreshing = one.refresh();
    await within(5000, 'the refresh reaching the server', answer.answered);

    await two.login(other, PASSWORD8);
    answer.release();
    await within(5000, 'the refresh', refreshing);

    assert.equal(usernameIn((await two.getTokens())?.access_token), other);
    assert.equal(usernameIn((await one.getTokens())?.access_token), other);
    one.close();
    two.close();
  });
});

/** A memory store whose writes (and, when asked, reads) throw, as a full disk would. */
function brokenStore(sharedAcrossTabs = false): ReturnType<typeof memoryStore> & {
  failWrites: boolean;
  failReads: boolean;
} {
  const inner = memoryStore();
  const broken = {
    failWrites: false,
    failReads: false,
    sharedAcrossTabs,
    get: (key: string) => {
      if (broken.failReads) {
        throw new Error('store unreadable');
      }
      return inner.get(key);
    },
    set: (key: string, value: string) => {
      if (broken.failWrites) {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return inner.set(key, value);
    },
    remove: (key: string) => inner.remove(key),
  };
  return broken;
}

void describe('a store that throws', () => {
  void test('another tab goes on with the rotated pair it heard of, long after the news', async () => {
    const storage = brokenStore(true);
    const shared = { baseURL: proxy.url, crossTab: true, storageKey: `full-${Math.random()}` };
    const one = createAuthClient({ ...shared, storage });
    const two = createAuthClient({ ...shared, storage });
    await one.login(USERNAME, PASSWORD);
    storage.failWrites = true;

    let heard: string | undefined;
    two.on('tokens', (tokens) => {
      heard = tokens?.refresh_token;
    });
    const rotated = await one.refresh();
    await within(
      5000,
      'the news',
      until(() => heard === rotated.refresh_token),
    );
    // Longer than news is trusted over storage when storage shows nothing newer.
    await sleep(5500);
    const next = await two.refresh();

    // Sending the older token again would have been answered with `rotated` itself.
    assert.notEqual(next.refresh_token, rotated.refresh_token, 'two used the rotated token');
    one.close();
    two.close();
  });

  void test('login still succeeds and the session works, the failure is reported', async () => {
    const storage = brokenStore();
    storage.failWrites = true;
    const { client } = newClient({ storage });
    const reported: unknown[] = [];
    client.on('refreshError', (error) => reported.push(error));

    const pair = await client.login(USERNAME, PASSWORD);

    assert.deepEqual(await client.getTokens(), pair);
    assert.equal(await client.getAccessToken(), pair.access_token);
    assert.equal(reported.length, 1, 'the store failure is reported');
    client.close();
  });

  void test('a rotated pair the store could not keep is still the one used next', async () => {
    const storage = brokenStore();
    const { client, expired } = newClient({ storage });
    const first = await client.login(USERNAME, PASSWORD);
    storage.failWrites = true;

    const second = await client.refresh();
    assert.notEqual(second.refresh_token, first.refresh_token);
    assert.deepEqual(await client.getTokens(), second, 'the tab keeps the rotated pair');

    // Even with the store unreadable, the tab goes on with what it knows.
    storage.failReads = true;
    const third = await client.refresh();
    // Sending `first` again would have been answered (inside the grace) with `second`.
    assert.notEqual(third.refresh_token, second.refresh_token, 'the rotated token was used');
    assert.equal(expired.length, 0);
    client.close();
  });
});

void describe('a refresh whose answer is slow, lost or cut', () => {
  for (const fate of ['hold', 'drop', 'cut'] as const) {
    const what = {
      hold: 'never arrives',
      drop: 'is lost with the connection',
      cut: 'is cut mid-body',
    }[fate];
    void test(`is retried at once when the answer ${what}, and the session survives`, async () => {
      const { client, expired } = newClient();
      const first = await client.login(USERNAME, PASSWORD);
      proxy.reset();
      const answer = proxy.answers('/user/refresh', fate);
      try {
        const second = await within(20_000, 'the refresh', client.refresh());

        assert.notEqual(second.refresh_token, first.refresh_token);
        assert.equal(refreshes(), 2, 'one retry');
        assert.deepEqual(await client.getTokens(), second);
        const third = await within(10_000, 'the next refresh', client.refresh());
        assert.notEqual(third.refresh_token, second.refresh_token, 'the session goes on');
        assert.equal(expired.length, 0);
      } finally {
        answer.release();
        client.close();
      }
    });
  }

  void test('requests waiting for it get their answer when the retry succeeds', async () => {
    const { client } = newClient();
    const authFetch = createFetch(client);
    await client.login(USERNAME, PASSWORD);
    await spoilAccessToken(client);
    proxy.reset();
    proxy.answers('/user/refresh', 'cut');

    const results = await within(
      20_000,
      'the requests',
      Promise.all([1, 2, 3].map(async () => (await authFetch(`${proxy.url}/bbb`)).status)),
    );

    assert.deepEqual(results, [200, 200, 200]);
    assert.equal(refreshes(), 2);
    client.close();
  });

  void test('is given up, keeping the session, when no answer comes inside the retry window', async () => {
    const { client, expired } = newClient();
    const pair = await client.login(USERNAME, PASSWORD);
    proxy.reset();
    proxy.answers('/user/refresh', 'drop', 1000);

    await assert.rejects(within(30_000, 'the refresh', client.refresh()), (error: unknown) => {
      assert.ok(!isSessionExpiredError(error), String(error));
      return true;
    });

    assert.ok(refreshes() > 2, `retried a few times (${refreshes()})`);
    assert.ok(refreshes() < 20, `but not without end (${refreshes()})`);
    assert.equal(expired.length, 0);
    assert.deepEqual(await client.getTokens(), pair, 'the tokens are kept');
    proxy.reset();
  });
});

void describe('sessionExpired means that a session ended', () => {
  void test('not on a refresh before any sign-in', async () => {
    const { client, expired } = newClient();
    await assert.rejects(client.refresh(), isSessionExpiredError);
    assert.equal(await client.getAccessToken(), null);
    assert.equal(expired.length, 0);
    client.close();
  });

  void test('signing out with an expired access token refreshes nothing and ends the session', async () => {
    const { client, expired } = newClient();
    const pair = await client.login(USERNAME, PASSWORD);
    // An access token that this device considers expired one second from now.
    await client.setTokens({ ...pair, access_token: fakeJwt({ iat: 100, exp: 102 }) });
    await sleep(1100);
    proxy.reset();

    await client.logout();

    assert.equal(refreshes(), 0, 'no refresh just to sign out');
    assert.equal(
      await refreshWorks(server.url, pair.refresh_token ?? ''),
      false,
      'the session ended',
    );
    assert.equal(await client.getTokens(), null);
    assert.equal(expired.length, 0);
    client.close();
  });

  void test('not when a refresh that was under way fails because of the sign-out', async () => {
    const { client, expired } = newClient();
    const pair = await client.login(USERNAME, PASSWORD);
    proxy.reset();
    const held = proxy.hold('/user/refresh');
    const refreshing = client.refresh();
    await within(5000, 'the refresh call', held.arrived);

    await within(5000, 'the sign-out', client.logout());
    held.release();

    await assert.rejects(within(5000, 'the refresh', refreshing), isSessionExpiredError);
    assert.equal(proxy.count('POST', '/user/refresh', 401), 1, 'the server refused it');
    assert.equal(expired.length, 0, 'a sign-out is not an expiry');
    assert.equal(await client.getTokens(), null);
    assert.equal(await refreshWorks(server.url, pair.refresh_token ?? ''), false);
    client.close();
  });
});

/**
 * Two tabs on one store (the message lock), the first of which gets stuck holding the
 * lock: its store never finishes writing the refreshed pair.
 */
async function stuckHolder(options: AuthClientOptions): Promise<{
  waiting: AuthClient;
  unstick: () => void;
  close: () => void;
}> {
  const base = memoryStore();
  let hang = false;
  let unstick = (): void => undefined;
  const stuck = new Promise<void>((resolve) => {
    unstick = resolve;
  });
  const hangingStore = {
    ...base,
    sharedAcrossTabs: true,
    set: async (key: string, value: string) => {
      if (hang) {
        await stuck;
      }
      return base.set(key, value);
    },
  };
  const shared = { baseURL: proxy.url, crossTab: true, storageKey: `stuck-${Math.random()}` };
  const holder = createAuthClient({ ...shared, storage: hangingStore });
  const waiting = createAuthClient({
    ...shared,
    storage: { ...base, sharedAcrossTabs: true },
    ...options,
  });
  await holder.login(USERNAME, PASSWORD);
  proxy.reset();
  hang = true;
  void holder.refresh().catch(() => undefined);
  await within(
    5000,
    "the holder's refresh",
    until(() => refreshes() === 1),
  );
  return {
    waiting,
    unstick,
    close: () => {
      unstick();
      holder.close();
      waiting.close();
    },
  };
}

/**
 * Asks `waiting` for an access token when its own has expired, so that it needs the lock,
 * then aborts the wait; resolves once the wait has ended with an AbortError.
 */
async function abortedTokenWait(waiting: AuthClient): Promise<void> {
  const pair = await waiting.getTokens();
  assert.ok(pair);
  // A token this device considers expired a second from now.
  await waiting.setTokens({ ...pair, access_token: fakeJwt({ iat: 100, exp: 102 }) });
  await sleep(1100);
  const controller = new AbortController();
  const pending = waiting.getAccessToken({ signal: controller.signal });
  await sleep(200);
  controller.abort();
  await assert.rejects(within(5000, 'the aborted wait', pending), { name: 'AbortError' });
}

void describe('a tab stuck holding the lock', () => {
  void test('a tab closed while it waits for the lock throws nothing when the claim runs out', async () => {
    const failures: unknown[] = [];
    const record = (reason: unknown): void => {
      failures.push(reason);
    };
    process.on('unhandledRejection', record);
    process.on('uncaughtException', record);
    const { waiting, close } = await stuckHolder({ lockTimeout: 60_000 });
    try {
      // The caller gives up; the refresh it started goes on waiting for the lock.
      await abortedTokenWait(waiting);
      close();
      // The holder's claim lapses after 3 s; the closed tab then stops waiting.
      await sleep(4500);
      assert.deepEqual(failures.map(String), []);
    } finally {
      process.off('unhandledRejection', record);
      process.off('uncaughtException', record);
    }
  });

  void test('makes the others wait once, then fail fast while it stays stuck', async () => {
    const { waiting, close } = await stuckHolder({ lockTimeout: 1500 });
    try {
      await assert.rejects(within(10_000, 'the first wait', waiting.refresh()), isTimeoutError);

      const later = async (): Promise<unknown[]> => {
        const errors: unknown[] = [];
        for (let i = 0; i < 5; i += 1) {
          errors.push(await waiting.refresh().catch((error: unknown) => error));
        }
        return errors;
      };
      // Five more refreshes take less time together than one full wait.
      const errors = await within(1500, 'five refreshes behind the stuck tab', later());
      assert.ok(errors.every(isTimeoutError), errors.map(String).join(', '));
      assert.equal(refreshes(), 1, 'nobody refreshed behind its back');
    } finally {
      close();
    }
  });

  /** A request for /bbb through each adapter, and what its rejection looks like once aborted. */
  const adapters: Record<
    string,
    {
      send: (client: AuthClient, signal: AbortSignal) => Promise<unknown>;
      aborted: (error: unknown) => boolean;
    }
  > = {
    fetch: {
      send: (client: AuthClient, signal: AbortSignal) =>
        createFetch(client)(`${proxy.url}/bbb`, { signal }),
      aborted: (error: unknown) => error instanceof Error && error.name === 'AbortError',
    },
    axios: {
      send: (client: AuthClient, signal: AbortSignal) => {
        const api = axios.create({ baseURL: proxy.url });
        attachAxios(client, api);
        return api.get('/bbb', { signal });
      },
      aborted: (error: unknown) =>
        axios.isCancel(error) || (error instanceof Error && error.name === 'AbortError'),
    },
  };

  for (const [via, { send, aborted }] of Object.entries(adapters)) {
    void test(`a request waiting behind it through ${via} ends when its AbortSignal fires`, async () => {
      const { waiting, close } = await stuckHolder({ lockTimeout: 60_000 });
      try {
        await spoilAccessToken(waiting);
        const controller = new AbortController();
        const pending = send(waiting, controller.signal);
        await within(
          5000,
          'the 401',
          until(() => proxy.count('GET', '/bbb', 401) === 1),
        );
        controller.abort();
        await assert.rejects(within(5000, 'the aborted request', pending), aborted);
      } finally {
        close();
      }
    });
  }

  void test('getAccessToken waiting behind it ends when its AbortSignal fires', async () => {
    const { waiting, close } = await stuckHolder({ lockTimeout: 60_000 });
    try {
      await abortedTokenWait(waiting);
    } finally {
      close();
    }
  });
});
