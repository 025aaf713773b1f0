import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionsService } from '../src/sessions/sessions.service';
import { databaseKinds } from './support/databases';
import { decodeJwtPart, type TokenPair } from './support/http';
import { serveFreshDatabase } from './support/server';

const HOUR = 60 * 60 * 1000;

for (const kind of databaseKinds()) {
  describe(`session housekeeping on ${kind}`, () => {
    const fixture = serveFreshDatabase(kind);
    const sid = (pair: TokenPair) => String(decodeJwtPart(pair.access_token, 1).sid);

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
        sid(loggedOut),
      ]);
      await fixture.db.query('UPDATE sessions SET expires_at = ? WHERE id = ?', [
        now - 48 * HOUR,
        sid(idle),
      ]);

      const sessions = fixture.server.app.get(SessionsService);
      assert.equal(await sessions.deleteOldEnded(now), 2);

      const left = await fixture.db.query<{ id: string }>('SELECT id FROM sessions ORDER BY id');
      assert.deepEqual(left.map((row) => row.id).sort(), [sid(live), sid(endedLately)].sort());
      assert.equal((await fixture.api.refresh(live.refresh_token)).status, 200);
      assert.equal(await sessions.deleteOldEnded(now), 0, 'nothing left to delete');
    });
  });
}
