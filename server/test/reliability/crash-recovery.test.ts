import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freePort, refreshCounterOf, refreshSessionOf } from '@seamless/testing';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/databases';
import { Api } from '../support/http';
import { spawnServer, type ServerProcess } from '../support/process';
import { Device, Tally } from './support/load';
import { LONG, sharedKeys, since } from './support/services';

const USERS = LONG ? 10 : 4;
const SESSIONS_PER_USER = LONG ? 10 : 5;
const CRASHES = LONG ? 10 : 2;

for (const kind of databaseKinds()) {
  describe(`kill -9 in the middle of a refresh storm on ${kind}`, () => {
    let db: TestDatabase;
    let server: ServerProcess | undefined;
    let env: Record<string, string>;
    const devices: Device[] = [];

    before(async () => {
      db = await createTestDatabase(kind);
      env = {
        ...(await sharedKeys()),
        DATABASE_URL: db.url,
        PORT: String(await freePort()),
        // Longer than a restart: a refresh whose answer died with the process is retried inside it.
        REFRESH_REUSE_GRACE: '60s',
        LOGIN_MAX_ATTEMPTS: '1000',
      };
      server = await spawnServer(env);
      const api = new Api(server.url);
      for (let u = 0; u < USERS; u++) {
        await api.register(`storm${u}`);
        for (let s = 0; s < SESSIONS_PER_USER; s++) {
          const reply = await api.login(`storm${u}`, 'correct horse battery');
          assert.equal(reply.status, 200);
          devices.push(new Device(reply.body));
        }
      }
    });
    after(async () => {
      if (server && server.child.exitCode === null) {
        server.child.kill('SIGKILL');
        await server.exited;
      }
      await db?.drop();
    });

    for (let crash = 1; crash <= CRASHES; crash++) {
      it(`crash ${crash}: every session is on exactly one valid refresh token after the restart`, async (t) => {
        assert.ok(server);
        const api = new Api(server.url);
        const tally = new Tally();
        const loops = devices.map((device) => device.loop(api, tally, () => false));
        // Somewhere in the storm, a different moment each time.
        await new Promise((resolve) => setTimeout(resolve, 400 + Math.random() * 800));
        server.child.kill('SIGKILL');
        await server.exited;
        await Promise.all(loops);
        assert.equal(
          tally.unexpected([200]) - tally.count((s) => s === 'network'),
          0,
          JSON.stringify(tally.summary()),
        );

        const restarting = performance.now();
        server = await spawnServer(env);
        const restartMs = since(restarting);
        const after = new Api(server.url);

        let committedButUnanswered = 0;
        for (const device of devices) {
          const sid = refreshSessionOf(device.pair.refresh_token);
          const rows = await db.query<{ counter: number; revoked_at: unknown }>(
            'SELECT counter, revoked_at FROM sessions WHERE id = ?',
            [sid],
          );
          assert.equal(rows.length, 1, 'the session exists once');
          const [row] = rows;
          assert.equal(row.revoked_at, null, 'the session is not revoked');
          const c = device.counter;
          // The server may have committed the last refresh and died before answering it.
          assert.ok(
            Number(row.counter) === c ||
              (Number(row.counter) === c + 1 && device.unanswered !== undefined),
            `database counter ${row.counter}, client holds ${c}`,
          );
          committedButUnanswered += Number(row.counter) - c;

          const next = await after.refresh(device.pair.refresh_token);
          assert.equal(next.status, 200, "the client's last token works");
          assert.equal(refreshCounterOf(next.body.refresh_token), c + 1);
          const twin = await after.refresh(device.pair.refresh_token);
          assert.equal(
            twin.body.refresh_token,
            next.body.refresh_token,
            'a retry gets the same successor',
          );
          device.pair = next.body;
          device.unanswered = undefined;
        }
        const [{ total, active }] = await db.query<{ total: number; active: number }>(
          'SELECT COUNT(*) AS total, SUM(CASE WHEN revoked_at IS NULL THEN 1 ELSE 0 END) AS active FROM sessions',
        );
        assert.equal(Number(total), devices.length, 'no session lost, none doubled');
        assert.equal(Number(active), devices.length);

        t.diagnostic(
          JSON.stringify({
            database: kind,
            sessions: devices.length,
            refreshRequests: tally.sent,
            answers: tally.summary(),
            unansweredAtKill: tally.count((s) => s === 'network'),
            committedButUnanswered,
            restartMs,
            sessionsChecked: devices.length,
            lost: 0,
          }),
        );
      });
    }
  });
}
