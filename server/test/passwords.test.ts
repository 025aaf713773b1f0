import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { databaseKinds } from './support/databases';
import { loginLimit, RIGHT } from './support/limits';
import { serveFreshDatabase } from './support/server';

type ErrorBody = { statusCode: number; message: string; error: string };

for (const kind of databaseKinds()) {
  describe(`passwords on ${kind}`, () => {
    describe('the policy at registration', () => {
      const fixture = serveFreshDatabase(kind);
      const register = (username: string, password: string) =>
        fixture.api.post<ErrorBody>('/user/register', { username, password });

      it('refuses common and breached passwords, naming the rule', async () => {
        for (const password of ['12345678', 'password', 'qwertyuiop', 'PassWord', 'iloveyou1']) {
          const reply = await register('weakling', password);
          assert.equal(reply.status, 400, password);
          assert.match(reply.body.message, /common/, password);
        }
      });

      it('refuses a password of one repeated character, eight spaces included', async () => {
        for (const password of [' '.repeat(8), 'a'.repeat(12), '9'.repeat(20)]) {
          const reply = await register('weakling', password);
          assert.equal(reply.status, 400, JSON.stringify(password));
          assert.match(reply.body.message, /repeat/);
        }
      });

      it('refuses the username as the password, whatever its case', async () => {
        for (const password of ['carol.smith', 'Carol.Smith']) {
          const reply = await register('carol.smith', password);
          assert.equal(reply.status, 400, password);
          assert.match(reply.body.message, /username/);
        }
      });

      it('counts characters, not bytes or UTF-16 units, between 8 and 128', async () => {
        const short = await register('counter', '😀'.repeat(4));
        assert.equal(short.status, 400);
        assert.match(short.body.message, /at least 8 characters/);
        const long = await register('counter', 'p'.repeat(100) + 'q'.repeat(29));
        assert.equal(long.status, 400);
        assert.match(long.body.message, /at most 128 characters/);
        assert.equal((await register('counter', '密码是长城上的月亮')).status, 201);
        assert.equal((await register('counter2', '😀🍀'.repeat(64))).status, 201);
        assert.equal((await fixture.api.login('counter2', '😀🍀'.repeat(64))).status, 200);
      });

      it('keeps the seeded demo user with its short password', async () => {
        assert.equal((await fixture.api.login('guang', '123456')).status, 200);
      });
    });

    describe('PASSWORD_MIN_LENGTH', () => {
      const fixture = serveFreshDatabase(kind, { PASSWORD_MIN_LENGTH: '15' });

      it('raises the minimum', async () => {
        const short = await fixture.api.post<ErrorBody>('/user/register', {
          username: 'nist',
          password: 'fourteen chars',
        });
        assert.equal(short.status, 400);
        assert.match(short.body.message, /at least 15 characters/);
        const enough = await fixture.api.post('/user/register', {
          username: 'nist',
          password: 'fifteen chars!!',
        });
        assert.equal(enough.status, 201);
      });
    });

    describe('POST /user/password', () => {
      const fixture = serveFreshDatabase(kind, loginLimit(3));
      const change = (token: string | undefined, body: unknown) =>
        fixture.api.request<ErrorBody>('POST', '/user/password', { token, json: body });

      it('changes the password and ends every other session of the user', async () => {
        const mine = await fixture.api.signedIn('changer', RIGHT);
        const other = await fixture.api.login('changer', RIGHT);
        const stranger = await fixture.api.signedIn('bystander', RIGHT);
        const reply = await change(mine.access_token, {
          current_password: RIGHT,
          new_password: 'a brand new passphrase',
        });
        assert.equal(reply.status, 204);
        assert.equal(reply.text, '');

        assert.equal((await fixture.api.refresh(other.body.refresh_token)).status, 401);
        assert.equal((await fixture.api.refresh(mine.refresh_token)).status, 200);
        assert.equal((await fixture.api.refresh(stranger.refresh_token)).status, 200);
        assert.equal((await fixture.api.login('changer', RIGHT)).status, 401);
        assert.equal((await fixture.api.login('changer', 'a brand new passphrase')).status, 200);
      });

      it('applies the registration policy to the new password and changes nothing on a 400', async () => {
        const pair = await fixture.api.signedIn('policed', RIGHT);
        for (const [password, rule] of [
          ['password', /common/],
          ['short', /at least 8/],
          ['policed', /at least 8/],
          ['x'.repeat(129), /at most 128/],
        ] as const) {
          const reply = await change(pair.access_token, {
            current_password: RIGHT,
            new_password: password,
          });
          assert.equal(reply.status, 400, password);
          assert.match(reply.body.message, rule, password);
        }
        const same = await fixture.api.signedIn('policed.user', RIGHT);
        const asUsername = await change(same.access_token, {
          current_password: RIGHT,
          new_password: 'Policed.User',
        });
        assert.equal(asUsername.status, 400);
        assert.match(asUsername.body.message, /username/);
        assert.equal((await fixture.api.login('policed', RIGHT)).status, 200);
      });

      it('answers 401 for a wrong current password, counted against the login limit', async () => {
        const pair = await fixture.api.signedIn('forgetful', RIGHT);
        for (let i = 0; i < 3; i++) {
          const reply = await change(pair.access_token, {
            current_password: `not it ${i}`,
            new_password: 'a brand new passphrase',
          });
          assert.equal(reply.status, 401);
          assert.doesNotMatch(reply.text, /not it/);
        }
        const locked = await change(pair.access_token, {
          current_password: RIGHT,
          new_password: 'a brand new passphrase',
        });
        assert.equal(locked.status, 429);
        assert.ok(Number(locked.headers.get('retry-after')) >= 1);
        assert.equal((await fixture.api.login('forgetful', RIGHT)).status, 429);
      });

      it('needs an access token and a well-formed body', async () => {
        const pair = await fixture.api.signedIn('formal', RIGHT);
        const body = { current_password: RIGHT, new_password: 'a brand new passphrase' };
        assert.equal((await change(undefined, body)).status, 401);
        assert.equal((await change('not.a.token', body)).status, 401);
        for (const bad of [
          { current_password: RIGHT },
          { new_password: 'a brand new passphrase' },
          { ...body, current_password: 42 },
          { ...body, extra: true },
        ]) {
          assert.equal((await change(pair.access_token, bad)).status, 400, JSON.stringify(bad));
        }
        assert.equal((await fixture.api.login('formal', RIGHT)).status, 200);
      });

      it('is described in /docs', async () => {
        const json = await fixture.api.get<{ paths: Record<string, Record<string, unknown>> }>(
          '/docs-json',
        );
        const operation = json.body.paths['/user/password']?.post as
          { responses: Record<string, unknown>; security?: unknown[] } | undefined;
        assert.ok(operation, 'POST /user/password is not in the OpenAPI document');
        for (const status of ['204', '400', '401', '429']) {
          assert.ok(operation.responses[status], `no ${status} response described`);
        }
        assert.ok(operation.security && operation.security.length > 0, 'no Bearer security');
      });
    });
  });
}
