import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sessionIdOf, sleep, type TokenPair } from '@seamless/testing';
import { databaseKinds } from './support/databases';
import { serveFreshDatabase } from './support/server';

const GRACE_MS = 1500;

for (const kind of databaseKinds()) {
  describe(`refresh-token rotation on ${kind}`, () => {
    const fixture = serveFreshDatabase(kind, { REFRESH_REUSE_GRACE: '1s' });

    it('rule 1: every refresh returns a new refresh token and a working access token', async () => {
      const first = await fixture.api.signedIn('rot1');
      const second = await fixture.api.refresh(first.refresh_token);
      assert.equal(second.status, 200);
      assert.notEqual(second.body.refresh_token, first.refresh_token);
      assert.equal((await fixture.api.get('/bbb', second.body.access_token)).status, 200);
      const third = await fixture.api.refresh(second.body.refresh_token);
      assert.equal(third.status, 200);
      assert.notEqual(third.body.refresh_token, second.body.refresh_token);
    });

    it('rule 2: a rotated token inside the grace gets the current token, even after further rotations', async () => {
      const t0 = await fixture.api.signedIn('rot2');
      const t1 = (await fixture.api.refresh(t0.refresh_token)).body;
      const t2 = (await fixture.api.refresh(t1.refresh_token)).body;
      const again = await fixture.api.refresh(t0.refresh_token);
      assert.equal(again.status, 200);
      assert.equal(again.body.refresh_token, t2.refresh_token);
      assert.equal((await fixture.api.get('/bbb', again.body.access_token)).status, 200);
      // Nobody was logged out: the current token still rotates.
      assert.equal((await fixture.api.refresh(t2.refresh_token)).status, 200);
    });

    it('rule 3: a rotated token after the grace is theft: 401 and the newest token dies too', async () => {
      const t0 = await fixture.api.signedIn('rot3');
      const t1 = (await fixture.api.refresh(t0.refresh_token)).body;
      await sleep(GRACE_MS);
      assert.equal((await fixture.api.refresh(t0.refresh_token)).status, 401);
      assert.equal((await fixture.api.refresh(t1.refresh_token)).status, 401);
      const [row] = await fixture.db.query<{ revoke_reason: string }>(
        'SELECT revoke_reason FROM sessions WHERE id = ?',
        [sessionIdOf(t0.access_token)],
      );
      assert.equal(row.revoke_reason, 'reuse');
    });

    it('rule 4: 25 concurrent refreshes of one token all succeed with the same new token; no fork', async () => {
      const t0 = await fixture.api.signedIn('rot4');
      const replies = await Promise.all(
        Array.from({ length: 25 }, () => fixture.api.refresh(t0.refresh_token)),
      );
      assert.deepEqual(
        replies.map((r) => r.status),
        replies.map(() => 200),
      );
      const tokens = new Set(replies.map((r) => r.body.refresh_token));
      assert.equal(tokens.size, 1);
      const [next] = tokens;
      assert.notEqual(next, t0.refresh_token);
      const [row] = await fixture.db.query<{ counter: number }>(
        'SELECT counter FROM sessions WHERE id = ?',
        [sessionIdOf(t0.access_token)],
      );
      assert.equal(Number(row.counter), 1);
      assert.equal((await fixture.api.refresh(next)).status, 200);
    });

    it('rule 5: deleting the user ends their sessions', async () => {
      const pair = await fixture.api.signedIn('rot5');
      await fixture.db.query('DELETE FROM users WHERE username = ?', ['rot5']);
      assert.equal((await fixture.api.refresh(pair.refresh_token)).status, 401);
    });

    it('rule 6: the database holds no usable refresh token and only argon2id hashes', async () => {
      const pair = await fixture.api.signedIn('rot6', 'my secret password');
      const sessions = await fixture.db.query('SELECT * FROM sessions');
      const dump = JSON.stringify(sessions);
      assert.ok(!dump.includes(pair.refresh_token));
      assert.ok(!dump.includes(pair.refresh_token.slice(20, 60)));
      const [user] = await fixture.db.query<{ password_hash: string }>(
        'SELECT password_hash FROM users WHERE username = ?',
        ['rot6'],
      );
      assert.match(user.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      assert.ok(
        !JSON.stringify(await fixture.db.query('SELECT * FROM users')).includes(
          'my secret password',
        ),
      );
    });

    it('refuses forged, truncated and foreign refresh tokens with 401, malformed bodies with 400', async () => {
      const pair = await fixture.api.signedIn('rot7');
      const t = pair.refresh_token;
      const flipped = t.slice(0, -2) + (t.at(-2) === 'A' ? 'B' : 'A') + t.at(-1);
      for (const token of [
        flipped,
        t.slice(0, -1),
        `${t}A`,
        'x',
        'not-a-token',
        pair.access_token,
      ]) {
        assert.equal((await fixture.api.refresh(token)).status, 401, token);
      }
      assert.equal((await fixture.api.post('/user/refresh', {})).status, 400);
      assert.equal((await fixture.api.post('/user/refresh', { refresh_token: 42 })).status, 400);
      assert.equal((await fixture.api.get('/user/refresh')).status, 400);
      assert.equal((await fixture.api.refresh(t)).status, 200);
    });
  });

  describe(`session lifetimes on ${kind}`, () => {
    const fixture = serveFreshDatabase(kind, {
      REFRESH_TOKEN_TTL: '2s',
      SESSION_MAX_AGE: '4s',
      REFRESH_REUSE_GRACE: '0',
      ACCESS_TOKEN_TTL: '1s',
    });

    it('REFRESH_TOKEN_TTL is an inactivity window: using the token in time keeps the session', async () => {
      const idle = await fixture.api.signedIn('idle');
      let active: TokenPair = await fixture.api.signedIn('active');
      for (let i = 0; i < 2; i++) {
        await sleep(1200);
        const reply = await fixture.api.refresh(active.refresh_token);
        assert.equal(reply.status, 200);
        active = reply.body;
      }
      assert.equal((await fixture.api.refresh(idle.refresh_token)).status, 401);
    });

    it('SESSION_MAX_AGE ends a session however often it refreshes, and caps refresh_expires_in', async () => {
      let pair = await fixture.api.signedIn('capped');
      const started = Date.now();
      let last = 200;
      while (Date.now() - started < 5000) {
        await sleep(700);
        const reply = await fixture.api.refresh(pair.refresh_token);
        last = reply.status;
        if (last !== 200) {
          break;
        }
        assert.ok(reply.body.refresh_expires_in <= 4);
        pair = reply.body;
      }
      assert.equal(last, 401);
      assert.ok(Date.now() - started >= 3500);
    });

    it('REFRESH_REUSE_GRACE=0 turns the grace off: a second use is theft at once', async () => {
      const t0 = await fixture.api.signedIn('nograce');
      const t1 = await fixture.api.refresh(t0.refresh_token);
      assert.equal(t1.status, 200);
      assert.equal((await fixture.api.refresh(t0.refresh_token)).status, 401);
      assert.equal((await fixture.api.refresh(t1.body.refresh_token)).status, 401);
    });

    it('an access token stops working at its exp', async () => {
      const pair = await fixture.api.signedIn('shortlived');
      assert.equal((await fixture.api.get('/bbb', pair.access_token)).status, 200);
      await sleep(2100);
      const reply = await fixture.api.get('/bbb', pair.access_token);
      assert.equal(reply.status, 401);
      assert.equal(reply.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
    });
  });
}
