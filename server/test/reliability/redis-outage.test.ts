import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { requirePrograms, waitFor } from '@seamless/testing';
import type { Api } from '../support/http';
import { deployment } from './support/deployment';
import { LONG, occurrences, since } from './support/services';

const OUTAGES = LONG ? 5 : 1;
const DOWN_MS = LONG ? 10_000 : 1_500;
const WENT_AWAY = 'Redis unreachable: login rate limits are counted per instance until it returns';
const CAME_BACK = 'Redis is back: login rate limits are shared again';

const skip = requirePrograms(['redis-server']);

describe('Redis stopped and started again', { skip }, () => {
  // One SQLite file is enough here: what is shared through Redis is the login limit.
  const deployed = deployment({
    size: 2,
    ownRedis: true,
    env: { LOGIN_MAX_ATTEMPTS: '3', LOGIN_WINDOW: '1m', LOG_LEVEL: 'info' },
  });
  let a: Api;
  let b: Api;
  before(() => {
    [a, b] = deployed.apis;
  });

  /** Fails three times on `first`, then tries the right password on `second`. */
  async function lockOutAttempt(first: Api, second: Api): Promise<number> {
    const username = `u_${randomBytes(4).toString('hex')}`;
    await first.register(username);
    for (let i = 0; i < 3; i++) {
      assert.equal((await first.login(username, 'wrong password')).status, 401);
    }
    assert.equal(
      (await first.login(username, 'correct horse battery')).status,
      429,
      'locked on the instance that counted',
    );
    return (await second.login(username, 'correct horse battery')).status;
  }

  for (let round = 1; round <= OUTAGES; round++) {
    it(`outage ${round}: logins keep working with per-instance limits, shared again once Redis returns`, async (t) => {
      assert.equal(await lockOutAttempt(a, b), 429, 'shared before the outage');

      const down = performance.now();
      await deployed.redis.stop('SIGKILL');
      const pair = await a.login('guang', '123456');
      assert.equal(pair.status, 200, 'a login while Redis is down');
      const firstLoginMs = since(down);
      assert.equal((await b.refresh(pair.body.refresh_token)).status, 200);
      assert.equal((await b.get('/bbb', pair.body.access_token)).status, 200);
      // The limit still holds, counted by each instance alone.
      assert.equal(await lockOutAttempt(a, b), 200, 'the other instance did not see the failures');
      const elapsed = since(down);
      if (elapsed < DOWN_MS) {
        await new Promise((resolve) => setTimeout(resolve, DOWN_MS - elapsed));
      }
      for (const instance of deployed.instances) {
        await waitFor(
          'the log to say Redis went away',
          () => instance.output().includes(WENT_AWAY),
          10_000,
        );
      }

      const restarted = performance.now();
      await deployed.redis.start();
      for (const instance of deployed.instances) {
        await waitFor(
          'the log to say Redis is back',
          () => occurrences(instance.output(), CAME_BACK) === round,
          15_000,
          50,
        );
      }
      const reconnectedMs = since(restarted);
      assert.equal(await lockOutAttempt(b, a), 429, 'shared again after the outage');

      for (const instance of deployed.instances) {
        assert.equal(instance.child.exitCode, null, 'still running');
        const log = instance.output();
        assert.equal(
          occurrences(log, WENT_AWAY),
          round,
          'one line per outage, however many retries',
        );
        assert.equal(occurrences(log, CAME_BACK), round);
        assert.doesNotMatch(log, /"level":50|Unhandled error/, 'no error logged');
      }
      t.diagnostic(
        JSON.stringify({
          round,
          downMs: Math.round(since(down) - since(restarted)),
          firstLoginWhileDownMs: firstLoginMs,
          reconnectedAfterRestartMs: reconnectedMs,
        }),
      );
    });
  }
});
