import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sessionIdOf, type TokenPair } from '@seamless/testing';
import { databaseKinds } from './support/databases';
import type { Reply } from './support/http';
import { rawRequest } from './support/raw-http';
import { serveFreshDatabase } from './support/server';

type ErrorBody = { statusCode: number; message: string; error: string };

const PASSWORD = 'correct horse battery';
const NESTED_TOO_DEEPLY = 'Request body is nested too deeply';

/** A login body whose username sits inside arrays so that the whole body is `depth` levels deep. */
const loginNested = (depth: number) =>
  `{"username":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)},"password":"x"}`;

for (const kind of databaseKinds()) {
  describe(`protocol details on ${kind}`, () => {
    // No reuse grace: a refresh token used twice is theft at once, so a rotation nobody asked for shows.
    const fixture = serveFreshDatabase(kind, {
      LOGIN_MAX_ATTEMPTS: '1000',
      REFRESH_REUSE_GRACE: '0',
    });

    const sendJson = (path: string, contentType: string | undefined, body: string) =>
      rawRequest(
        fixture.server.url,
        'POST',
        path,
        contentType === undefined ? {} : { 'content-type': contentType },
        body,
      );

    describe('caching', () => {
      it('responses that carry tokens or account data say Cache-Control: no-store and Pragma: no-cache', async () => {
        const api = fixture.api;
        const replies: [string, Reply][] = [];
        replies.push([
          'register',
          await api.post('/user/register', { username: 'cached', password: PASSWORD }),
        ]);
        const login = await api.login('cached', PASSWORD);
        replies.push(['login', login]);
        const refreshed = await api.refresh(login.body.refresh_token);
        replies.push(['POST refresh', refreshed]);
        const byQuery = await api.get<TokenPair>(
          `/user/refresh?refresh_token=${encodeURIComponent(refreshed.body.refresh_token)}`,
        );
        replies.push(['GET refresh', byQuery]);
        replies.push(['me', await api.get('/user/me', byQuery.body.access_token)]);
        replies.push(['sessions', await api.get('/user/sessions', byQuery.body.access_token)]);
        for (const [name, reply] of replies) {
          assert.ok(reply.status >= 200 && reply.status < 300, `${name}: ${reply.status}`);
          assert.equal(reply.headers.get('cache-control'), 'no-store', name);
          assert.equal(reply.headers.get('pragma'), 'no-cache', name);
        }
      });
    });

    describe('HEAD', () => {
      it('HEAD /user/refresh?refresh_token= (a link prefetcher) neither rotates the token nor ends the session', async () => {
        const pair = await fixture.api.signedIn('prefetched');
        const sid = sessionIdOf(pair.access_token);
        const head = await fixture.api.request(
          'HEAD',
          `/user/refresh?refresh_token=${encodeURIComponent(pair.refresh_token)}`,
        );
        assert.equal(head.status, 405);
        assert.equal(head.headers.get('allow'), 'GET, POST');
        const [row] = await fixture.db.query<{ counter: number | string; revoked_at: unknown }>(
          'SELECT counter, revoked_at FROM sessions WHERE id = ?',
          [sid],
        );
        assert.equal(Number(row.counter), 0);
        assert.equal(row.revoked_at, null);
        // The user's own refresh, after the prefetch, is an ordinary rotation, not theft.
        assert.equal((await fixture.api.refresh(pair.refresh_token)).status, 200);
      });

      it('HEAD of the read-only routes answers like GET, without a body', async () => {
        const pair = await fixture.api.signedIn('header');
        for (const [path, token] of [
          ['/aaa', undefined],
          ['/bbb', pair.access_token],
          ['/user/sessions', pair.access_token],
          ['/health', undefined],
        ] as const) {
          const head = await fixture.api.request('HEAD', path, { token });
          assert.equal(head.status, 200, path);
          assert.equal(head.text, '', path);
        }
      });

      it('/docs marks the GET refresh route deprecated, and POST not', async () => {
        const docs = await fixture.api.get<{
          paths: Record<string, Record<string, { deprecated?: boolean }>>;
        }>('/docs-json');
        assert.equal(docs.body.paths['/user/refresh'].get.deprecated, true);
        assert.notEqual(docs.body.paths['/user/refresh'].post.deprecated, true);
      });
    });

    describe('media types', () => {
      const credentials = JSON.stringify({ username: 'mediatype', password: PASSWORD });

      it('refuses every body that is not application/json with 415, whatever it contains', async () => {
        await fixture.api.register('mediatype');
        const refused = [
          'application/x-www-form-urlencoded',
          'text/plain',
          'text/plain; charset=utf-8',
          'multipart/form-data; boundary=x',
          'application/json-patch',
          'application/json-patch+json',
          'application/merge-patch+json',
          'application/jsonx',
          'text/json',
          'application/json; charset=utf-16',
          'application/json; charset=iso-8859-1',
          'application/json; charset=utf-8; charset=utf-16',
        ];
        for (const type of refused) {
          const reply = await sendJson('/user/login', type, credentials);
          assert.equal(reply.status, 415, type);
          assert.deepEqual(JSON.parse(reply.text), {
            statusCode: 415,
            message: 'Request bodies must be application/json',
            error: 'Unsupported Media Type',
          });
        }
        const form = await sendJson(
          '/user/login',
          'application/x-www-form-urlencoded',
          `username=mediatype&password=${encodeURIComponent(PASSWORD)}`,
        );
        assert.equal(form.status, 415);
        assert.equal((await sendJson('/user/login', undefined, credentials)).status, 415);
      });

      it('a cross-site form can neither register an account nor refresh a token', async () => {
        const register = await sendJson(
          '/user/register',
          'application/x-www-form-urlencoded',
          'username=formmade&password=correct+horse+battery',
        );
        assert.equal(register.status, 415);
        const pair = await fixture.api.signedIn('formrefresh');
        const refresh = await sendJson(
          '/user/refresh',
          'application/x-www-form-urlencoded',
          `refresh_token=${pair.refresh_token}`,
        );
        assert.equal(refresh.status, 415);
        assert.equal((await fixture.api.refresh(pair.refresh_token)).status, 200);
        // The form's account was never created.
        assert.equal(
          (await fixture.api.post('/user/register', { username: 'formmade', password: PASSWORD }))
            .status,
          201,
        );
      });

      it('accepts application/json in any letter case, with or without charset=utf-8', async () => {
        for (const type of [
          'application/json',
          'APPLICATION/JSON',
          'application/json; charset=utf-8',
          'application/json;charset="UTF-8"',
          'Application/Json ; Charset=UTF-8',
        ]) {
          assert.equal((await sendJson('/user/login', type, credentials)).status, 200, type);
        }
        // A POST without a body needs no Content-Type.
        const pair = await fixture.api.login('mediatype', PASSWORD);
        const logout = await fixture.api.request('POST', '/user/logout', {
          token: pair.body.access_token,
        });
        assert.equal(logout.status, 204);
      });
    });

    describe('WWW-Authenticate and Authorization', () => {
      it('every 401 carries a WWW-Authenticate challenge', async () => {
        const pair = await fixture.api.signedIn('challenged');
        const cases: [string, Reply, string][] = [
          ['wrong password', await fixture.api.login('challenged', 'not the password'), 'Password'],
          [
            'unknown user',
            await fixture.api.login('nobody-at-all', 'not the password'),
            'Password',
          ],
          [
            'POST refresh',
            await fixture.api.refresh('not-a-refresh-token'),
            'RefreshToken error="invalid_grant"',
          ],
          [
            'GET refresh',
            await fixture.api.get('/user/refresh?refresh_token=not-a-refresh-token'),
            'RefreshToken error="invalid_grant"',
          ],
          ['no token', await fixture.api.get('/bbb'), 'Bearer'],
          [
            'bad token',
            await fixture.api.get('/user/me', `${pair.access_token}x`),
            'Bearer error="invalid_token"',
          ],
          ['logout without token', await fixture.api.request('POST', '/user/logout'), 'Bearer'],
        ];
        for (const [name, reply, challenge] of cases) {
          assert.equal(reply.status, 401, name);
          assert.equal(reply.headers.get('www-authenticate'), challenge, name);
        }
      });

      it('two Authorization headers in one request: 400 invalid_request, on any route', async () => {
        const pair = await fixture.api.signedIn('twoheaders');
        const good = `Bearer ${pair.access_token}`;
        const forged = `Bearer ${pair.access_token.slice(0, -4)}AAAA`;
        for (const [method, path] of [
          ['GET', '/bbb'],
          ['GET', '/user/me'],
          ['GET', '/user/sessions'],
          ['DELETE', '/user/sessions'],
          ['GET', '/aaa'],
        ]) {
          for (const headers of [
            [good, good],
            [good, forged],
            [forged, good],
          ]) {
            const reply = await rawRequest(fixture.server.url, method, path, {
              authorization: headers,
            });
            assert.equal(reply.status, 400, `${method} ${path}`);
            assert.equal(reply.headers['www-authenticate'], 'Bearer error="invalid_request"');
            const body = JSON.parse(reply.text) as ErrorBody;
            assert.equal(body.statusCode, 400);
            assert.equal(body.error, 'Bad Request');
          }
        }
        const login = await rawRequest(
          fixture.server.url,
          'POST',
          '/user/login',
          { authorization: [good, good], 'content-type': 'application/json' },
          JSON.stringify({ username: 'twoheaders', password: PASSWORD }),
        );
        assert.equal(login.status, 400);
        // Nothing above signed the user out.
        assert.equal((await fixture.api.get('/bbb', pair.access_token)).status, 200);
        assert.equal(
          (await rawRequest(fixture.server.url, 'GET', '/bbb', { authorization: good })).status,
          200,
        );
      });
    });

    describe('nested JSON', () => {
      it('refuses a body nested deeper than 32 levels with 400 before validation', async () => {
        for (const path of ['/user/login', '/user/register', '/user/refresh']) {
          const deep = await sendJson(path, 'application/json', loginNested(33));
          assert.equal(deep.status, 400, path);
          assert.equal((JSON.parse(deep.text) as ErrorBody).message, NESTED_TOO_DEEPLY, path);
          const objects = `{"a":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`;
          const deepObjects = await sendJson(path, 'application/json', objects);
          assert.equal((JSON.parse(deepObjects.text) as ErrorBody).message, NESTED_TOO_DEEPLY);
        }
        // 32 levels are parsed and reach validation, which names the field.
        const shallow = await sendJson('/user/login', 'application/json', loginNested(32));
        assert.equal(shallow.status, 400);
        assert.match((JSON.parse(shallow.text) as ErrorBody).message, /username/);
      });

      it('counts brackets of the structure only, not inside strings', async () => {
        await fixture.api.register('brackets', '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{{{{\\"');
        const reply = await fixture.api.login(
          'brackets',
          '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{{{{\\"',
        );
        assert.equal(reply.status, 200);
        const escaped = await sendJson(
          '/user/login',
          'application/json',
          `{"username":"brackets","password":"\\"${'['.repeat(40)}"}`,
        );
        assert.equal(escaped.status, 401);
        // An escaped backslash ends the string: the brackets after it are structure.
        const afterBackslash = await sendJson(
          '/user/login',
          'application/json',
          `{"username":"brackets\\\\","password":${'['.repeat(40)}${']'.repeat(40)}}`,
        );
        assert.equal((JSON.parse(afterBackslash.text) as ErrorBody).message, NESTED_TOO_DEEPLY);
      });
    });
  });
}
