import { describe, expect, it } from 'vitest';
import { useMigratedDatabase } from '../../testing/testDatabase.js';
import { uuidv7 } from './uuidv7.js';

const FORM = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The millisecond time at the front of a version 7 UUID. */
const timeOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('uuidv7', () => {
  it('is a version 7 UUID with the given millisecond time first, and random bits after', () => {
    const ms = Date.UTC(2026, 10, 21, 13, 45, 0, 123);
    const ids = Array.from({ length: 3000 }, () => uuidv7(ms));
    for (const id of ids) {
      expect(id).toMatch(FORM);
      expect(timeOf(id)).toBe(ms);
    }
    // More ids than one draw of randomness holds: none repeats.
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('sorts by time, so ids written later come later', () => {
    const earlier = uuidv7(1_000_000);
    const later = uuidv7(1_000_001);
    expect(earlier < later).toBe(true);
    expect(timeOf(uuidv7())).toBeGreaterThanOrEqual(Date.now() - 1000);
  });
});

describe('uuid_v7() in SQL', () => {
  const tdb = useMigratedDatabase();

  it("gives version 7 UUIDs carrying the given time's millisecond, each different", async () => {
    const at = new Date(Date.UTC(2026, 10, 21, 13, 45, 0, 987));
    const { rows } = await tdb().db.query<{ id: string }>(
      'SELECT uuid_v7($1)::text AS id FROM generate_series(1, 500)',
      [at],
    );
    expect(rows).toHaveLength(500);
    for (const { id } of rows) {
      expect(id).toMatch(FORM);
      expect(timeOf(id)).toBe(at.getTime());
    }
    expect(new Set(rows.map((r) => r.id)).size).toBe(500);
  });
});
