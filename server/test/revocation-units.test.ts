import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../src/config/config';
import { REVOCATION_MARGIN_MS, RevocationList } from '../src/revocation/revocation-list';

describe('RevocationList', () => {
  const ttlSeconds = 60;
  const keepMs = ttlSeconds * 1000 + REVOCATION_MARGIN_MS;
  const newList = () => new RevocationList(loadConfig({ ACCESS_TOKEN_TTL: `${ttlSeconds}s` }));

  it('refuses a session once it has ended, and no other', () => {
    const list = newList();
    const now = 1_000_000_000;
    assert.equal(list.has('a'), false);
    assert.equal(list.add('a', now, now), true);
    assert.equal(list.has('a'), true);
    assert.equal(list.has('b'), false);
  });

  it('ignores a session whose tokens have all expired', () => {
    const list = newList();
    const now = 1_000_000_000;
    assert.equal(list.add('old', now - keepMs, now), false);
    assert.equal(list.has('old'), false);
    assert.equal(list.size, 0);
  });

  it('stays bounded: forgets each session once every token of it has expired', () => {
    const list = newList();
    const start = 1_000_000_000;
    // A session ends every 10 ms for ten minutes, pruned once a second as the sync does.
    for (let t = 0; t < 600_000; t += 10) {
      list.add(`s${t}`, start + t, start + t);
      if (t % 1000 === 0) {
        list.prune(start + t);
      }
    }
    assert.ok(list.size <= keepMs / 10 + 100, `size ${list.size}`);
    assert.equal(list.has('s0'), false, 'ended ten minutes ago: forgotten');
    assert.equal(list.has('s599990'), true, 'ended just now: refused');
    list.prune(start + 600_000 + keepMs);
    assert.equal(list.size, 0);
  });

  it('lists the sessions ended at or after a time', () => {
    const list = newList();
    const now = 1_000_000_000;
    list.add('early', now - 5000, now);
    list.add('late', now - 1000, now);
    assert.deepEqual(list.endedSince(now - 5000), ['early', 'late']);
    assert.deepEqual(list.endedSince(now - 2000), ['late']);
    assert.deepEqual(list.endedSince(now + 1), []);
  });

  it('keeps the later end when one session is heard of twice', () => {
    const list = newList();
    const now = 1_000_000_000;
    list.add('twice', now - keepMs + 10, now);
    list.add('twice', now, now);
    list.prune(now + 20);
    assert.equal(list.has('twice'), true);
  });
});

describe('revocation configuration', () => {
  it('defaults: one-second poll, check on, seamless: prefix', () => {
    const config = loadConfig({});
    assert.equal(config.revocationPollInterval, 1);
    assert.equal(config.revocationCheck, true);
    assert.equal(config.redisKeyPrefix, 'seamless:');
  });

  it('reads the variables and names a bad one', () => {
    const config = loadConfig({
      REVOCATION_POLL_INTERVAL: '5s',
      REVOCATION_CHECK: 'false',
      REDIS_KEY_PREFIX: 'tenant-a:',
    });
    assert.equal(config.revocationPollInterval, 5);
    assert.equal(config.revocationCheck, false);
    assert.equal(config.redisKeyPrefix, 'tenant-a:');
    for (const [name, value] of [
      ['REVOCATION_POLL_INTERVAL', '0'],
      ['REVOCATION_CHECK', 'sometimes'],
      ['REDIS_KEY_PREFIX', ''],
      ['REDIS_KEY_PREFIX', 'x'.repeat(65)],
    ]) {
      assert.throws(() => loadConfig({ [name]: value }), new RegExp(name), `${name}=${value}`);
    }
  });
});
