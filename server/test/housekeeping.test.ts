import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sessionIdOf } from '@seamless/testing';
import { SessionsService } from '../src/sessions/sessions.service';
import { databaseKinds } from './support/databases';
import { serveFreshDatabase } from './support/server';

const HOUR = 60 * 60 * 1000;

for (const kind of databaseKinds()) {
  describe(`session housekeeping on ${kind}`, () => {
    const fixture = serveFreshDatabase(kind);

    it('deletes the sessions nobody can refresh any more, counts them, and keeps the rest', async () => {
      const live = await fixture.api.signedIn('kept');
      const loggedOut = (await fixture.api.login('kept', 'correct horse battery')).body;
      const endedLately = (await fixture.api.login('kept', 'correct horse battery')).body;
      const idle = (await fixture.api.login('kept', 'correct horse battery')).body;
      for (const pair of [loggedOut, endedLately]) {
        const reply = await fixture.api.request('POST', '/user/logout', {
          token: pair.access_token,
        });
        assert.equal(reply.status, 204);
      }
      const now = Date.now();
      // Ended two days ago, ended just now, and idle past its inactivity window two days ago.
      await fixture.db.query('UPDATE sessions SET revoked_at = ? WHERE id = ?', [
        now - 48 * HOUR,
        sessionIdOf(loggedOut.access_token),
      ]);
      await fixture.db.query('UPDATE sessions SET expires_at = ? WHERE id = ?', [
        now - 48 * HOUR,
        sessionIdOf(idle.access_token),
      ]);

      const sessions = fixture.server.app.get(SessionsService);
      assert.equal(await sessions.deleteOldEnded(now), 2);

      const left = await fixture.db.query<{ id: string }>('SELECT id FROM sessions ORDER BY id');
      assert.deepEqual(
        left.map((row) => row.id).sort(),
        [sessionIdOf(live.access_token), sessionIdOf(endedLately.access_token)].sort(),
      );
      assert.equal((await fixture.api.refresh(live.refresh_token)).status, 200);
      assert.equal(await sessions.deleteOldEnded(now), 0, 'nothing left to delete');
    });
  });
}
