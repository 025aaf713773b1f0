/**
 * A map that holds at most `limit` entries and drops the oldest to make room.
 *
 * The insertion order lives in a ring of keys beside the map. Dropping the oldest entry
 * of a plain Map (`map.keys().next()`) looks O(1) but is not: V8 leaves deleted entries
 * in place until it rehashes, and the iterator walks over them, which measured ~6 µs per
 * insert on a full 10,000-entry map — a tenth of a signature check, paid by every new
 * token.
 */
export class BoundedMap<V> {
  private readonly entries = new Map<string, V>();
  private readonly order: (string | undefined)[];
  private next = 0;

  constructor(limit: number) {
    this.order = new Array<string | undefined>(Math.max(1, limit));
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  /** Removes an entry before its turn; its slot in the ring is simply reused later. */
  delete(key: string): void {
    this.entries.delete(key);
  }

  set(key: string, value: V): void {
    if (this.entries.has(key)) {
      this.entries.set(key, value);
      return;
    }
    const oldest = this.order[this.next];
    if (oldest !== undefined) {
      this.entries.delete(oldest);
    }
    this.order[this.next] = key;
    this.next = (this.next + 1) % this.order.length;
    this.entries.set(key, value);
  }
}
