import { type TokenPair } from '@seamless/testing';
// POST /user/logout with the session's refresh token instead of a live access token:
// a client whose access token has expired signs out without refreshing first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { databaseKinds } from './support/databases';
import { serveFreshDatabase } from './support/server';

for (const kind of databaseKinds()) {
  describe(`logout by refresh token on ${kind}`, () => {
    const fixture = serveFreshDatabase(kind);

    const logoutWith = (json: unknown) => fixture.api.request('POST', '/user/logout', { json });

    it('ends the session with its current refresh token: 204, then the token gets 401', async () => {
      const pair = await fixture.api.signedIn('alice');

      const logout = await logoutWith({ refresh_token: pair.refresh_token });

      assert.equal(logout.status, 204);
      assert.equal((await fixture.api.refresh(pair.refresh_token)).status, 401);
    });

    it('ends the session with a token it has already rotated, so its newest token dies too', async () => {
      const first = await fixture.api.signedIn('bob');
      const second = (await fixture.api.refresh(first.refresh_token)).body;
      const third = (await fixture.api.refresh(second.refresh_token)).body;

      const logout = await logoutWith({ refresh_token: first.refresh_token });

      assert.equal(logout.status, 204);
      assert.equal((await fixture.api.refresh(third.refresh_token)).status, 401);
    });

    it('ends only that session: the same user signed in elsewhere stays signed in', async () => {
      const here = await fixture.api.signedIn('carol');
      const elsewhere = (await fixture.api.login('carol', 'correct horse battery')).body;

      assert.equal((await logoutWith({ refresh_token: here.refresh_token })).status, 204);

      const refreshed = await fixture.api.refresh(elsewhere.refresh_token);
      assert.equal(refreshed.status, 200);
    });

    it('answers 204 again for a session that has already ended', async () => {
      const pair = await fixture.api.signedIn('dave');
      assert.equal((await logoutWith({ refresh_token: pair.refresh_token })).status, 204);
      assert.equal((await logoutWith({ refresh_token: pair.refresh_token })).status, 204);
    });

    it('refuses a token this server did not issue with 401, ending nothing', async () => {
      const pair = await fixture.api.signedIn('erin');
      const forged = `${pair.refresh_token.slice(0, -4)}AAAA`;

      const logout = await logoutWith({ refresh_token: forged });

      assert.equal(logout.status, 401);
      assert.doesNotMatch(logout.text, new RegExp(pair.refresh_token.slice(0, 20)));
      assert.equal((await fixture.api.refresh(pair.refresh_token)).status, 200);
    });

    it('answers 400 for a body that is not a refresh token, and 401 for no credential at all', async () => {
      for (const json of [
        { refresh_token: 42 },
        { refresh_token: '' },
        { refresh_token: 'x', more: 1 },
      ]) {
        assert.equal((await logoutWith(json)).status, 400, JSON.stringify(json));
      }
      const bare = await fixture.api.request('POST', '/user/logout');
      assert.equal(bare.status, 401);
      assert.equal(bare.headers.get('www-authenticate'), 'Bearer');
      assert.equal((await logoutWith({})).status, 401);
    });

    it('still ends the session of a Bearer access token, as before', async () => {
      const pair: TokenPair = await fixture.api.signedIn('frank');
      const logout = await fixture.api.request('POST', '/user/logout', {
        token: pair.access_token,
      });
      assert.equal(logout.status, 204);
      assert.equal((await fixture.api.refresh(pair.refresh_token)).status, 401);
    });
  });
}
