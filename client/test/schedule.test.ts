// When a stored access token is refreshed: pure arithmetic on its claims and this
// device's clock, so a wrong device clock never matters.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { retryDelay, tokenTimes } from '../src/schedule.js';
import { fakeJwt } from './helpers/jwt.js';

const SAVED_AT = 1_000_000;

function stored(claims: Record<string, unknown>, expiresIn?: number) {
  const pair = { access_token: fakeJwt(claims), refresh_token: 'r', expires_in: expiresIn };
  return { pair, savedAt: SAVED_AT };
}

void describe('the refresh schedule', () => {
  void test('a 30-minute token expires 30 min (less the second iat may have lost) after it was stored', () => {
    // The device's clock is a year off the server's: only the lifetime counts.
    const iat = 1_700_000_000 - 365 * 86_400;
    const times = tokenTimes(stored({ iat, exp: iat + 1800 }));
    assert.deepEqual(times, {
      expiresAt: SAVED_AT + 1799_000,
      refreshAt: SAVED_AT + 1799_000 - 60_000,
    });
  });

  void test('the default margin is a fifth of a short lifetime, and never more than half', () => {
    const short = tokenTimes(stored({ iat: 100, exp: 111 }));
    assert.deepEqual(short, { expiresAt: SAVED_AT + 10_000, refreshAt: SAVED_AT + 8000 });

    const tooLong = tokenTimes(stored({ iat: 100, exp: 111 }), 9);
    assert.deepEqual(tooLong, { expiresAt: SAVED_AT + 10_000, refreshAt: SAVED_AT + 5000 });

    const chosen = tokenTimes(stored({ iat: 100, exp: 1900 }), 5);
    assert.equal(chosen?.refreshAt, SAVED_AT + 1799_000 - 5000);
  });

  void test('without iat, the lifetime comes from expires_in', () => {
    const times = tokenTimes(stored({ exp: 5000 }, 61));
    assert.deepEqual(times, { expiresAt: SAVED_AT + 60_000, refreshAt: SAVED_AT + 48_000 });
  });

  void test('a token whose lifetime cannot be known is used until the server rejects it', () => {
    assert.equal(
      tokenTimes({ pair: { access_token: 'opaque', refresh_token: 'r' }, savedAt: 0 }),
      null,
    );
    assert.equal(tokenTimes(stored({ iat: 100 })), null);
    assert.equal(tokenTimes(stored({ exp: 100, iat: 100 })), null);
    assert.equal(tokenTimes(stored({ exp: 100 })), null);
  });
});

void describe('retrying a refresh whose outcome is unknown', () => {
  void test('retries at once, then backs off by doubling', () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((failures) => retryDelay(failures, 0, 6000)),
      [0, 200, 400, 800],
    );
  });

  void test('starts no retry after the window, counted from the first attempt', () => {
    assert.equal(retryDelay(1, 5999, 6000), 0);
    assert.equal(retryDelay(1, 6000, 6000), null);
    assert.equal(retryDelay(3, 5700, 6000), null, 'the backoff would cross the window');
    assert.equal(retryDelay(1, 0, 0), null, 'a window of 0 turns retries off');
  });
});
