import { createSecretKey, hkdfSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import type { Db } from '../db/types.js';
import { asBuffer } from '../db/types.js';
import { open, seal } from './aesGcm.js';
import type { MasterKeys } from './masterKeys.js';
import { batchSealerOf, lookupHasherOf, openerOf, type WorkerKeys } from './workerKeys.js';

/** Ciphertext layout: version (1) | data key id (16, uuid bytes) | iv | tag | ciphertext. */
const FORMAT_V1 = 0x01;
const HEADER_BYTES = 17;
export const PLATFORM_SCOPE = 'platform';

type BatchSealer = (values: readonly Buffer[]) => { bytes: Buffer; lengths: number[] };
/** A data key, with the keyed contexts made from it once and reused (see workerKeys.ts). */
type DataKey = { id: string; key: Buffer; opener?: (sealed: Buffer, aad: Buffer) => Buffer; sealer?: BatchSealer };

/** The ciphertext header naming a data key. */
function sealHeaderOf(dk: DataKey): Buffer {
  return Buffer.concat([Buffer.from([FORMAT_V1]), uuidBytes(dk.id)]);
}

/** The key's opener, made once: a keyed context reused for every value it opens. */
function openWith(dk: DataKey, sealed: Buffer, aad: Buffer): Buffer {
  dk.opener ??= openerOf(dk.key);
  return dk.opener(sealed, aad);
}

function uuidBytes(id: string): Buffer {
  return Buffer.from(id.replaceAll('-', ''), 'hex');
}
function uuidFromBytes(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Envelope encryption: each organisation's fields are sealed with its own AES-256 data key, and
 * data keys are stored only wrapped by the master key. Unwrapped keys are cached for the life of
 * the app instance (not the module), so tests and multiple apps in one process stay independent.
 */
export class KeyRing {
  private readonly byId = new Map<string, DataKey>();
  private readonly activeByScope = new Map<string, DataKey>();
  private lookupKey: KeyObject | null = null;
  private hasher: ((value: string) => Buffer) | null = null;

  constructor(
    private readonly db: Db,
    private readonly master: MasterKeys,
  ) {}

  private unwrap(row: { id: string; wrapped_key: unknown; master_key_id: string }): DataKey {
    const mk = this.master.keys.get(row.master_key_id);
    if (!mk)
      throw new Error(`data key ${row.id} is wrapped by a master key that is not configured (${row.master_key_id})`);
    const key = open(mk, asBuffer(row.wrapped_key), Buffer.from(row.id));
    const dk = { id: row.id, key };
    this.byId.set(row.id, dk);
    return dk;
  }

  /**
   * The active data key for a scope, created on first use. Always on its own connection and
   * never inside a caller's transaction: a key cached from a rolled-back transaction would seal
   * data nobody could open later (and PGlite's single connection would deadlock).
   */
  async activeKey(scope: string): Promise<DataKey> {
    const q = this.db;
    const cached = this.activeByScope.get(scope);
    if (cached) return cached;
    const found = await q.query<{ id: string; wrapped_key: unknown; master_key_id: string }>(
      'SELECT id, wrapped_key, master_key_id FROM data_keys WHERE scope = $1 AND active',
      [scope],
    );
    let dk: DataKey;
    if (found.rows[0]) {
      dk = this.unwrap(found.rows[0]);
    } else {
      const id = randomUUID();
      const key = randomBytes(32);
      const mk = this.master.keys.get(this.master.currentId)!;
      // ON CONFLICT: two nodes creating the same scope's key at once; the loser re-reads.
      const inserted = await q.query(
        `INSERT INTO data_keys (id, scope, wrapped_key, master_key_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (scope) WHERE active DO NOTHING`,
        [id, scope, seal(mk, key, Buffer.from(id)), this.master.currentId],
      );
      if (inserted.rowCount === 0) return this.activeKey(scope);
      dk = { id, key };
      this.byId.set(id, dk);
    }
    this.activeByScope.set(scope, dk);
    return dk;
  }

  private async keyById(id: string): Promise<DataKey> {
    const cached = this.byId.get(id);
    if (cached) return cached;
    const { rows } = await this.db.query<{ id: string; wrapped_key: unknown; master_key_id: string }>(
      'SELECT id, wrapped_key, master_key_id FROM data_keys WHERE id = $1',
      [id],
    );
    if (!rows[0]) throw new Error(`unknown data key ${id}`);
    return this.unwrap(rows[0]);
  }

  /** A synchronous sealer for one scope, for code that encrypts several fields at once. */
  async sealer(scope: string): Promise<(value: string) => Buffer> {
    const dk = await this.activeKey(scope);
    const header = sealHeaderOf(dk);
    return (value) => Buffer.concat([header, seal(dk.key, Buffer.from(value, 'utf8'), header)]);
  }

  /** Seals many values for one scope into one buffer (see `sealEach`); each opens with `decrypt`. */
  async batchSealer(scope: string): Promise<BatchSealer> {
    // Made once per data key: every group-committed write of single sends asks for one.
    const dk = await this.activeKey(scope);
    dk.sealer ??= batchSealerOf(dk.key, sealHeaderOf(dk));
    return dk.sealer;
  }

  /** The keys a worker thread hashes and seals one scope's values with (see `WorkerKeys`). */
  async workerKeys(scope: string): Promise<WorkerKeys> {
    // A copy of the lookup key's bytes for the thread; the ring itself keeps only the key object.
    return { lookupKey: (await this.lookupKeyObject()).export(), ...(await this.sealKeys(scope)) };
  }

  /** One scope's active data key and the ciphertext header that names it. */
  private async sealKeys(scope: string): Promise<{ sealKey: Buffer; sealHeader: Buffer }> {
    const dk = await this.activeKey(scope);
    return { sealKey: dk.key, sealHeader: sealHeaderOf(dk) };
  }

  async encrypt(scope: string, value: string): Promise<Buffer> {
    return (await this.sealer(scope))(value);
  }

  async decrypt(value: unknown): Promise<string> {
    const buf = asBuffer(value);
    if (buf[0] !== FORMAT_V1 || buf.length < HEADER_BYTES) throw new Error('unrecognised ciphertext format');
    const header = buf.subarray(0, HEADER_BYTES);
    const dk = await this.keyById(uuidFromBytes(buf.subarray(1, HEADER_BYTES)));
    return openWith(dk, buf.subarray(HEADER_BYTES), header).toString('utf8');
  }

  /**
   * Many values at once, each one's data key looked up once: what `decrypt` gives for each, or
   * null for a value that cannot be opened (its data key unknown, or the value damaged).
   */
  async decryptEach(values: readonly unknown[]): Promise<(string | null)[]> {
    const sealed = values.map((v) => {
      const buf = Buffer.isBuffer(v) || v instanceof Uint8Array ? asBuffer(v) : null;
      if (!buf || buf[0] !== FORMAT_V1 || buf.length < HEADER_BYTES) return null;
      return { buf, keyId: uuidFromBytes(buf.subarray(1, HEADER_BYTES)) };
    });
    const keys = new Map<string, DataKey | null>();
    for (const s of sealed) {
      if (s && !keys.has(s.keyId)) keys.set(s.keyId, await this.keyById(s.keyId).catch(() => null));
    }
    return sealed.map((s) => {
      const dk = s && keys.get(s.keyId);
      if (!s || !dk) return null;
      try {
        return openWith(dk, s.buf.subarray(HEADER_BYTES), s.buf.subarray(0, HEADER_BYTES)).toString('utf8');
      } catch {
        return null;
      }
    });
  }

  async decryptOptional(value: unknown): Promise<string | null> {
    return value === null || value === undefined ? null : this.decrypt(value);
  }

  /**
   * The key of the audit log's HMAC chain. Derived from the platform data key like the lookup key,
   * so it survives master key rotation, and never stored: rewriting the chain needs the master key.
   */
  async auditKey(): Promise<Buffer> {
    const dk = await this.activeKey(PLATFORM_SCOPE);
    return Buffer.from(hkdfSync('sha256', dk.key, Buffer.alloc(0), 'confide audit chain v1', 32));
  }

  /**
   * A key for one purpose (e.g. signing API access tokens), derived from the platform data key
   * like the lookup and audit keys: never stored, and the same on every node.
   */
  async derivedKey(purpose: string): Promise<Buffer> {
    const dk = await this.activeKey(PLATFORM_SCOPE);
    return Buffer.from(hkdfSync('sha256', dk.key, Buffer.alloc(0), `confide ${purpose} v1`, 32));
  }

  /**
   * Keyed HMAC for exact-match lookups (e.g. staff email, resume code). The key is derived from
   * the platform data key, so it survives master key rotation.
   */
  async lookupHmac(value: string): Promise<Buffer> {
    return (await this.lookupHasher())(value);
  }

  /** `lookupHmac` as a synchronous function, for code that hashes many values at once. */
  async lookupHasher(): Promise<(value: string) => Buffer> {
    return (this.hasher ??= lookupHasherOf(await this.lookupKeyObject()));
  }

  private async lookupKeyObject(): Promise<KeyObject> {
    if (!this.lookupKey) {
      const dk = await this.activeKey(PLATFORM_SCOPE);
      this.lookupKey = createSecretKey(
        Buffer.from(hkdfSync('sha256', dk.key, Buffer.alloc(0), 'confide lookup hmac v1', 32)),
      );
    }
    return this.lookupKey;
  }
}

/**
 * Re-wraps every data key under the current master key, so a previous master key can be retired.
 * With newDataKeys, each scope also gets a fresh active data key for new writes; old keys stay
 * readable. The platform key is never replaced because lookup HMACs derive from it.
 */
export async function rotateKeys(
  db: Db,
  master: MasterKeys,
  opts: { newDataKeys?: boolean } = {},
): Promise<{ rewrapped: number; created: number }> {
  return db.tx(async (q) => {
    const { rows } = await q.query<{
      id: string;
      scope: string;
      wrapped_key: unknown;
      master_key_id: string;
      active: boolean;
    }>('SELECT id, scope, wrapped_key, master_key_id, active FROM data_keys ORDER BY created_at FOR UPDATE');
    const current = master.keys.get(master.currentId)!;
    let rewrapped = 0;
    for (const row of rows) {
      const mk = master.keys.get(row.master_key_id);
      if (!mk)
        throw new Error(
          `data key ${row.id} is wrapped by an unknown master key ${row.master_key_id}; add it to MASTER_KEY_PREVIOUS`,
        );
      const key = open(mk, asBuffer(row.wrapped_key), Buffer.from(row.id));
      await q.query('UPDATE data_keys SET wrapped_key = $2, master_key_id = $3, rewrapped_at = now() WHERE id = $1', [
        row.id,
        seal(current, key, Buffer.from(row.id)),
        master.currentId,
      ]);
      rewrapped++;
    }
    let created = 0;
    if (opts.newDataKeys) {
      for (const row of rows.filter((r) => r.active && r.scope !== PLATFORM_SCOPE)) {
        await q.query('UPDATE data_keys SET active = false WHERE id = $1', [row.id]);
        const id = randomUUID();
        await q.query('INSERT INTO data_keys (id, scope, wrapped_key, master_key_id) VALUES ($1, $2, $3, $4)', [
          id,
          row.scope,
          seal(current, randomBytes(32), Buffer.from(id)),
          master.currentId,
        ]);
        created++;
      }
    }
    return { rewrapped, created };
  });
}
