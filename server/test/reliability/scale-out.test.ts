import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import {
  refreshCounterOf,
  requireEnv,
  sessionIdOf,
  sleep,
  type TokenPair,
} from '@seamless/testing';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/databases';
import type { Api } from '../support/http';
import { deployment } from './support/deployment';
import { LONG } from './support/services';

const CONCURRENT = LONG ? 200 : 50;
const GRACE_SECONDS = 2;

const skip = requireEnv(['TEST_REDIS_URL']);
/** SQLite is for one instance only (docs/SCALING.md); every database server is tried. */
const servers = databaseKinds().filter((kind) => kind !== 'sqlite');
if (servers.length === 0) {
  describe('two instances on one database server and one Redis', {
    skip: 'neither TEST_MYSQL_URL nor TEST_PG_URL is set',
  });
}

for (const kind of servers) {
  describe(`two instances on one ${kind} database and one Redis`, { skip }, () => {
    const deployed = deployment({
      size: 2,
      // Both start at once on an empty database, as a fresh deployment of N replicas does:
      // the schema and the demo user must come out once, and neither instance may fail.
      together: true,
      database: () => createTestDatabase(kind),
      env: {
        REDIS_URL: process.env.TEST_REDIS_URL ?? '',
        REFRESH_REUSE_GRACE: `${GRACE_SECONDS}s`,
        LOGIN_MAX_ATTEMPTS: '3',
        LOGIN_WINDOW: '1m',
      },
    });
    let db: TestDatabase;
    let a: Api;
    let b: Api;
    before(() => {
      db = deployed.db;
      [a, b] = deployed.apis;
    });

    const sessionCounter = async (pair: TokenPair): Promise<number> => {
      const sid = sessionIdOf(pair.access_token);
      const [row] = await db.query<{ counter: number }>(
        'SELECT counter FROM sessions WHERE id = ?',
        [sid],
      );
      return row.counter;
    };

    it('signs in on one, is served and refreshed by the other', async () => {
      const login = await a.login('guang', '123456');
      assert.equal(login.status, 200);
      assert.equal((await b.get('/bbb', login.body.access_token)).status, 200);
      assert.equal(
        (await b.get<{ username: string }>('/user/me', login.body.access_token)).body.username,
        'guang',
      );
      const refreshed = await b.refresh(login.body.refresh_token);
      assert.equal(refreshed.status, 200);
      assert.equal((await a.get('/bbb', refreshed.body.access_token)).status, 200);
      const again = await a.refresh(refreshed.body.refresh_token);
      assert.equal(again.status, 200);
      assert.equal(await sessionCounter(again.body), 2);
      const users = await db.query<{ n: number }>(
        "SELECT COUNT(*) AS n FROM users WHERE username_key = 'guang'",
      );
      assert.equal(Number(users[0].n), 1, 'the demo user is seeded once');
    });

    it(`${CONCURRENT} concurrent refreshes of one token across both: all 200, one successor, counter +1`, async (t) => {
      const pair = (await b.login('guang', '123456')).body;
      const before = await sessionCounter(pair);
      const replies = await Promise.all(
        Array.from({ length: CONCURRENT }, (_, i) => (i % 2 ? a : b).refresh(pair.refresh_token)),
      );
      const statuses = replies.map((r) => r.status);
      assert.deepEqual(
        statuses.filter((s) => s !== 200),
        [],
        'every refresh succeeds',
      );
      const successors = new Set(replies.map((r) => r.body.refresh_token));
      assert.equal(successors.size, 1, 'one resulting refresh token');
      assert.equal(await sessionCounter(pair), before + 1, 'the session advanced exactly once');
      const [next] = successors;
      assert.equal(refreshCounterOf(next), before + 1);
      assert.equal((await a.refresh(next)).status, 200, 'the successor works');
      t.diagnostic(
        JSON.stringify({
          concurrent: CONCURRENT,
          statuses: { 200: statuses.length },
          successors: successors.size,
        }),
      );
    });

    it('reuse after the grace on one instance ends the session on both', async () => {
      const first = (await a.login('guang', '123456')).body;
      const second = (await b.refresh(first.refresh_token)).body;
      await sleep(GRACE_SECONDS * 1000 + 500);
      const reuse = await b.refresh(first.refresh_token);
      assert.equal(reuse.status, 401);
      assert.equal(
        (await a.refresh(second.refresh_token)).status,
        401,
        'the newest token dies too',
      );
      assert.equal((await b.refresh(second.refresh_token)).status, 401);
      const sid = sessionIdOf(first.access_token);
      const [row] = await db.query<{ revoke_reason: string }>(
        'SELECT revoke_reason FROM sessions WHERE id = ?',
        [sid],
      );
      assert.equal(row.revoke_reason, 'reuse');
    });

    it('logout on one instance ends the session for the other', async () => {
      const pair = (await a.login('guang', '123456')).body;
      assert.equal(
        (await b.request('POST', '/user/logout', { token: pair.access_token })).status,
        204,
      );
      assert.equal((await a.refresh(pair.refresh_token)).status, 401);
    });

    it('the login rate limit is shared', async () => {
      const username = `limit_${randomBytes(4).toString('hex')}`;
      await a.register(username);
      for (let i = 0; i < 3; i++) {
        assert.equal((await (i % 2 ? b : a).login(username, 'wrong password')).status, 401);
      }
      assert.equal((await b.login(username, 'correct horse battery')).status, 429);
      assert.equal((await a.login(username, 'correct horse battery')).status, 429);
    });
  });
}
