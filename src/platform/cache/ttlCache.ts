/**
 * A small per-node cache for values read on many requests (a service and its calendar, an access
 * token's conversation) and for rows just written, handed to this node's live hub. Entries expire
 * after their TTL; a change made on this node deletes its key at once, and other nodes see it
 * within the TTL. Concurrent misses share one load.
 *
 * Expired entries are swept a few at a time from the oldest end as new ones arrive, and a full
 * cache drops its oldest entry: memory stays flat, and no moment empties the whole cache (which
 * would send every reader to the database at once).
 */
export class TtlCache {
  // Insertion order is age order: a re-set key is moved to the young end.
  private readonly entries = new Map<string, { expires: number; value: Promise<unknown> }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.now()) return hit.value as Promise<T>;
    const value = load();
    this.put(key, ttlMs, value);
    // A failed load is not cached: the next caller tries again.
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  /** Stores a value already in hand, e.g. a row just written, for readers on this node. */
  set<T>(key: string, ttlMs: number, value: T): void {
    this.put(key, ttlMs, Promise.resolve(value));
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  private put(key: string, ttlMs: number, value: Promise<unknown>): void {
    const now = this.now();
    this.entries.delete(key);
    this.sweep(now);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { expires: now + ttlMs, value });
  }

  /** Removes expired entries from the old end; a few per insertion keeps pace with any rate. */
  private sweep(now: number): void {
    let checked = 0;
    for (const [key, entry] of this.entries) {
      if (entry.expires > now || ++checked > 4) return;
      this.entries.delete(key);
    }
  }
}
