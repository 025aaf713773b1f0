// The stored record: what one tab writes, every tab (and every later version) reads back.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseStored, sameGeneration, serializeStored } from '../src/record.js';

const pair = { access_token: 'a.b.c', refresh_token: 'r1', expires_in: 1800 };

void describe('the stored record', () => {
  void test('reads back what it wrote', () => {
    const stored = { pair, savedAt: 1_700_000_000_000 };
    assert.deepEqual(parseStored(serializeStored(stored)), stored);
  });

  void test('reads back a cookie-mode record, whose pair has no refresh token', () => {
    const stored = { pair: { access_token: 'a.b.c', expires_in: 1800 }, savedAt: 1 };
    assert.deepEqual(parseStored(serializeStored(stored)), stored);
  });

  void test('tells records apart by refresh token, or by access token in cookie mode', () => {
    const at = (access_token: string, refresh_token?: string) => ({
      pair: refresh_token === undefined ? { access_token } : { access_token, refresh_token },
      savedAt: 1,
    });
    assert.equal(sameGeneration(at('a1', 'r1'), at('a2', 'r1')), true, 'access token replaced');
    assert.equal(sameGeneration(at('a1', 'r1'), at('a1', 'r2')), false);
    assert.equal(sameGeneration(at('a1'), at('a1')), true);
    assert.equal(sameGeneration(at('a1'), at('a2')), false, 'a cookie-mode refresh');
    assert.equal(sameGeneration(at('a1'), null), false);
    assert.equal(sameGeneration(null, null), true);
  });

  void test('reads nothing stored, a corrupt value or a foreign one as signed out', () => {
    for (const raw of [
      null,
      '',
      '{',
      'null',
      '42',
      '"a.b.c"',
      JSON.stringify({ access_token: 'a.b.c', refresh_token: 'r1' }),
      JSON.stringify({ pair: { access_token: 1, refresh_token: 'r1' }, savedAt: 1 }),
      JSON.stringify({ pair, savedAt: '1' }),
    ]) {
      assert.equal(parseStored(raw), null, String(raw));
    }
  });
});
