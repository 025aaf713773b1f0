import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { requirePrograms, waitFor, type TokenPair } from '@seamless/testing';
import type { Api } from '../support/http';
import type { ServerProcess } from '../support/process';
import { assertServed, waitUntilRefused } from '../support/revocation';
import { OwnMariaDb } from './support/daemons';
import { deployment } from './support/deployment';
import { LONG, occurrences, since } from './support/services';

const DOWN_MS = LONG ? 10_000 : 2_500;
const PASSWORD = 'correct horse battery';
const REDIS_AWAY =
  'Redis unreachable: revocations from other instances may be late until it returns';
const REDIS_BACK = 'Redis is back: revocations are pushed again';
const DATABASE_AWAY =
  'Database unreachable: revocations from other instances may be late until it returns';
const DATABASE_BACK = 'Database is back: revocations are current again';

interface Health {
  status?: string;
  revocations?: string;
  unreachable?: string[];
  message?: string;
}

describe(
  'Redis away: revocations keep arriving through the database',
  {
    skip: requirePrograms(['redis-server']),
  },
  () => {
    // Two processes on one SQLite file are enough here: what Redis carries is the push.
    const deployed = deployment({
      size: 2,
      ownRedis: true,
      env: { LOGIN_MAX_ATTEMPTS: '1000', LOG_LEVEL: 'info' },
    });
    let a: Api;
    let b: Api;
    before(() => {
      [a, b] = deployed.apis;
    });

    it('the guard keeps answering, the log says so once, /health says so, and all is current again when Redis returns', async (t) => {
      for (const api of [a, b]) {
        assert.deepEqual((await api.get<Health>('/health')).body, {
          status: 'ok',
          revocations: 'current',
        });
      }
      const live = await a.signedIn('redis_away');
      const ending = (await b.login('redis_away', PASSWORD)).body;
      await assertServed([a, b], ending.access_token, 'before the outage');

      const down = performance.now();
      await deployed.redis.stop('SIGKILL');
      for (const instance of deployed.instances) {
        await waitFor(
          'the log to say Redis went away',
          () => instance.output().includes(REDIS_AWAY),
          10_000,
        );
      }
      for (const api of [a, b]) {
        const health = await api.get<Health>('/health');
        assert.equal(health.status, 200, 'the database is there: still healthy');
        assert.deepEqual(health.body, {
          status: 'ok',
          revocations: 'late',
          unreachable: ['redis'],
        });
      }
      // The guard answers from what it knows; a session ended now still reaches the other instance.
      await assertServed([a, b], live.access_token, 'while Redis is away');
      assert.equal(
        (await b.request('POST', '/user/logout', { token: ending.access_token })).status,
        204,
      );
      const refusedMs = await waitUntilRefused([a, b], ending.access_token);
      const elapsed = since(down);
      if (elapsed < DOWN_MS) {
        await new Promise((resolve) => setTimeout(resolve, DOWN_MS - elapsed));
      }

      await deployed.redis.start();
      for (const instance of deployed.instances) {
        await waitFor(
          'the log to say Redis is back',
          () => instance.output().includes(REDIS_BACK),
          15_000,
          50,
        );
      }
      for (const api of [a, b]) {
        assert.deepEqual((await api.get<Health>('/health')).body, {
          status: 'ok',
          revocations: 'current',
        });
      }
      await assertServed([a, b], live.access_token, 'after the outage');
      for (const instance of deployed.instances) {
        const log = instance.output();
        assert.equal(occurrences(log, REDIS_AWAY), 1, 'one line per outage, however many retries');
        assert.equal(occurrences(log, REDIS_BACK), 1);
        assert.doesNotMatch(log, /"level":50|Unhandled error/, 'no error logged');
      }
      t.diagnostic(
        JSON.stringify({ refusedWhileRedisAwayMs: refusedMs, downMs: Math.round(since(down)) }),
      );
    });
  },
);

describe(
  'database away: the guard answers from what it knows',
  {
    skip: requirePrograms(['mariadb-install-db', 'mariadbd']),
  },
  () => {
    const deployed = deployment({
      size: 1,
      database: () => OwnMariaDb.create(),
      env: { LOGIN_MAX_ATTEMPTS: '1000', LOG_LEVEL: 'info' },
    });
    let db: OwnMariaDb;
    let server: ServerProcess;
    let api: Api;
    let live: TokenPair;
    let ended: TokenPair;

    before(async () => {
      db = deployed.db;
      [server] = deployed.instances;
      [api] = deployed.apis;
      live = await api.signedIn('db_away');
      ended = (await api.login('db_away', PASSWORD)).body;
      assert.equal(
        (await api.request('POST', '/user/logout', { token: ended.access_token })).status,
        204,
      );
      await waitUntilRefused([api], ended.access_token);
    });

    for (const [round, signal] of (['SIGKILL', 'SIGSTOP'] as const).entries()) {
      it(`outage ${round + 1} (${signal}): valid tokens pass, ended ones stay refused, one log line, /health says so`, async (t) => {
        const down = performance.now();
        if (signal === 'SIGSTOP') {
          db.freeze();
        } else {
          await db.stop(signal);
        }
        await waitFor(
          'the log to say the database went away',
          () => occurrences(server.output(), DATABASE_AWAY) === round + 1,
          15_000,
          50,
        );
        const health = await api.get<Health>('/health');
        assert.equal(health.status, 503);
        assert.match(health.body.message ?? '', /revocations from other instances may be late/);
        for (let i = 0; i < 20; i++) {
          assert.equal((await api.get('/bbb', live.access_token)).status, 200, 'a valid token');
          const refused = await api.get('/bbb', ended.access_token);
          assert.equal(refused.status, 401, 'an ended session, known before the outage');
          assert.equal(refused.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
        }
        const elapsed = since(down);
        if (elapsed < DOWN_MS) {
          await new Promise((resolve) => setTimeout(resolve, DOWN_MS - elapsed));
        }

        if (signal === 'SIGSTOP') {
          db.thaw();
        } else {
          await db.start();
        }
        await waitFor(
          'the log to say the database is back',
          () => occurrences(server.output(), DATABASE_BACK) === round + 1,
          30_000,
          50,
        );
        await waitFor(
          '/health to answer 200 with revocations current',
          async () => {
            const reply = await api.get<Health>('/health');
            return reply.status === 200 && reply.body.revocations === 'current';
          },
          30_000,
          50,
        );
        const log = server.output();
        assert.equal(occurrences(log, DATABASE_AWAY), round + 1, 'one line per outage');
        assert.equal(occurrences(log, DATABASE_BACK), round + 1);
        // Sessions end again as usual once it is back.
        const later = (await api.login('db_away', PASSWORD)).body;
        await assertServed([api], later.access_token, 'a new session');
        assert.equal(
          (await api.request('POST', '/user/logout', { token: later.access_token })).status,
          204,
        );
        await waitUntilRefused([api], later.access_token);
        await assertServed([api], live.access_token, 'the session that did not end');
        t.diagnostic(JSON.stringify({ signal, downMs: Math.round(since(down)) }));
      });
    }
  },
);
