import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { requireEnv } from '@seamless/testing';
import { createTestDatabase } from '../support/databases';
import type { Api } from '../support/http';
import { assertServed, playEnding, SESSION_ENDINGS } from '../support/revocation';
import { deployment } from './support/deployment';

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

    for (const ending of SESSION_ENDINGS) {
      it(`${ending.name} (ended on one instance, refused on both)`, async (t) => {
        const outcome = await playEnding(t, ending, both, {
          cliEnv: deployed.env,
          db: deployed.db,
        });
        ended.push(...outcome.ended);
        live.push(...outcome.live);
      });
    }

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
