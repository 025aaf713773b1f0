import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from './support/databases';
import { Api } from './support/http';
import { startServer, type TestServer } from './support/server';

const redisUrl = process.env.TEST_REDIS_URL;

if (!redisUrl && process.env.CI === 'true') {
  it('Redis is available in CI', () => {
    throw new Error('CI=true but TEST_REDIS_URL is not set: the Redis tests could not run');
  });
}

describe(
  'login rate limit shared through Redis',
  { skip: !redisUrl && 'TEST_REDIS_URL is not set' },
  () => {
    let db: TestDatabase;
    let first: TestServer;
    let second: TestServer;

    before(async () => {
      db = await createTestDatabase('sqlite');
      const env = {
        DATABASE_URL: db.url,
        REDIS_URL: redisUrl ?? '',
        LOGIN_MAX_ATTEMPTS: '3',
        LOGIN_WINDOW: '1m',
      };
      first = await startServer(env);
      second = await startServer({ ...env, KEYS_FILE: first.keysFile });
    });
    after(async () => {
      await first?.close();
      await second?.close();
      await db?.drop();
    });

    it('counts failures on one instance against logins on another', async () => {
      const username = `shared_${randomBytes(4).toString('hex')}`;
      const a = new Api(first.url);
      const b = new Api(second.url);
      await a.register(username);
      for (let i = 0; i < 3; i++) {
        assert.equal((await (i % 2 ? b : a).login(username, 'wrong password')).status, 401);
      }
      const locked = await b.login(username, 'correct horse battery');
      assert.equal(locked.status, 429);
      assert.ok(Number(locked.headers.get('retry-after')) > 0);
      assert.equal((await a.login(username, 'correct horse battery')).status, 429);
    });

    it('a successful login clears the count', async () => {
      const username = `reset_${randomBytes(4).toString('hex')}`;
      const a = new Api(first.url);
      const b = new Api(second.url);
      await a.register(username);
      for (let round = 0; round < 2; round++) {
        assert.equal((await a.login(username, 'wrong password')).status, 401);
        assert.equal((await b.login(username, 'wrong password')).status, 401);
        assert.equal((await a.login(username, 'correct horse battery')).status, 200);
      }
    });
  },
);
