import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sessionIdOf } from '@seamless/testing';
import { SessionsService } from '../src/sessions/sessions.service';
import { databaseKinds } from './support/databases';
import type { Reply } from './support/http';
import { serveFreshDatabase, type ServerFixture } from './support/server';

const PASSWORD = 'correct horse battery';
const DAY = 24 * 60 * 60 * 1000;

/** Every route that manages sessions, called with one access token. */
async function manageSessions(
  fixture: ServerFixture,
  token: string,
  someSessionId: string,
): Promise<[string, Reply][]> {
  const api = fixture.api;
  return [
    ['GET /user/sessions', await api.get('/user/sessions', token)],
    [
      'DELETE /user/sessions/:id',
      await api.request('DELETE', `/user/sessions/${someSessionId}`, { token }),
    ],
    ['DELETE /user/sessions', await api.request('DELETE', '/user/sessions', { token })],
    ['POST /user/logout', await api.request('POST', '/user/logout', { token })],
  ];
}

function assertAllRefused(replies: [string, Reply][]): void {
  for (const [route, reply] of replies) {
    assert.equal(reply.status, 401, route);
    assert.equal(reply.headers.get('www-authenticate'), 'Bearer error="invalid_token"', route);
  }
}

for (const kind of databaseKinds()) {
  describe(`ended sessions on ${kind}`, () => {
    const fixture = serveFreshDatabase(kind, { LOGIN_MAX_ATTEMPTS: '1000' });

    it("after 'sign out everywhere', an old access token can neither list nor revoke the new sessions", async () => {
      const api = fixture.api;
      const stolen = await api.signedIn('victim');
      const device = (await api.login('victim', PASSWORD)).body;
      const everywhere = await api.request('DELETE', '/user/sessions', {
        token: device.access_token,
      });
      assert.equal(everywhere.status, 204);
      const fresh = (await api.login('victim', PASSWORD)).body;

      assertAllRefused(
        await manageSessions(fixture, stolen.access_token, sessionIdOf(fresh.access_token)),
      );

      assert.equal((await api.refresh(fresh.refresh_token)).status, 200);
      const listed = await api.get<{ id: string }[]>('/user/sessions', fresh.access_token);
      assert.equal(listed.status, 200);
      assert.deepEqual(
        listed.body.map((s) => s.id),
        [sessionIdOf(fresh.access_token)],
      );
    });

    it('a session ended by logout or from another device cannot manage sessions', async () => {
      const api = fixture.api;
      const loggedOut = await api.signedIn('ender');
      const revoked = (await api.login('ender', PASSWORD)).body;
      const keeper = (await api.login('ender', PASSWORD)).body;
      assert.equal(
        (await api.request('POST', '/user/logout', { token: loggedOut.access_token })).status,
        204,
      );
      assert.equal(
        (
          await api.request('DELETE', `/user/sessions/${sessionIdOf(revoked.access_token)}`, {
            token: keeper.access_token,
          })
        ).status,
        204,
      );
      assertAllRefused(
        await manageSessions(fixture, loggedOut.access_token, sessionIdOf(keeper.access_token)),
      );
      assertAllRefused(
        await manageSessions(fixture, revoked.access_token, sessionIdOf(keeper.access_token)),
      );
      assert.equal((await api.refresh(keeper.refresh_token)).status, 200);
    });

    it('a session past its inactivity window cannot manage sessions', async () => {
      const pair = await fixture.api.signedIn('idler');
      await fixture.db.query('UPDATE sessions SET expires_at = ? WHERE id = ?', [
        Date.now() - 1000,
        sessionIdOf(pair.access_token),
      ]);
      assertAllRefused(
        await manageSessions(fixture, pair.access_token, sessionIdOf(pair.access_token)),
      );
    });

    it('SESSION_MAX_AGE is 30 days by default: an older session neither refreshes nor manages sessions', async () => {
      const old = await fixture.api.signedIn('veteran');
      const young = (await fixture.api.login('veteran', PASSWORD)).body;
      await fixture.db.query('UPDATE sessions SET created_at = ? WHERE id = ?', [
        Date.now() - 31 * DAY,
        sessionIdOf(old.access_token),
      ]);
      await fixture.db.query('UPDATE sessions SET created_at = ? WHERE id = ?', [
        Date.now() - 29 * DAY,
        sessionIdOf(young.access_token),
      ]);
      assert.equal((await fixture.api.refresh(old.refresh_token)).status, 401);
      assertAllRefused(
        await manageSessions(fixture, old.access_token, sessionIdOf(young.access_token)),
      );
      assert.equal((await fixture.api.refresh(young.refresh_token)).status, 200);
    });

    it('a session revoked as theft is kept 30 days as evidence; other ended sessions 1 day', async () => {
      const pairs = await Promise.all(
        ['reused-recent', 'reused-old', 'logout-recent', 'expired-recent'].map(async (name) => [
          name,
          sessionIdOf((await fixture.api.signedIn(name)).access_token),
        ]),
      );
      const sid = Object.fromEntries(pairs) as Record<string, string>;
      const now = Date.now();
      const end = (id: string, revokedAt: number | null, reason: string | null, expiresAt = now) =>
        fixture.db.query(
          'UPDATE sessions SET revoked_at = ?, revoke_reason = ?, expires_at = ? WHERE id = ?',
          [revokedAt, reason, expiresAt, id],
        );
      await end(sid['reused-recent'], now - 29 * DAY, 'reuse', now - 20 * DAY);
      await end(sid['reused-old'], now - 31 * DAY, 'reuse', now - 25 * DAY);
      await end(sid['logout-recent'], now - 2 * DAY, 'logout');
      await end(sid['expired-recent'], null, null, now - 2 * DAY);

      await fixture.server.app.get(SessionsService).deleteOldEnded(now);

      const left = await fixture.db.query<{ id: string }>('SELECT id FROM sessions');
      const kept = new Set(left.map((row) => row.id));
      assert.ok(kept.has(sid['reused-recent']), 'a 29-day-old theft is kept');
      assert.ok(!kept.has(sid['reused-old']), 'a 31-day-old theft is gone');
      assert.ok(!kept.has(sid['logout-recent']));
      assert.ok(!kept.has(sid['expired-recent']));
    });
  });

  describe(`SESSION_MAX_AGE=off on ${kind}`, () => {
    const fixture = serveFreshDatabase(kind, { SESSION_MAX_AGE: 'off' });

    it('a session of any age refreshes as long as it is used', async () => {
      const old = await fixture.api.signedIn('ancient');
      await fixture.db.query('UPDATE sessions SET created_at = ? WHERE id = ?', [
        Date.now() - 400 * DAY,
        sessionIdOf(old.access_token),
      ]);
      const refreshed = await fixture.api.refresh(old.refresh_token);
      assert.equal(refreshed.status, 200);
      assert.ok(refreshed.body.refresh_expires_in > 6 * 86400);
      assert.equal((await fixture.api.get('/user/sessions', old.access_token)).status, 200);
    });
  });
}
