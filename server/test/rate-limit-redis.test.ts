import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import Redis from 'ioredis';
import { requireEnv } from '@seamless/testing';
import { createTestDatabase, databaseKinds, type TestDatabase } from './support/databases';
import { Api } from './support/http';
import { BURST_LIMITS, itChecksAtMostFiveOfABurst, RIGHT } from './support/limits';
import { serveFreshDatabase, startServer, type TestServer } from './support/server';

const redisUrl = process.env.TEST_REDIS_URL;
/** Every key this run writes to the shared Redis starts with this, so no other run sees it. */
const keyPrefix = `seamless-test-${randomBytes(6).toString('hex')}:`;

/** Without TEST_REDIS_URL nothing here runs; under CI that is a failure. */
const skip = requireEnv(['TEST_REDIS_URL']);

describe('login rate limit shared through Redis', { skip }, () => {
  let db: TestDatabase;
  let first: TestServer;
  let second: TestServer;
  let a: Api;
  let b: Api;

  before(async () => {
    db = await createTestDatabase('sqlite');
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl ?? '',
      REDIS_KEY_PREFIX: keyPrefix,
      LOGIN_MAX_ATTEMPTS: '3',
      LOGIN_WINDOW: '1m',
    };
    first = await startServer(env);
    second = await startServer({ ...env, KEYS_FILE: first.keysFile });
    a = new Api(first.url);
    b = new Api(second.url);
  });
  after(async () => {
    await first?.close();
    await second?.close();
    await db?.drop();
  });

  /** A user of its own, so that no other test's attempts count against it. */
  async function freshUser(prefix: string): Promise<string> {
    const username = `${prefix}_${randomBytes(4).toString('hex')}`;
    await a.register(username);
    return username;
  }

  it('counts failures on one instance against logins on another', async () => {
    const username = await freshUser('shared');
    for (let i = 0; i < 3; i++) {
      assert.equal((await (i % 2 ? b : a).login(username, 'wrong password')).status, 401);
    }
    const locked = await b.login(username, 'correct horse battery');
    assert.equal(locked.status, 429);
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    assert.equal((await a.login(username, 'correct horse battery')).status, 429);
  });

  it('a successful login gives its attempt back; failures still count', async () => {
    const username = await freshUser('reset');
    for (let round = 0; round < 3; round++) {
      assert.equal((await (round % 2 ? a : b).login(username, RIGHT)).status, 200);
    }
    assert.equal((await a.login(username, 'wrong password')).status, 401);
    assert.equal((await b.login(username, RIGHT)).status, 200);
    assert.equal((await b.login(username, 'wrong password')).status, 401);
    assert.equal((await a.login(username, 'wrong password')).status, 401);
    assert.equal((await b.login(username, RIGHT)).status, 429);
  });

  it('keeps every key under REDIS_KEY_PREFIX', async () => {
    const username = `prefixed_${randomBytes(4).toString('hex')}`;
    assert.equal((await a.login(username, 'wrong password')).status, 401);
    const redis = new Redis(redisUrl ?? '');
    try {
      const keys = await redis.keys(`*${username}*`);
      assert.ok(keys.length > 0, 'no counter for the failed login');
      for (const key of keys) {
        assert.ok(key.startsWith(keyPrefix), key);
      }
    } finally {
      redis.disconnect();
    }
  });
});

for (const kind of databaseKinds()) {
  describe(`a parallel login burst counted in Redis, on ${kind}`, { skip }, () => {
    const fixture = serveFreshDatabase(kind, {
      REDIS_URL: redisUrl ?? '',
      REDIS_KEY_PREFIX: keyPrefix,
      ...BURST_LIMITS,
    });
    itChecksAtMostFiveOfABurst(fixture, 'rburst');
  });
}
