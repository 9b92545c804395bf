import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testing/testDatabase.js';
import { migrate } from '../db/migrate.js';
import { KeyRing, rotateKeys } from './keyring.js';
import { masterKeyId, type MasterKeys } from './masterKeys.js';

function masters(current: Buffer, ...previous: Buffer[]): MasterKeys {
  return { currentId: masterKeyId(current), keys: new Map([current, ...previous].map((k) => [masterKeyId(k), k])) };
}

describe('envelope encryption', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    await migrate(tdb.db);
  });
  afterAll(async () => {
    await tdb.drop();
  });

  it('round-trips text and stores the data key only wrapped', async () => {
    const mk = randomBytes(32);
    const ring = new KeyRing(tdb.db, masters(mk));
    const sealed = await ring.encrypt('org-a', 'I feel anxious about school');
    expect(sealed.includes(Buffer.from('anxious'))).toBe(false);
    expect(await ring.decrypt(sealed)).toBe('I feel anxious about school');
    // A second key ring (another node, or after a restart) reads it back through the database.
    expect(await new KeyRing(tdb.db, masters(mk)).decrypt(sealed)).toBe('I feel anxious about school');
    const { rows } = await tdb.db.query<{ wrapped_key: Uint8Array }>(
      "SELECT wrapped_key FROM data_keys WHERE scope = 'org-a'",
    );
    expect(rows).toHaveLength(1);
  });

  it('opens many values at once, across data keys, with null for what cannot be opened', async () => {
    const mk = randomBytes(32);
    const ring = new KeyRing(tdb.db, masters(mk));
    const a = await ring.encrypt('org-m1', 'first');
    const b = await ring.encrypt('org-m2', 'second');
    const damaged = Buffer.from(a);
    damaged[damaged.length - 1]! ^= 1;
    const unknownKey = Buffer.from(b);
    randomBytes(16).copy(unknownKey, 1);
    // A fresh ring (another node) finds each data key through the database.
    const opened = await new KeyRing(tdb.db, masters(mk)).decryptEach([a, b, damaged, unknownKey, 'text', null, a]);
    expect(opened).toEqual(['first', 'second', null, null, null, null, 'first']);
  });

  it('uses a different data key per organisation', async () => {
    const ring = new KeyRing(tdb.db, masters(randomBytes(32)));
    const a = await ring.encrypt('org-b', 'x');
    const b = await ring.encrypt('org-c', 'x');
    expect(a.subarray(1, 17).equals(b.subarray(1, 17))).toBe(false);
  });

  it('seals a batch into one buffer whose parts open one by one, each with its own IV', async () => {
    const ring = new KeyRing(tdb.db, masters(randomBytes(32)));
    const values = ['', 'first message', 'é'.repeat(300), 'first message'];
    const { bytes, lengths } = (await ring.batchSealer('org-e'))(values.map((v) => Buffer.from(v, 'utf8')));
    expect(lengths.reduce((a, b) => a + b, 0)).toBe(bytes.length);
    const parts: Buffer[] = [];
    let at = 0;
    for (const length of lengths) {
      parts.push(bytes.subarray(at, at + length));
      at += length;
    }
    expect(await Promise.all(parts.map((p) => ring.decrypt(p)))).toEqual(values);
    // Same text, different IV and ciphertext; and the same key as single sealing uses.
    expect(parts[1]!.equals(parts[3]!)).toBe(false);
    expect(parts[1]!.subarray(0, 17).equals((await ring.encrypt('org-e', 'x')).subarray(0, 17))).toBe(true);
    expect(bytes.includes(Buffer.from('first message'))).toBe(false);
  });

  it('detects tampering', async () => {
    const ring = new KeyRing(tdb.db, masters(randomBytes(32)));
    const sealed = await ring.encrypt('org-d', 'hello');
    sealed.writeUInt8(sealed.readUInt8(sealed.length - 1) ^ 0x01, sealed.length - 1);
    await expect(ring.decrypt(sealed)).rejects.toThrow();
  });

  it('rotation re-wraps data keys so the previous master key can be retired', async () => {
    const tdb2 = await createTestDatabase();
    try {
      await migrate(tdb2.db);
      const oldKey = randomBytes(32);
      const newKey = randomBytes(32);
      const before = new KeyRing(tdb2.db, masters(oldKey));
      const sealed = await before.encrypt('org-e', 'keep me');
      const hmacBefore = await before.lookupHmac('nurse@example.nhs.uk');
      // Without the old key configured, nothing can be unwrapped.
      await expect(new KeyRing(tdb2.db, masters(newKey)).decrypt(sealed)).rejects.toThrow(/not configured/);
      const result = await rotateKeys(tdb2.db, masters(newKey, oldKey), { newDataKeys: true });
      expect(result.rewrapped).toBe(2);
      expect(result.created).toBe(1);
      const after = new KeyRing(tdb2.db, masters(newKey));
      expect(await after.decrypt(sealed)).toBe('keep me');
      expect((await after.lookupHmac('nurse@example.nhs.uk')).equals(hmacBefore)).toBe(true);
      const fresh = await after.encrypt('org-e', 'new data');
      expect(fresh.subarray(1, 17).equals(sealed.subarray(1, 17))).toBe(false);
      expect(await after.decrypt(fresh)).toBe('new data');
    } finally {
      await tdb2.drop();
    }
  });
});
