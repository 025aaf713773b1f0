// The Bearer goes only to the API's own origins, and only a 401 that says the token is
// the problem costs a refresh. Against the real server, plus a stranger's server on
// another origin that records what it is sent.
import axios from 'axios';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import {
  createAuthClient,
  createFetch,
  memoryStore,
  type AuthClient,
  type AuthClientOptions,
} from '../src/index.js';
import { attachAxios } from '../src/axios.js';
import { serverBehindProxy } from './helpers/server.js';
import { PASSWORD, USERNAME } from './helpers/util.js';

const { proxy } = await serverBehindProxy();
let stranger: Server;
let strangerUrl = '';
/** The Authorization header of each request the stranger received. */
const strangerSaw: (string | undefined)[] = [];

before(async () => {
  // Answers as the API would to a rejected token, to tempt the client into refreshing.
  stranger = createServer((req, res) => {
    strangerSaw.push(req.headers.authorization);
    res.writeHead(401, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    res.end('{}');
  });
  await new Promise<void>((resolve) => stranger.listen(0, '127.0.0.1', resolve));
  const address = stranger.address();
  strangerUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

after(async () => {
  stranger?.closeAllConnections();
  await new Promise((resolve) => stranger?.close(resolve));
});

const refreshes = (): number => proxy.count('POST', '/user/refresh');

type Get = (url: string) => Promise<number>;

const adapters: Record<string, (client: AuthClient) => Get> = {
  fetch: (client) => {
    const authFetch = createFetch(client);
    return async (url) => (await authFetch(url)).status;
  },
  axios: (client) => {
    const api = axios.create();
    attachAxios(client, api);
    return async (url) => {
      try {
        return (await api.get(url)).status;
      } catch (error) {
        if (axios.isAxiosError(error) && error.response) {
          return error.response.status;
        }
        throw error;
      }
    };
  },
};

async function signedIn(options: AuthClientOptions = {}): Promise<AuthClient> {
  const client = createAuthClient({ baseURL: proxy.url, storage: memoryStore(), ...options });
  await client.login(USERNAME, PASSWORD);
  proxy.reset();
  strangerSaw.length = 0;
  return client;
}

for (const [name, adapt] of Object.entries(adapters)) {
  void describe(`through ${name}`, () => {
    void test('the access token never goes to another origin, and its 401 refreshes nothing', async () => {
      const client = await signedIn();
      const get = adapt(client);

      assert.equal(await get(`${strangerUrl}/profile`), 401);
      assert.equal(await get(`${proxy.url}/bbb`), 200, 'the API still gets it');

      assert.deepEqual(strangerSaw, [undefined]);
      assert.equal(refreshes(), 0);
      client.close();
    });

    void test('an origin named in `origins` gets the token too', async () => {
      const client = await signedIn({ origins: [strangerUrl] });
      const get = adapt(client);

      await get(`${strangerUrl}/profile`);

      assert.match(strangerSaw[0] ?? '', /^Bearer ey/);
      client.close();
    });

    void test('a 401 that does not blame the token is returned as is, without a refresh', async () => {
      const client = await signedIn();
      const get = adapt(client);
      // A route that refuses for its own reasons (no `error="invalid_token"`).
      proxy.failNext('/bbb', 401, 1, { 'WWW-Authenticate': 'Basic realm="reports"' });

      assert.equal(await get(`${proxy.url}/bbb`), 401);
      assert.equal(refreshes(), 0);
      assert.equal(proxy.count('GET', '/bbb'), 1, 'not replayed');
      client.close();
    });

    void test('shouldRefresh decides for servers that say it differently', async () => {
      const client = await signedIn({
        shouldRefresh: (response) => response.status === 401 || response.status === 419,
      });
      const get = adapt(client);
      proxy.failNext('/bbb', 419);

      assert.equal(await get(`${proxy.url}/bbb`), 200);
      assert.equal(refreshes(), 1);
      assert.deepEqual(proxy.statuses('/bbb'), [419, 200]);
      client.close();
    });
  });
}
