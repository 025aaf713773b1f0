import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { decodeJwtPart, sessionIdOf, type TokenPair } from '@seamless/testing';
import { SecurityEvents } from '../src/logging/security-events';
import { createTestDatabase, databaseKinds, type TestDatabase } from './support/databases';
import { Api } from './support/http';
import { spawnServer, type ServerProcess } from './support/process';

const PASSWORD = 'the watched passphrase';
const WRONG = ['first wrong guess', 'second wrong guess', 'ghost wrong guess'];
const WARN = 40;

interface LogLine {
  level: number;
  event?: string;
  userId?: number | null;
  sessionId?: string | null;
  ip?: string | null;
  [field: string]: unknown;
}

function parseLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

for (const kind of databaseKinds()) {
  describe(`security events in the log on ${kind}`, () => {
    let dir: string;
    let db: TestDatabase;
    let server: ServerProcess;
    let lines: LogLine[] = [];
    const secrets: string[] = [PASSWORD, ...WRONG];
    const expected: Record<string, { userId: number | null; sessionId: string | null }[]> = {};

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'seamless-events-'));
      db = await createTestDatabase(kind);
      server = await spawnServer({
        LOG_LEVEL: 'warn',
        DATABASE_URL: db.url,
        KEYS_FILE: join(dir, 'keys.json'),
        LOGIN_MAX_ATTEMPTS: '2',
        REFRESH_REUSE_GRACE: '0',
      });
      const api = new Api(server.url);
      const keep = (pair: TokenPair) => {
        secrets.push(pair.access_token, pair.refresh_token);
        return pair;
      };
      try {
        // Two wrong passwords: two failures, and the second locks (username, address).
        const watched = keep(await api.signedIn('watched', PASSWORD));
        const userId = Number(decodeJwtPart(watched.access_token, 1).sub);
        assert.equal((await api.login('watched', WRONG[0])).status, 401);
        assert.equal((await api.login('watched', WRONG[1])).status, 401);
        assert.equal((await api.login('watched', PASSWORD)).status, 429);
        assert.equal((await api.login('ghost', WRONG[2])).status, 401);
        expected.login_failed = [
          { userId, sessionId: null },
          { userId, sessionId: null },
          { userId: null, sessionId: null },
        ];
        expected.login_locked = [{ userId, sessionId: null }];

        // A rotated refresh token presented again: theft, the session ends.
        const rotated = await api.refresh(watched.refresh_token);
        assert.equal(rotated.status, 200);
        keep(rotated.body);
        assert.equal((await api.refresh(watched.refresh_token)).status, 401);
        expected.refresh_reuse = [{ userId, sessionId: sessionIdOf(watched.access_token) }];

        // The owner ends one session from another device, then every session.
        const phone = keep(await api.signedIn('owner', PASSWORD));
        const owner = Number(decodeJwtPart(phone.access_token, 1).sub);
        const laptop = keep((await api.login('owner', PASSWORD)).body);
        const one = await api.request(
          'DELETE',
          `/user/sessions/${sessionIdOf(laptop.access_token)}`,
          {
            token: phone.access_token,
          },
        );
        assert.equal(one.status, 204);
        const all = await api.request('DELETE', '/user/sessions', { token: phone.access_token });
        assert.equal(all.status, 204);
        expected.session_revoked = [
          { userId: owner, sessionId: sessionIdOf(phone.access_token) },
          { userId: owner, sessionId: sessionIdOf(phone.access_token) },
        ];
      } finally {
        server.child.kill('SIGTERM');
        await server.exited;
      }
      lines = parseLines(server.output());
    });
    after(async () => {
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('writes one warn line per event with the user id, the session id and the client address', () => {
      for (const [event, wanted] of Object.entries(expected)) {
        const found = lines.filter((line) => line.event === event);
        assert.equal(found.length, wanted.length, `${event}: ${JSON.stringify(found)}`);
        found.forEach((line, i) => {
          assert.equal(line.level, WARN, event);
          assert.equal(line.userId, wanted[i].userId, event);
          assert.equal(line.sessionId, wanted[i].sessionId, event);
          assert.equal(line.ip, '127.0.0.1', event);
        });
      }
      const revoked = lines.filter((line) => line.event === 'session_revoked');
      assert.deepEqual(
        revoked.map((line) => line.scope),
        ['one', 'all'],
      );
      assert.equal(typeof revoked[0].revokedSessionId, 'string');
    });

    it('never writes a password, a hash or a token', () => {
      const output = server.output();
      for (const secret of [...secrets, '$argon2', 'eyJ']) {
        assert.ok(!output.includes(secret), `the log contains ${secret.slice(0, 12)}…`);
      }
    });
  });
}

describe('password_changed', () => {
  it('is written at warn with the user, the session that changed it and the address', () => {
    let written = '';
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written += chunk.toString();
        done();
      },
    });
    const events = new SecurityEvents(pino({ level: 'warn' }, destination));
    events.passwordChanged({ userId: 7, sessionId: 'kept-session', ip: '203.0.113.9' }, 3);
    const [line] = parseLines(written);
    assert.equal(line.level, WARN);
    assert.equal(line.event, 'password_changed');
    assert.equal(line.userId, 7);
    assert.equal(line.sessionId, 'kept-session');
    assert.equal(line.ip, '203.0.113.9');
    assert.equal(line.endedSessions, 3);
  });
});
