import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeJwtPart, sessionIdOf } from '@seamless/testing';
import { createTestDatabase, databaseKinds, type TestDatabase } from './support/databases';
import { Api } from './support/http';
import { assertServed, playEnding, SESSION_ENDINGS, waitUntilRefused } from './support/revocation';
import { serveFreshDatabase, startServer } from './support/server';

const PASSWORD = 'correct horse battery';

interface Feed {
  revoked: string[];
  until: number;
}

for (const kind of databaseKinds()) {
  describe(`an ended session's access tokens are refused at once, on ${kind}`, () => {
    const fixture = serveFreshDatabase(kind, {
      // A second use of a rotated refresh token is theft at once.
      REFRESH_REUSE_GRACE: '0',
      LOGIN_MAX_ATTEMPTS: '1000',
    });

    for (const ending of SESSION_ENDINGS) {
      it(ending.name, async (t) => {
        await playEnding(t, ending, [fixture.api], {
          cliEnv: { DATABASE_URL: fixture.db.url, KEYS_FILE: fixture.server.keysFile },
          db: fixture.db,
        });
      });
    }
  });

  describe(`an instance started after a revocation, on ${kind}`, () => {
    let db: TestDatabase;
    let dir: string;
    before(async () => {
      db = await createTestDatabase(kind);
      dir = mkdtempSync(join(tmpdir(), 'seamless-restart-'));
    });
    after(async () => {
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('refuses the ended session from its first request', async () => {
      const env = { DATABASE_URL: db.url, KEYS_FILE: join(dir, 'keys.json') };
      const first = await startServer(env);
      const firstApi = new Api(first.url);
      const ended = await firstApi.signedIn('restarted');
      const kept = (await firstApi.login('restarted', PASSWORD)).body;
      await assertServed([firstApi], ended.access_token, 'before logout');
      assert.equal(
        (await firstApi.request('POST', '/user/logout', { token: ended.access_token })).status,
        204,
      );
      await first.close();

      const second = await startServer(env);
      try {
        const secondApi = new Api(second.url);
        const reply = await secondApi.get('/bbb', ended.access_token);
        assert.equal(reply.status, 401, 'the very first request');
        assert.equal(reply.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
        await assertServed([secondApi], kept.access_token, 'the session that did not end');
      } finally {
        await second.close();
      }
    });
  });

  describe(`a session that ends by age leaves no live access token, on ${kind}`, () => {
    const fixture = serveFreshDatabase(kind, {
      ACCESS_TOKEN_TTL: '30m',
      SESSION_MAX_AGE: '3s',
      REFRESH_TOKEN_TTL: '1h',
    });

    it("caps the access token's exp and expires_in at the session's end", async () => {
      const pair = await fixture.api.signedIn('aged');
      const claims = decodeJwtPart(pair.access_token, 1);
      assert.ok(pair.expires_in <= 3, `expires_in ${pair.expires_in}`);
      assert.ok(Number(claims.exp) - Number(claims.iat) <= 3);
      await assertServed([fixture.api], pair.access_token, 'while the session lasts');
      // Refused when the session ends (the wait fails after REFUSAL_TIMEOUT_MS, long before 30 minutes).
      await waitUntilRefused([fixture.api], pair.access_token);
    });
  });

  describe(`the revoked-sessions feed, on ${kind}`, () => {
    const fixture = serveFreshDatabase(kind, { ACCESS_TOKEN_TTL: '3s' });

    it('lists the ids of ended sessions, nothing else, cacheable for a second', async () => {
      const ended = await fixture.api.signedIn('feed_ended');
      const live = (await fixture.api.login('feed_ended', PASSWORD)).body;
      const before = Date.now();
      await fixture.api.request('POST', '/user/logout', { token: ended.access_token });

      const reply = await fixture.api.get<Feed>('/.well-known/revoked-sessions');
      assert.equal(reply.status, 200);
      assert.equal(reply.headers.get('cache-control'), 'public, max-age=1');
      assert.deepEqual(Object.keys(reply.body).sort(), ['revoked', 'until']);
      assert.ok(reply.body.revoked.includes(sessionIdOf(ended.access_token)));
      assert.ok(
        !reply.body.revoked.includes(sessionIdOf(live.access_token)),
        'a live session is not listed',
      );
      assert.ok(reply.body.revoked.every((id) => typeof id === 'string'));
      assert.ok(Number.isSafeInteger(reply.body.until));
      assert.ok(reply.body.until >= before - 5000 && reply.body.until <= Date.now() + 1000);

      const since = await fixture.api.get<Feed>(
        `/.well-known/revoked-sessions?since=${before - 1000}`,
      );
      assert.ok(
        since.body.revoked.includes(sessionIdOf(ended.access_token)),
        'ended at or after since',
      );
      const later = await fixture.api.get<Feed>(
        `/.well-known/revoked-sessions?since=${Date.now() + 60_000}`,
      );
      assert.deepEqual(later.body.revoked, [], 'nothing ended after since');
      const old = await fixture.api.get<Feed>('/.well-known/revoked-sessions?since=0');
      assert.ok(
        old.body.revoked.includes(sessionIdOf(ended.access_token)),
        'an old since means the whole window',
      );
    });

    it('forgets a session once ACCESS_TOKEN_TTL has passed since it ended', async () => {
      const pair = await fixture.api.signedIn('feed_window');
      await fixture.api.request('POST', '/user/logout', { token: pair.access_token });
      const listed = async () =>
        (await fixture.api.get<Feed>('/.well-known/revoked-sessions')).body.revoked.includes(
          sessionIdOf(pair.access_token),
        );
      assert.ok(await listed());
      const started = performance.now();
      while (await listed()) {
        assert.ok(performance.now() - started < 20_000, 'still listed long after the window');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    });

    it('answers 400 for a since that is not a whole non-negative number', async () => {
      for (const since of ['-1', '1.5', 'abc', '', '1e3', '0x10', '%20', '1&since=2']) {
        const reply = await fixture.api.get(`/.well-known/revoked-sessions?since=${since}`);
        assert.equal(reply.status, 400, `since=${since}`);
      }
    });

    it('is described at /docs', async () => {
      const json = await fixture.api.get<{ paths: Record<string, unknown> }>('/docs-json');
      assert.ok(json.body.paths['/.well-known/revoked-sessions']);
    });
  });
}

describe('REVOCATION_CHECK=false (only for measuring what the check costs)', () => {
  const fixture = serveFreshDatabase('sqlite', { REVOCATION_CHECK: 'false' });

  it('lets an ended session’s access token work until exp, as before, and says so', async () => {
    const pair = await fixture.api.signedIn('unchecked');
    assert.equal(
      (await fixture.api.request('POST', '/user/logout', { token: pair.access_token })).status,
      204,
    );
    assert.equal((await fixture.api.get('/bbb', pair.access_token)).status, 200);
    assert.equal((await fixture.api.refresh(pair.refresh_token)).status, 401);
    assert.deepEqual((await fixture.api.get('/health')).body, {
      status: 'ok',
      revocations: 'off',
    });
    // Other services still learn of the ended session.
    const feed = await fixture.api.get<Feed>('/.well-known/revoked-sessions');
    assert.ok(feed.body.revoked.includes(sessionIdOf(pair.access_token)));
  });
});
