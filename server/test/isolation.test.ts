import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sessionIdOf } from '@seamless/testing';
import { createTestDatabase, databaseKinds, type TestDatabase } from './support/databases';
import { Api } from './support/http';
import { startServer, type TestServer } from './support/server';

const SESSIONS = 8;
const CONCURRENT = 25;

// PostgreSQL's default, READ COMMITTED, re-checks a conditional UPDATE's WHERE against the
// row a concurrent UPDATE just committed. Above it, the loser gets a serialization
// failure instead: the rotation must take that for the lost race it is.
if (databaseKinds().includes('postgres')) {
  for (const level of ['repeatable read', 'serializable']) {
    describe(`refresh-token rotation on postgres with default_transaction_isolation = ${level}`, () => {
      let db: TestDatabase;
      let server: TestServer;
      let api: Api;

      before(async () => {
        db = await createTestDatabase('postgres');
        const name = new URL(db.url).pathname.slice(1);
        await db.query(`ALTER DATABASE "${name}" SET default_transaction_isolation = '${level}'`);
        server = await startServer({ DATABASE_URL: db.url });
        api = new Api(server.url);
      });
      after(async () => {
        await server?.close();
        await db?.drop();
      });

      it(`${CONCURRENT} concurrent refreshes of one token, ${SESSIONS} times: all 200, one successor, counter +1`, async () => {
        for (let i = 0; i < SESSIONS; i++) {
          const t0 = await api.signedIn(`iso${i}`);
          const replies = await Promise.all(
            Array.from({ length: CONCURRENT }, () => api.refresh(t0.refresh_token)),
          );
          assert.deepEqual(
            replies.map((r) => r.status).filter((status) => status !== 200),
            [],
            'every refresh succeeds',
          );
          assert.equal(new Set(replies.map((r) => r.body.refresh_token)).size, 1);
          const [row] = await db.query<{ counter: number }>(
            'SELECT counter FROM sessions WHERE id = ?',
            [sessionIdOf(t0.access_token)],
          );
          assert.equal(Number(row.counter), 1);
        }
      });
    });
  }
}
