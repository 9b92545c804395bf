/**
 * A small per-node cache for settings read on every request (a service and its calendar).
 * Entries expire after their TTL; a change made on this node deletes its key at once, and other
 * nodes see it within the TTL. Concurrent misses share one load.
 */
export class TtlCache {
  private readonly entries = new Map<string, { expires: number; value: Promise<unknown> }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  get<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.now()) return hit.value as Promise<T>;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const value = load();
    this.entries.set(key, { expires: this.now() + ttlMs, value });
    // A failed load is not cached: the next caller tries again.
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  /** Stores a value already in hand, e.g. a row just written, for readers on this node. */
  set<T>(key: string, ttlMs: number, value: T): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { expires: this.now() + ttlMs, value: Promise.resolve(value) });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
