import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { requireEnv, sessionIdOf } from '@seamless/testing';
import { createTestDatabase } from '../support/databases';
import type { Api } from '../support/http';
import { assertServed, deleteUserWithCli, waitUntilRefused } from '../support/revocation';
import { deployment } from './support/deployment';

const PASSWORD = 'correct horse battery';

const variants = [
  {
    name: 'with Redis (pushed; the database poll set to an hour, so Redis alone must bring it)',
    required: ['TEST_MYSQL_URL', 'TEST_REDIS_URL'],
    env: (): Record<string, string> => ({
      REDIS_URL: process.env.TEST_REDIS_URL ?? '',
      REDIS_KEY_PREFIX: `seamless-test-${randomBytes(6).toString('hex')}:`,
      REVOCATION_POLL_INTERVAL: '1h',
    }),
  },
  {
    name: 'without Redis (pulled from the database every second)',
    required: ['TEST_MYSQL_URL'],
    env: (): Record<string, string> => ({}),
  },
];

for (const variant of variants) {
  const skip = requireEnv(variant.required);

  describe(`two instances on one MariaDB ${variant.name}`, { skip }, () => {
    const deployed = deployment({
      size: 2,
      database: () => createTestDatabase('mariadb'),
      env: {
        // A second use of a rotated refresh token is theft at once.
        REFRESH_REUSE_GRACE: '0',
        LOGIN_MAX_ATTEMPTS: '1000',
        ...variant.env(),
      },
    });
    let a: Api;
    let b: Api;
    let both: Api[];
    /** Access tokens of sessions that ended, for the instance started last. */
    const ended: string[] = [];
    /** Access tokens of sessions that did not. */
    const live: string[] = [];

    before(() => {
      [a, b] = deployed.apis;
      both = [a, b];
    });

    it('logout on one: refused on both within a second; the user’s other session works on both', async (t) => {
      const pair = await a.signedIn('so_logout');
      const other = (await b.login('so_logout', PASSWORD)).body;
      await assertServed(both, pair.access_token, 'before logout');
      assert.equal(
        (await a.request('POST', '/user/logout', { token: pair.access_token })).status,
        204,
      );
      t.diagnostic(
        `refused after ${JSON.stringify(await waitUntilRefused(both, pair.access_token))} ms`,
      );
      await assertServed(both, other.access_token, 'the session that did not end');
      ended.push(pair.access_token);
      live.push(other.access_token);
    });

    it('revoking one session on one instance: refused on both; the revoking device works', async (t) => {
      const here = await b.signedIn('so_one');
      const there = (await a.login('so_one', PASSWORD)).body;
      await assertServed(both, there.access_token, 'before the revocation');
      assert.equal(
        (
          await b.request('DELETE', `/user/sessions/${sessionIdOf(there.access_token)}`, {
            token: here.access_token,
          })
        ).status,
        204,
      );
      t.diagnostic(
        `refused after ${JSON.stringify(await waitUntilRefused(both, there.access_token))} ms`,
      );
      await assertServed(both, here.access_token, 'the revoking device');
      ended.push(there.access_token);
      live.push(here.access_token);
    });

    it('signing out everywhere on one: every session refused on both, another user unaffected', async (t) => {
      const first = await a.signedIn('so_all');
      const second = (await b.login('so_all', PASSWORD)).body;
      const stranger = await b.signedIn('so_all_stranger');
      await assertServed(both, first.access_token, 'before');
      await assertServed(both, second.access_token, 'before');
      assert.equal(
        (await a.request('DELETE', '/user/sessions', { token: first.access_token })).status,
        204,
      );
      const ms = await Promise.all([
        waitUntilRefused(both, first.access_token),
        waitUntilRefused(both, second.access_token),
      ]);
      t.diagnostic(`refused after ${JSON.stringify(ms)} ms`);
      await assertServed(both, stranger.access_token, "another user's session");
      ended.push(first.access_token, second.access_token);
      live.push(stranger.access_token);
    });

    it('reuse detected on one instance: the session is refused on both', async (t) => {
      const stolen = await a.signedIn('so_reuse');
      const rotated = await b.refresh(stolen.refresh_token);
      assert.equal(rotated.status, 200);
      await assertServed(both, rotated.body.access_token, 'before the reuse');
      assert.equal((await a.refresh(stolen.refresh_token)).status, 401);
      t.diagnostic(
        `refused after ${JSON.stringify(await waitUntilRefused(both, rotated.body.access_token))} ms`,
      );
      ended.push(rotated.body.access_token);
    });

    it('deleting the user with the operator command: refused on both', async (t) => {
      const doomed = await a.signedIn('so_deleted');
      await assertServed(both, doomed.access_token, 'before the deletion');
      const cli = await deleteUserWithCli('so_deleted', deployed.env);
      assert.equal(cli.code, 0, cli.output);
      t.diagnostic(
        `refused after ${JSON.stringify(await waitUntilRefused(both, doomed.access_token))} ms`,
      );
      ended.push(doomed.access_token);
    });

    it('an instance started afterwards refuses every ended session from its first request', async () => {
      const c = await deployed.start();
      for (const token of ended) {
        const reply = await c.get('/bbb', token);
        assert.equal(reply.status, 401);
        assert.equal(reply.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
      }
      await assertServed([c], live[0], 'a session that did not end');
      for (const token of live) {
        await assertServed([a, b, c], token, 'a session that did not end');
      }
    });
  });
}
