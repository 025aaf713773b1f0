import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { Api } from '../support/http';
import { startServer, type TestServer } from '../support/server';
import { LONG } from './support/services';

const TRIES = LONG ? 200 : 50;
const TOLERANCE = 0.2;
/** A busy machine can spoil one measurement; a real difference spoils every one. */
const MEASUREMENTS = 3;

const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

describe('login timing', () => {
  let db: TestDatabase;
  let server: TestServer;
  let api: Api;

  before(async () => {
    db = await createTestDatabase('sqlite');
    // The limit would answer 429 before any hashing; these tries are about the hash.
    server = await startServer({ DATABASE_URL: db.url, LOGIN_MAX_ATTEMPTS: '100000' });
    api = new Api(server.url);
    await api.register('timing_user');
  });
  after(async () => {
    await server?.close();
    await db?.drop();
  });

  async function timedLogin(username: string, password: string): Promise<number> {
    const started = performance.now();
    const reply = await api.login(username, password);
    const elapsed = performance.now() - started;
    assert.equal(reply.status, 401);
    return elapsed;
  }

  it(`an unknown username takes as long as a wrong password (medians of ${TRIES} interleaved tries within ${TOLERANCE * 100} %)`, async (t) => {
    for (let i = 0; i < 5; i++) {
      await timedLogin(`warmup_${i}`, 'whatever password');
      await timedLogin('timing_user', `warmup wrong ${i}`);
    }
    const results: { unknownMs: number; wrongMs: number; difference: number }[] = [];
    for (let round = 0; round < MEASUREMENTS; round++) {
      const unknown: number[] = [];
      const wrong: number[] = [];
      for (let i = 0; i < TRIES; i++) {
        // Interleaved, and each pair in a random order, so drift hits both alike.
        const pair: [() => Promise<number>, number[]][] = [
          [() => timedLogin(`nobody_${round}_${i}`, 'correct horse battery'), unknown],
          [() => timedLogin('timing_user', `wrong password ${round} ${i}`), wrong],
        ];
        if (Math.random() < 0.5) {
          pair.reverse();
        }
        for (const [attempt, into] of pair) {
          into.push(await attempt());
        }
      }
      const unknownMs = median(unknown);
      const wrongMs = median(wrong);
      const difference = Math.abs(unknownMs - wrongMs) / Math.max(unknownMs, wrongMs);
      results.push({
        unknownMs: Math.round(unknownMs * 10) / 10,
        wrongMs: Math.round(wrongMs * 10) / 10,
        difference: Math.round(difference * 1000) / 1000,
      });
      if (difference <= TOLERANCE) {
        break;
      }
    }
    t.diagnostic(JSON.stringify({ tries: TRIES, measurements: results }));
    const best = Math.min(...results.map((r) => r.difference));
    assert.ok(
      best <= TOLERANCE,
      `medians differ by more than ${TOLERANCE * 100} %: ${JSON.stringify(results)}`,
    );
  });
});
