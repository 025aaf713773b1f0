import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../src/config/config';
import { databaseKinds } from './support/databases';
import type { Api } from './support/http';
import { BURST_LIMITS, itChecksAtMostFiveOfABurst, loginLimit, RIGHT } from './support/limits';
import { runServerExpectingFailure } from './support/process';
import { serveFreshDatabase } from './support/server';

type ErrorBody = { statusCode: number; message: string; error: string };

/**
 * Fails three times as a new user, the i-th time with `headers(i)`, then tries the right
 * password with an X-Forwarded-For that claims another client; resolves with that status.
 */
async function lockOutThenForge(
  api: Api,
  username: string,
  headers: (attempt: number) => Record<string, string>,
): Promise<number> {
  await api.register(username, RIGHT);
  for (let i = 0; i < 3; i++) {
    assert.equal((await api.login(username, 'wrong password', headers(i))).status, 401);
  }
  const reply = await api.login(username, RIGHT, {
    'x-forwarded-for': '203.0.113.77, 127.0.0.1',
  });
  return reply.status;
}

for (const kind of databaseKinds()) {
  describe(`login limits on ${kind}`, () => {
    describe('a parallel burst for one (username, address)', () => {
      const fixture = serveFreshDatabase(kind, BURST_LIMITS);
      itChecksAtMostFiveOfABurst(fixture, 'burst');

      it('does not count a successful login against the limit', async () => {
        await fixture.api.register('often_back', RIGHT);
        for (let i = 0; i < 8; i++) {
          assert.equal((await fixture.api.login('often_back', RIGHT)).status, 200);
        }
        for (let i = 0; i < 5; i++) {
          assert.equal((await fixture.api.login('often_back', 'wrong password')).status, 401);
        }
        assert.equal((await fixture.api.login('often_back', RIGHT)).status, 429);
      });
    });

    describe('username spellings', () => {
      const fixture = serveFreshDatabase(kind, loginLimit(3));

      it('a locked account stays locked under every other spelling of its name', async () => {
        for (let i = 0; i < 3; i++) {
          assert.equal((await fixture.api.login('guang', 'wrong password')).status, 401);
        }
        assert.equal((await fixture.api.login('guang', '123456')).status, 429);
        assert.equal((await fixture.api.login('GUANG', '123456')).status, 429);
        for (const spelling of ['guang ', 'guang  ', ' guang', 'güang', 'gÜang', 'guang\t']) {
          const reply = await fixture.api.login(spelling, '123456');
          assert.notEqual(reply.status, 200, JSON.stringify(spelling));
          assert.equal(reply.status, 400, JSON.stringify(spelling));
          assert.doesNotMatch(reply.text, /access_token/);
        }
      });

      it('refuses at login, with 400, any username registration would refuse', async () => {
        for (const username of ['ab', 'x'.repeat(51), 'white space', 'semi;colon', 'ünïcode']) {
          const reply = await fixture.api.login(username, 'whatever password');
          assert.equal(reply.status, 400, username);
          assert.match((reply.body as unknown as ErrorBody).message, /username/);
        }
      });

      it('the database compares username keys exactly', async () => {
        await fixture.api.register('exact.name', RIGHT);
        for (const spelling of ['exact.name ', 'exact.name  ', 'éxact.name', 'EXACT.NAME']) {
          const rows = await fixture.db.query<{ n: number | string }>(
            'SELECT COUNT(*) AS n FROM users WHERE username_key = ?',
            [spelling],
          );
          assert.equal(Number(rows[0].n), 0, JSON.stringify(spelling));
        }
        const rows = await fixture.db.query<{ n: number | string }>(
          'SELECT COUNT(*) AS n FROM users WHERE username_key = ?',
          ['exact.name'],
        );
        assert.equal(Number(rows[0].n), 1);
      });
    });

    describe('failed logins per address, across usernames', () => {
      const fixture = serveFreshDatabase(
        kind,
        loginLimit(100, { LOGIN_IP_MAX_ATTEMPTS: '6', TRUST_PROXY: '1' }),
      );
      const from = (address: string) => ({ 'x-forwarded-for': address });

      it('answers 429 with Retry-After once an address has failed LOGIN_IP_MAX_ATTEMPTS times', async () => {
        await fixture.api.register('sprayed', RIGHT);
        // Successful logins are not failures.
        for (let i = 0; i < 8; i++) {
          assert.equal(
            (await fixture.api.login('sprayed', RIGHT, from('198.51.100.7'))).status,
            200,
          );
        }
        for (let i = 0; i < 6; i++) {
          const reply = await fixture.api.login(`victim_${i}`, 'Spring2025!', from('198.51.100.7'));
          assert.equal(reply.status, 401);
        }
        const refused = await fixture.api.login('victim_6', 'Spring2025!', from('198.51.100.7'));
        assert.equal(refused.status, 429);
        const retryAfter = Number(refused.headers.get('retry-after'));
        assert.ok(retryAfter >= 1 && retryAfter <= 600, `Retry-After ${retryAfter}`);
        // The address is refused whatever account it tries; other addresses are not.
        assert.equal((await fixture.api.login('sprayed', RIGHT, from('198.51.100.7'))).status, 429);
        assert.equal((await fixture.api.login('sprayed', RIGHT, from('198.51.100.8'))).status, 200);
      });

      it('counts an IPv6 /64 as one address, and IPv4-mapped IPv6 as its IPv4 address', async () => {
        await fixture.api.register('sixer', RIGHT);
        for (let i = 0; i < 6; i++) {
          const address = `2001:db8:7:8::${(i + 1).toString(16)}`;
          assert.equal(
            (await fixture.api.login(`six_${i}`, 'nope nope', from(address))).status,
            401,
          );
        }
        assert.equal(
          (await fixture.api.login('sixer', RIGHT, from('2001:db8:7:8:ffff::99'))).status,
          429,
        );
        assert.equal(
          (await fixture.api.login('sixer', RIGHT, from('2001:db8:7:9::1'))).status,
          200,
        );

        for (let i = 0; i < 6; i++) {
          const address = i % 2 ? '203.0.113.50' : '::ffff:203.0.113.50';
          assert.equal(
            (await fixture.api.login(`map_${i}`, 'nope nope', from(address))).status,
            401,
          );
        }
        assert.equal((await fixture.api.login('sixer', RIGHT, from('203.0.113.50'))).status, 429);
      });
    });

    describe('behind one proxy (TRUST_PROXY=1)', () => {
      const fixture = serveFreshDatabase(kind, loginLimit(3, { TRUST_PROXY: '1' }));

      it('takes the rightmost X-Forwarded-For entry: rotating the left part does not escape the limit', async () => {
        await fixture.api.register('behind_proxy', RIGHT);
        const statuses: number[] = [];
        for (let i = 0; i < 6; i++) {
          const forwarded = `10.${i}.${i}.1, 192.0.2.${i + 1}, 198.51.100.20`;
          const reply = await fixture.api.login('behind_proxy', 'wrong password', {
            'x-forwarded-for': forwarded,
          });
          statuses.push(reply.status);
        }
        assert.deepEqual(statuses, [401, 401, 401, 429, 429, 429]);
        const right = await fixture.api.login('behind_proxy', RIGHT, {
          'x-forwarded-for': '203.0.113.77, 198.51.100.20',
        });
        assert.equal(right.status, 429);
      });

      it('a user locked from an address stays locked whatever the client adds to the left', async () => {
        assert.equal(await lockOutThenForge(fixture.api, 'locked_here', () => ({})), 429);
      });
    });

    describe('without a trusted proxy (the default)', () => {
      const fixture = serveFreshDatabase(kind, loginLimit(3));

      it('ignores X-Forwarded-For', async () => {
        const forged = (i: number) => ({ 'x-forwarded-for': `203.0.113.${i + 1}` });
        assert.equal(await lockOutThenForge(fixture.api, 'no_proxy', forged), 429);
      });
    });

    describe('registrations per address', () => {
      const fixture = serveFreshDatabase(kind, { REGISTER_MAX_PER_IP: '3', TRUST_PROXY: '1' });

      it('answers 429 with Retry-After past REGISTER_MAX_PER_IP in an hour', async () => {
        const from = (address: string) => ({ 'x-forwarded-for': address });
        const register = (username: string, address: string) =>
          fixture.api.request('POST', '/user/register', {
            json: { username, password: RIGHT },
            headers: from(address),
          });
        for (let i = 0; i < 3; i++) {
          assert.equal((await register(`signup_${i}`, '198.51.100.40')).status, 201);
        }
        const refused = await register('signup_3', '198.51.100.40');
        assert.equal(refused.status, 429);
        const retryAfter = Number(refused.headers.get('retry-after'));
        assert.ok(retryAfter >= 1 && retryAfter <= 3600, `Retry-After ${retryAfter}`);
        assert.equal((await fixture.api.login('signup_3', RIGHT)).status, 401);
        assert.equal((await register('signup_3', '198.51.100.41')).status, 201);
      });
    });
  });
}

describe('TRUST_PROXY', () => {
  it('reads false, a hop count, or a list of addresses and CIDRs', () => {
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: 'false' }).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.0.2.7,::1' }).trustProxy, [
      '10.0.0.0/8',
      '192.0.2.7',
      '::1',
    ]);
    for (const bad of ['true', 'yes', '10.0.0.0/99', 'proxy.example.com', '1.5']) {
      assert.throws(() => loadConfig({ TRUST_PROXY: bad }), /TRUST_PROXY/, bad);
    }
  });

  it('true stops the server at start, saying what to write instead', async () => {
    const result = await runServerExpectingFailure({
      TRUST_PROXY: 'true',
      DATABASE_URL: 'sqlite::memory:',
    });
    assert.equal(result.code, 1);
    assert.match(result.output, /TRUST_PROXY/);
    assert.match(result.output, /TRUST_PROXY=1/);
  });
});

describe('limit and policy configuration', () => {
  it('has the contract defaults', () => {
    const config = loadConfig({});
    assert.equal(config.loginIpMaxAttempts, 100);
    assert.equal(config.registerMaxPerIp, 10);
    assert.equal(config.passwordMinLength, 8);
    assert.equal(config.loginQueueTimeout, 2);
    assert.equal(config.redisKeyPrefix, 'seamless:');
  });

  it('names a bad value', () => {
    const cases: Record<string, string> = {
      LOGIN_IP_MAX_ATTEMPTS: 'many',
      REGISTER_MAX_PER_IP: '0',
      PASSWORD_MIN_LENGTH: '4',
      LOGIN_QUEUE_TIMEOUT: 'a while',
      REDIS_KEY_PREFIX: '',
    };
    for (const [name, value] of Object.entries(cases)) {
      assert.throws(() => loadConfig({ [name]: value }), new RegExp(name), name);
    }
    assert.throws(() => loadConfig({ PASSWORD_MIN_LENGTH: '129' }), /PASSWORD_MIN_LENGTH/);
  });
});
