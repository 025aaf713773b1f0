import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedMap } from '../src/core/bounded-map';

describe('bounded map', () => {
  it('drops the oldest entries first and never holds more than its limit', () => {
    const map = new BoundedMap<number>(3);
    for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) {
      map.set(key, i);
    }
    assert.equal(map.get('a'), undefined, 'the oldest went');
    assert.deepEqual(
      ['b', 'c', 'd'].map((key) => map.get(key)),
      [1, 2, 3],
    );
    map.set('c', 20);
    assert.equal(map.get('c'), 20, 'an update keeps its place');
    map.set('e', 4);
    assert.equal(map.get('b'), undefined);
    assert.equal(map.get('c'), 20);
  });

  it('stays within its limit whatever is deleted and added again', () => {
    const map = new BoundedMap<number>(100);
    for (let i = 0; i < 10_000; i++) {
      map.set(`k${i % 250}`, i);
      if (i % 7 === 0) {
        map.delete(`k${(i * 13) % 250}`);
      }
      assert.ok(map.size <= 100, `size ${map.size} after ${i}`);
    }
    assert.equal(map.get('k249'), 9999, 'the newest is there');
  });
});
