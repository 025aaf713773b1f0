import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeJwtPart, sessionIdOf, type TokenPair } from '@seamless/testing';
import { databaseKinds } from './support/databases';
import type { SessionView } from '../src/sessions/sessions.service';
import { serveFreshDatabase } from './support/server';

type ErrorBody = { statusCode: number; message: string; error: string };

for (const kind of databaseKinds()) {
  describe(`HTTP API on ${kind}`, () => {
    const fixture = serveFreshDatabase(kind, { LOGIN_MAX_ATTEMPTS: '3', LOGIN_WINDOW: '1m' });

    describe("the tutorial's flow", () => {
      it('serves /aaa to anyone', async () => {
        const reply = await fixture.api.get('/aaa');
        assert.equal(reply.status, 200);
        assert.equal(reply.text, 'aaa');
      });

      it('refuses /bbb without a token, saying Bearer', async () => {
        const reply = await fixture.api.get<ErrorBody>('/bbb');
        assert.equal(reply.status, 401);
        assert.equal(reply.headers.get('www-authenticate'), 'Bearer');
        assert.deepEqual(Object.keys(reply.body).sort(), ['error', 'message', 'statusCode']);
      });

      it('logs the demo user in and serves /bbb with the access token', async () => {
        const login = await fixture.api.login('guang', '123456');
        assert.equal(login.status, 200);
        assert.equal(login.body.token_type, 'Bearer');
        assert.equal(login.body.expires_in, 1800);
        assert.ok(login.body.refresh_expires_in > 604000);
        const bbb = await fixture.api.get('/bbb', login.body.access_token);
        assert.equal(bbb.status, 200);
        assert.equal(bbb.text, 'bbb');
      });

      it('keeps the GET /user/refresh?refresh_token= route, returning a new pair', async () => {
        const login = await fixture.api.login('guang', '123456');
        const reply = await fixture.api.get<TokenPair>(
          `/user/refresh?refresh_token=${encodeURIComponent(login.body.refresh_token)}`,
        );
        assert.equal(reply.status, 200);
        assert.notEqual(reply.body.refresh_token, login.body.refresh_token);
        assert.equal((await fixture.api.get('/bbb', reply.body.access_token)).text, 'bbb');
      });

      it('answers cross-origin requests (CORS is on outside production)', async () => {
        const reply = await fixture.api.request('GET', '/aaa', {
          headers: { origin: 'http://localhost:5173' },
        });
        assert.equal(reply.headers.get('access-control-allow-origin'), 'http://localhost:5173');
        assert.match(reply.headers.get('access-control-expose-headers') ?? '', /www-authenticate/i);
        const preflight = await fixture.api.request('OPTIONS', '/bbb', {
          headers: {
            origin: 'http://localhost:5173',
            'access-control-request-method': 'GET',
            'access-control-request-headers': 'authorization',
          },
        });
        assert.equal(preflight.status, 204);
        assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/i);
      });
    });

    describe('register', () => {
      it('creates a user and answers 201 {id, username} without any hash', async () => {
        const reply = await fixture.api.post<Record<string, unknown>>('/user/register', {
          username: 'alice',
          password: 'correct horse battery',
        });
        assert.equal(reply.status, 201);
        assert.deepEqual(Object.keys(reply.body).sort(), ['id', 'username']);
        assert.equal(reply.body.username, 'alice');
        assert.doesNotMatch(reply.text, /argon2/);
      });

      it('answers 409 for a taken username, whatever its case', async () => {
        await fixture.api.register('bob.smith');
        for (const username of ['bob.smith', 'Bob.Smith']) {
          const reply = await fixture.api.post<ErrorBody>('/user/register', {
            username,
            password: 'another password',
          });
          assert.equal(reply.status, 409);
          assert.equal(reply.body.message, 'Username is already taken');
        }
      });

      it('answers 400 naming the field for a bad username or password', async () => {
        const cases: [unknown, RegExp][] = [
          [{ username: 'ab', password: 'long enough pw' }, /username/],
          [{ username: 'white space', password: 'long enough pw' }, /username/],
          [{ username: 'x'.repeat(51), password: 'long enough pw' }, /username/],
          [{ username: 'carol', password: 'short' }, /password/],
          [{ username: 'carol', password: 'p'.repeat(129) }, /password/],
          [{ username: 'carol' }, /password/],
          [{ username: 'carol', password: 12345678 }, /password/],
          [{ username: 'carol', password: 'long enough pw', admin: true }, /admin/],
        ];
        for (const [body, field] of cases) {
          const reply = await fixture.api.post<ErrorBody>('/user/register', body);
          assert.equal(reply.status, 400, JSON.stringify(body));
          assert.match(reply.body.message, field);
        }
      });
    });

    describe('login', () => {
      it('gives one 401 message to an unknown user and a wrong password alike', async () => {
        await fixture.api.register('dave');
        const unknown = await fixture.api.login('nobody-here', 'whatever it is');
        const wrong = await fixture.api.login('dave', 'not the password');
        assert.equal(unknown.status, 401);
        assert.equal(wrong.status, 401);
        assert.deepEqual(unknown.body, wrong.body);
        assert.equal(
          (unknown.body as unknown as ErrorBody).message,
          'Invalid username or password',
        );
      });

      it('answers 400 for a malformed body and 413 for an oversized one', async () => {
        assert.equal((await fixture.api.post('/user/login', { username: 'guang' })).status, 400);
        assert.equal((await fixture.api.post('/user/login', ['guang', '123456'])).status, 400);
        assert.equal(
          (await fixture.api.post('/user/login', { username: {}, password: 'x' })).status,
          400,
        );
        const broken = await fixture.api.request('POST', '/user/login', {
          rawBody: '{"username":',
          headers: { 'content-type': 'application/json' },
        });
        assert.equal(broken.status, 400);
        const huge = await fixture.api.post('/user/login', {
          username: 'guang',
          password: 'x'.repeat(100_000),
        });
        assert.equal(huge.status, 413);
      });

      it('answers 400 naming refresh_token when refresh or logout gets one that is not a string, null included', async () => {
        for (const path of ['/user/refresh', '/user/logout']) {
          for (const value of [null, 42, [], {}, '']) {
            const answer = await fixture.api.post<ErrorBody>(path, { refresh_token: value });
            assert.equal(answer.status, 400, `${path} with ${JSON.stringify(value)}`);
            assert.match(String(answer.body.message), /refresh_token/);
          }
        }
      });

      it('locks out a (username, IP) after LOGIN_MAX_ATTEMPTS failures with 429 and Retry-After', async () => {
        await fixture.api.register('erin');
        for (let attempt = 0; attempt < 3; attempt++) {
          assert.equal((await fixture.api.login('erin', 'wrong password')).status, 401);
        }
        const locked = await fixture.api.login('erin', 'correct horse battery');
        assert.equal(locked.status, 429);
        const retryAfter = Number(locked.headers.get('retry-after'));
        assert.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After ${retryAfter}`);
        // Another account from the same address is not affected.
        assert.equal((await fixture.api.login('guang', '123456')).status, 200);
      });

      it('records the device and address of each session', async () => {
        const pair = await fixture.api.signedIn('frank');
        await fixture.api.login('frank', 'correct horse battery', { 'user-agent': 'Phone/1.0' });
        const sessions = await fixture.api.get<SessionView[]>('/user/sessions', pair.access_token);
        assert.equal(sessions.status, 200);
        assert.equal(sessions.body.length, 2);
        const current = sessions.body.filter((s) => s.current);
        assert.equal(current.length, 1);
        assert.equal(current[0].id, sessionIdOf(pair.access_token));
        assert.ok(sessions.body.some((s) => s.userAgent === 'Phone/1.0'));
        assert.ok(
          sessions.body.every(
            (s) => s.ip === '127.0.0.1' && !Number.isNaN(Date.parse(s.createdAt)),
          ),
        );
      });
    });

    describe('access-token routes', () => {
      it('GET /user/me answers {id, username} of the token', async () => {
        const pair = await fixture.api.signedIn('grace');
        const me = await fixture.api.get<Record<string, unknown>>('/user/me', pair.access_token);
        assert.equal(me.status, 200);
        assert.deepEqual(Object.keys(me.body).sort(), ['id', 'username']);
        assert.equal(me.body.username, 'grace');
        assert.equal((await fixture.api.get('/user/me')).status, 401);
      });

      it('POST /user/logout ends the session: 204, then its refresh token gets 401', async () => {
        const pair = await fixture.api.signedIn('heidi');
        const logout = await fixture.api.request('POST', '/user/logout', {
          token: pair.access_token,
        });
        assert.equal(logout.status, 204);
        assert.equal((await fixture.api.refresh(pair.refresh_token)).status, 401);
        assert.equal((await fixture.api.request('POST', '/user/logout')).status, 401);
      });

      it('DELETE /user/sessions/:id revokes one session; 404 for unknown or foreign ids', async () => {
        const mine = await fixture.api.signedIn('ivan');
        const other = await fixture.api.login('ivan', 'correct horse battery');
        const stranger = await fixture.api.signedIn('judy');
        const otherSid = sessionIdOf(other.body.access_token);
        const strangerSid = sessionIdOf(stranger.access_token);

        assert.equal(
          (
            await fixture.api.request('DELETE', `/user/sessions/${strangerSid}`, {
              token: mine.access_token,
            })
          ).status,
          404,
        );
        assert.equal(
          (
            await fixture.api.request('DELETE', '/user/sessions/no-such-session', {
              token: mine.access_token,
            })
          ).status,
          404,
        );
        assert.equal((await fixture.api.refresh(stranger.refresh_token)).status, 200);

        assert.equal(
          (
            await fixture.api.request('DELETE', `/user/sessions/${otherSid}`, {
              token: mine.access_token,
            })
          ).status,
          204,
        );
        assert.equal((await fixture.api.refresh(other.body.refresh_token)).status, 401);
        assert.equal((await fixture.api.refresh(mine.refresh_token)).status, 200);
        const left = await fixture.api.get<SessionView[]>('/user/sessions', mine.access_token);
        assert.deepEqual(
          left.body.map((s) => s.current),
          [true],
        );
      });

      it('DELETE /user/sessions revokes every session of the user and no one else’s', async () => {
        const a = await fixture.api.signedIn('mallory');
        const b = await fixture.api.login('mallory', 'correct horse battery');
        const someoneElse = await fixture.api.signedIn('niaj');
        assert.equal(
          (await fixture.api.request('DELETE', '/user/sessions', { token: a.access_token })).status,
          204,
        );
        assert.equal((await fixture.api.refresh(a.refresh_token)).status, 401);
        assert.equal((await fixture.api.refresh(b.body.refresh_token)).status, 401);
        assert.equal((await fixture.api.refresh(someoneElse.refresh_token)).status, 200);
        // Its access tokens are refused at once too (rule 5); another user's still work.
        assert.equal((await fixture.api.get('/bbb', a.access_token)).status, 401);
        assert.equal((await fixture.api.get('/bbb', someoneElse.access_token)).status, 200);
      });
    });

    describe('public endpoints', () => {
      it('publishes the verifying keys at /.well-known/jwks.json, never a private part', async () => {
        const reply = await fixture.api.get<{ keys: Record<string, string>[] }>(
          '/.well-known/jwks.json',
        );
        assert.equal(reply.status, 200);
        assert.ok(reply.body.keys.length >= 1);
        for (const key of reply.body.keys) {
          assert.ok(key.kid && key.alg && key.kty);
          assert.equal(key.d, undefined);
        }
        const login = await fixture.api.login('guang', '123456');
        const { kid } = decodeJwtPart(login.body.access_token, 0);
        assert.ok(reply.body.keys.some((key) => key.kid === kid));
      });

      it('GET /health answers {status: "ok"} and that revocations are current', async () => {
        const reply = await fixture.api.get('/health');
        assert.equal(reply.status, 200);
        assert.deepEqual(reply.body, { status: 'ok', revocations: 'current' });
      });

      it('describes the API at /docs', async () => {
        const reply = await fixture.api.get('/docs');
        assert.equal(reply.status, 200);
        assert.match(reply.text, /swagger/i);
        const json = await fixture.api.get<{ paths: Record<string, unknown> }>('/docs-json');
        assert.ok(json.body.paths['/user/login'] && json.body.paths['/user/refresh']);
      });

      it('sends security headers on every response', async () => {
        for (const path of ['/aaa', '/bbb', '/health']) {
          const reply = await fixture.api.get(path);
          assert.equal(reply.headers.get('x-content-type-options'), 'nosniff');
          assert.ok(reply.headers.get('content-security-policy'));
        }
      });
    });
  });
}
