// The stored record: what one tab writes, every tab (and every later version) reads back.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseStored, serializeStored } from '../src/record.js';

const pair = { access_token: 'a.b.c', refresh_token: 'r1', expires_in: 1800 };

void describe('the stored record', () => {
  void test('reads back what it wrote', () => {
    const stored = { pair, savedAt: 1_700_000_000_000 };
    assert.deepEqual(parseStored(serializeStored(stored)), stored);
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
      JSON.stringify({ pair: { access_token: 'a.b.c' }, savedAt: 1 }),
      JSON.stringify({ pair: { access_token: 1, refresh_token: 'r1' }, savedAt: 1 }),
      JSON.stringify({ pair, savedAt: '1' }),
    ]) {
      assert.equal(parseStored(raw), null, String(raw));
    }
  });
});
