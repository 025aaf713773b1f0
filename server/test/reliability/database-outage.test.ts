import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import {
  refreshCounterOf,
  refreshSessionOf,
  requirePrograms,
  unavailable,
  waitFor,
} from '@seamless/testing';
import type { Api, Reply } from '../support/http';
import type { ServerProcess } from '../support/process';
import { OwnMariaDb, OwnPostgres, postgresBinDir } from './support/daemons';
import { deployment } from './support/deployment';
import { Device, guardedLoop, Tally } from './support/load';
import { LONG, since } from './support/services';

const SESSIONS = LONG ? 20 : 4;
/** A request that takes longer than this while the database is down counts as a hang. */
const ANSWER_WITHIN_MS = 8_000;
const UNAVAILABLE = 'Database unavailable, try again shortly';
/** How long the database stays down, with the load going on. */
const DOWN_MS = LONG ? 10_000 : 2_000;

/** A database server the test can stop, freeze and start again. */
interface OwnDatabase {
  url: string;
  start(): Promise<void>;
  stop(signal: NodeJS.Signals): Promise<void>;
  freeze(): void;
  thaw(): void;
  drop(): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

const pgBin = postgresBinDir();
const ENGINES: {
  name: string;
  skip: string | false;
  create: () => Promise<OwnDatabase>;
  /** The signal of an orderly shutdown, as the engine's own tools send it. */
  shutdown: NodeJS.Signals;
}[] = [
  {
    name: 'MariaDB',
    skip: requirePrograms(['mariadb-install-db', 'mariadbd']),
    create: () => OwnMariaDb.create(),
    shutdown: 'SIGTERM',
  },
  {
    name: 'PostgreSQL',
    // The server programs live outside PATH, in PostgreSQL's own folder.
    skip: ['initdb', 'postgres'].every(
      (name) => pgBin !== undefined && existsSync(join(pgBin, name)),
    )
      ? false
      : unavailable('initdb and postgres not installed'),
    create: () => OwnPostgres.create(pgBin ?? ''),
    // SIGTERM is PostgreSQL's "smart" shutdown, which waits for every client to leave.
    shutdown: 'SIGINT',
  },
];

for (const engine of ENGINES) {
  /**
   * SIGKILL: a crash; the engine's shutdown signal: an orderly shutdown; SIGSTOP: frozen,
   * connections open but silent, as in a network partition (see docs/RELIABILITY.md for
   * what that does and does not do).
   */
  const outages: NodeJS.Signals[] = LONG
    ? ['SIGKILL', engine.shutdown, 'SIGSTOP', 'SIGKILL', engine.shutdown, 'SIGSTOP']
    : ['SIGKILL', engine.shutdown, 'SIGSTOP'];

  describe(`${engine.name} stopped under load`, { skip: engine.skip }, () => {
    const deployed = deployment({
      size: 1,
      database: engine.create,
      env: {
        // Longer than an outage: a refresh whose answer was lost to the crash is retried inside it.
        REFRESH_REUSE_GRACE: '60s',
        LOGIN_MAX_ATTEMPTS: '1000',
      },
    });
    let db: OwnDatabase;
    let server: ServerProcess;
    let api: Api;
    const devices: Device[] = [];

    before(async () => {
      db = deployed.db;
      [server] = deployed.instances;
      [api] = deployed.apis;
      await api.register('outage');
      for (let i = 0; i < SESSIONS; i++) {
        const reply = await api.login('outage', 'correct horse battery');
        assert.equal(reply.status, 200);
        devices.push(new Device(reply.body));
      }
    });

    /** A request that must answer within `withinMs`, whatever the database does. */
    async function call(
      method: string,
      path: string,
      options: { token?: string; json?: unknown } = {},
      withinMs = ANSWER_WITHIN_MS,
    ): Promise<Reply<{ message?: string }>> {
      const result = await Promise.race([
        api.request<{ message?: string }>(method, path, options),
        new Promise<'hang'>((resolve) => setTimeout(() => resolve('hang'), withinMs).unref()),
      ]);
      assert.notEqual(result, 'hang', `${method} ${path} did not answer within ${withinMs} ms`);
      return result as Reply<{ message?: string }>;
    }

    for (const [round, signal] of outages.entries()) {
      const effect =
        signal === 'SIGSTOP'
          ? 'database calls wait, /health says 503'
          : 'database calls answer 503 with a clear message';
      it(`outage ${round + 1} (${signal}): ${effect}, /bbb works from the token, then recovery by itself`, async (t) => {
        const pid = server.child.pid;
        const tally = new Tally();
        const guarded = new Tally();
        let stopped = false;
        const stop = () => stopped;
        const loops = [
          ...devices.map((device) => device.loop(api, tally, stop)),
          guardedLoop(api, () => devices[0].pair.access_token, guarded, stop),
        ];

        await new Promise((resolve) => setTimeout(resolve, 500));
        const down = performance.now();
        if (signal === 'SIGSTOP') {
          db.freeze();
        } else {
          await db.stop(signal);
        }
        const stopMs = since(down);

        const someone = devices[1].pair;
        const unavailable: [string, string, { token?: string; json?: unknown }][] = [
          [
            'POST',
            '/user/login',
            { json: { username: 'outage', password: 'correct horse battery' } },
          ],
          [
            'POST',
            '/user/register',
            { json: { username: `late${round}`, password: 'correct horse battery' } },
          ],
          ['POST', '/user/refresh', { json: { refresh_token: someone.refresh_token } }],
          ['GET', `/user/refresh?refresh_token=${someone.refresh_token}`, {}],
          ['GET', '/user/sessions', { token: someone.access_token }],
          [
            'DELETE',
            `/user/sessions/${refreshSessionOf(devices[2].pair.refresh_token)}`,
            { token: someone.access_token },
          ],
          ['DELETE', '/user/sessions', { token: someone.access_token }],
          ['POST', '/user/logout', { token: someone.access_token }],
          ['GET', '/health', {}],
        ];
        let slowestDownMs = 0;
        // A frozen database holds the requests that drew one of its pooled connections
        // until it answers again (a known limit, see docs/RELIABILITY.md): only the health
        // check, which has its own 2 s limit, is asked to answer then.
        const frozen = signal === 'SIGSTOP';
        for (const [method, path, options] of frozen ? unavailable.slice(-1) : unavailable) {
          const started = performance.now();
          const reply = await call(method, path, options);
          slowestDownMs = Math.max(slowestDownMs, since(started));
          assert.equal(
            reply.status,
            503,
            `${method} ${path.split('?')[0]} while the database is down`,
          );
          if (path !== '/health') {
            assert.equal(reply.body.message, UNAVAILABLE, `${method} ${path.split('?')[0]}`);
          }
        }
        for (const path of ['/bbb', '/user/me']) {
          assert.equal(
            (await call('GET', path, { token: someone.access_token })).status,
            200,
            path,
          );
        }
        assert.equal((await call('GET', '/.well-known/jwks.json')).status, 200);

        const downFor = since(down);
        if (downFor < DOWN_MS) {
          await new Promise((resolve) => setTimeout(resolve, DOWN_MS - downFor));
        }
        const downMs = since(down);
        const restarted = performance.now();
        if (signal === 'SIGSTOP') {
          db.thaw();
        } else {
          await db.start();
        }
        const dbStartMs = since(restarted);
        await waitFor(
          '/health to answer 200',
          async () => (await api.get('/health')).status === 200,
          30_000,
          50,
        );
        const healthyMs = since(restarted);
        const login = await call('POST', '/user/login', {
          json: { username: 'outage', password: 'correct horse battery' },
        });
        assert.equal(login.status, 200, 'login after the database returned');
        const loginMs = since(restarted);
        await new Promise((resolve) => setTimeout(resolve, 500));
        stopped = true;
        await Promise.all(loops);

        assert.equal(server.child.exitCode, null, 'the server process is still running');
        assert.equal(server.child.pid, pid);
        assert.equal(
          tally.unexpected([200]) - (frozen ? tally.count((s) => s === 'timeout') : 0),
          0,
          `refresh answers: ${JSON.stringify(tally.summary())}`,
        );
        assert.equal(
          guarded.unexpected([200]) + guarded.count((s) => s === '503'),
          0,
          `/bbb answers: ${JSON.stringify(guarded.summary())}`,
        );

        // No session is half-rotated: the device's last token works once more, and its
        // retry (a lost answer) gets the same successor, never a second one.
        let ahead = 0;
        for (const device of devices) {
          const sid = refreshSessionOf(device.pair.refresh_token);
          const [row] = await db.query<{ counter: number; revoked_at: string | null }>(
            'SELECT counter, revoked_at FROM sessions WHERE id = ?',
            [sid],
          );
          assert.equal(row.revoked_at, null, 'session not revoked');
          const c = device.counter;
          assert.ok(
            row.counter === c || row.counter === c + 1,
            `counter ${row.counter} vs client ${c}`,
          );
          ahead += row.counter - c;
          const first = await api.refresh(device.pair.refresh_token);
          assert.equal(first.status, 200);
          assert.equal(refreshCounterOf(first.body.refresh_token), c + 1);
          const twin = await api.refresh(device.pair.refresh_token);
          assert.equal(twin.status, 200);
          assert.equal(twin.body.refresh_token, first.body.refresh_token, 'one successor, no fork');
          device.pair = first.body;
          const [after] = await db.query<{ counter: number }>(
            'SELECT counter FROM sessions WHERE id = ?',
            [sid],
          );
          assert.equal(after.counter, c + 1);
        }
        const [{ n }] = await db.query<{ n: number }>(
          "SELECT COUNT(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username_key = 'outage' AND s.revoked_at IS NULL",
        );
        assert.equal(
          Number(n),
          SESSIONS + round + 1,
          'the devices plus one login per outage, none lost',
        );

        t.diagnostic(
          JSON.stringify({
            signal,
            refreshRequests: tally.sent,
            refreshAnswers: tally.summary(),
            guardedRequests: guarded.sent,
            guardedAnswers: guarded.summary(),
            slowestAnswerWhileDownMs: slowestDownMs,
            stopMs,
            downMs,
            dbStartMs,
            healthyAfterRestartMs: healthyMs,
            loginAfterRestartMs: loginMs,
            sessionsChecked: devices.length,
            committedButUnanswered: ahead,
            lost: 0,
          }),
        );
      });
    }
  });
}
