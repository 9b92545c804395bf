import { createHmac } from 'node:crypto';
import type { Db, Queryable } from '../db/types.js';
import { asBuffer } from '../db/types.js';
import { SqlParams } from '../db/sqlParams.js';

/**
 * Chains: an organisation's own events (sign-ins, administration, the start of each conversation)
 * chain under the organisation id; everything done in or to one conversation chains under
 * `conversation:<id>`. A conversation's whole history is then one verifiable sequence, and writers
 * of different conversations never wait on each other's chain head — a message write already holds
 * its conversation's row lock, so its audit append adds no new contention.
 */
export function conversationChain(conversationId: string): string {
  return `conversation:${conversationId}`;
}

/** Who did what to which record, from where and why. Never content, tokens or identifiers beyond internal ids. */
export type AuditEntry = {
  /** Organisation id, conversationChain(id), or 'platform' for events tied to no organisation (e.g. a failed sign-in for an unknown email). */
  chain: string;
  actorKind: 'staff' | 'service_user' | 'system' | 'anonymous' | 'api_client';
  actorId: string | null;
  action: string;
  targetKind?: string | null;
  targetId?: string | null;
  ip?: string | null;
  reason?: string | null;
};

export const GENESIS_HASH = Buffer.alloc(32);

type Stored = {
  chain: string;
  position: number;
  at: Date;
  actor_kind: string;
  actor_id: string | null;
  action: string;
  target_kind: string | null;
  target_id: string | null;
  ip: string | null;
  reason: string | null;
};

/**
 * The exact bytes hashed for an entry, after the previous entry's hash: stable field order, ISO
 * time, nulls explicit. The position is not hashed: order is fixed by each entry naming the hash
 * before it, and positions are checked separately for gaps.
 */
function canonical(e: Omit<Stored, 'position'>): Buffer {
  return Buffer.from(
    JSON.stringify([
      e.chain,
      e.at.toISOString(),
      e.actor_kind,
      e.actor_id,
      e.action,
      e.target_kind,
      e.target_id,
      e.ip,
      e.reason,
    ]),
    'utf8',
  );
}

/** HMAC-SHA-256 keyed with the audit key: without the key, nobody can recompute a chain. */
export function entryHash(key: Buffer, prev: Buffer, e: Omit<Stored, 'position'>): Buffer {
  return createHmac('sha256', key).update(prev).update(canonical(e)).digest();
}

/**
 * HMAC's inner and outer padded keys (RFC 2104), so the database can compute the same HMAC with
 * sha256() alone inside the one statement that advances the chain.
 */
function hmacPads(key: Buffer): { ipad: Buffer; opad: Buffer } {
  const block = Buffer.alloc(64);
  key.copy(block);
  return { ipad: Buffer.from(block.map((b) => b ^ 0x36)), opad: Buffer.from(block.map((b) => b ^ 0x5c)) };
}

function auditKeyOf(q: Pick<Queryable, 'context'>): Buffer {
  const key = q.context.auditKey;
  if (!key) throw new Error('audit key not loaded: build() loads it before serving');
  return key;
}

/**
 * The audit append as two CTEs (`audit_head`, `audit_entry`), for embedding in a larger statement
 * so that a change and its audit record are written together in one round trip. The head upsert
 * advances the chain under its row lock (serialising writers of that chain only) and the entry is
 * written from it. With `onlyIf` (the name of an earlier CTE) nothing is appended unless that CTE
 * returned a row, so a write that matched nothing leaves no audit record.
 */
export function auditCtes(q: Pick<Queryable, 'context'>, entry: AuditEntry, p: SqlParams, onlyIf?: string): string {
  const { ipad, opad } = hmacPads(auditKeyOf(q));
  // Millisecond precision: what JavaScript dates and timestamptz both hold exactly.
  const e: Omit<Stored, 'position'> = {
    chain: entry.chain,
    at: new Date(),
    actor_kind: entry.actorKind,
    actor_id: entry.actorId,
    action: entry.action,
    target_kind: entry.targetKind ?? null,
    target_id: entry.targetId ?? null,
    ip: entry.ip ?? null,
    reason: entry.reason ?? null,
  };
  const [chain, genesis, bytes, inner, outer] = [e.chain, GENESIS_HASH, canonical(e), ipad, opad].map((v) => p.add(v));
  const values = [e.at, e.actor_kind, e.actor_id, e.action, e.target_kind, e.target_id, e.ip, e.reason]
    .map((v) => p.add(v))
    .join(', ');
  return `audit_head AS (
       INSERT INTO audit_heads AS h (chain, position, prev_hash, hash)
       SELECT ${chain}, 1, ${genesis}::bytea, sha256(${outer}::bytea || sha256(${inner}::bytea || ${genesis}::bytea || ${bytes}::bytea))
       ${onlyIf ? `FROM (SELECT 1 FROM ${onlyIf} LIMIT 1) AS guard` : ''}
       ON CONFLICT (chain) DO UPDATE SET position = h.position + 1, prev_hash = h.hash,
         hash = sha256(${outer}::bytea || sha256(${inner}::bytea || h.hash || ${bytes}::bytea))
       RETURNING position, prev_hash, hash),
     audit_entry AS (
       INSERT INTO audit_log (chain, position, at, actor_kind, actor_id, action, target_kind, target_id, ip, reason, prev_hash, hash)
       SELECT ${chain}, audit_head.position, ${values}, audit_head.prev_hash, audit_head.hash FROM audit_head)`;
}

/**
 * Appends to the entry's chain inside the caller's transaction, so the audit record commits or
 * rolls back with the change it describes.
 */
export async function appendAudit(q: Queryable, entry: AuditEntry): Promise<void> {
  const p = new SqlParams();
  await q.query(`WITH ${auditCtes(q, entry, p)} SELECT 1`, p.values);
}

/**
 * Appends several entries to one chain inside the caller's transaction, in three statements
 * whatever their number: the chain head is locked (created if new), the entries' hashes are
 * chained here, and the entries and the new head are written. Same hashes as one-by-one appends.
 */
export async function appendAuditEntries(
  q: Queryable,
  chain: string,
  entries: readonly Omit<AuditEntry, 'chain'>[],
): Promise<void> {
  if (entries.length === 0) return;
  const key = auditKeyOf(q);
  const lockHead = () =>
    q.query<{ position: number | string; hash: unknown }>(
      'SELECT position, hash FROM audit_heads WHERE chain = $1 FOR UPDATE',
      [chain],
    );
  let { rows } = await lockHead();
  if (!rows[0]) {
    // A new chain's head starts at position 0 with the genesis hash; this transaction moves it on
    // before anyone else can see it. Two writers starting the same chain: one inserts, both lock.
    await q.query(
      'INSERT INTO audit_heads (chain, position, prev_hash, hash) VALUES ($1, 0, $2, $2) ON CONFLICT (chain) DO NOTHING',
      [chain, GENESIS_HASH],
    );
    ({ rows } = await lockHead());
  }
  let position = Number(rows[0]!.position);
  let prev = asBuffer(rows[0]!.hash);
  let before = prev;
  const at = new Date();
  const stored = entries.map((entry) => ({
    chain,
    at,
    actor_kind: entry.actorKind,
    actor_id: entry.actorId,
    action: entry.action,
    target_kind: entry.targetKind ?? null,
    target_id: entry.targetId ?? null,
    ip: entry.ip ?? null,
    reason: entry.reason ?? null,
  }));
  const first = position + 1;
  const start = prev;
  // The hashes end to end in one binary parameter: each entry's prev_hash is the one before it.
  const hashes = Buffer.allocUnsafe(32 * stored.length);
  stored.forEach((e, i) => {
    const hash = entryHash(key, prev, e);
    hash.copy(hashes, 32 * i);
    before = prev;
    prev = hash;
  });
  position += stored.length;
  const column = <K extends keyof (typeof stored)[number]>(k: K) => stored.map((e) => e[k]);
  await q.query(
    `INSERT INTO audit_log (chain, position, at, actor_kind, actor_id, action, target_kind, target_id, ip, reason, prev_hash, hash)
     SELECT $1, $2::bigint + t.n - 1, $3, t.actor_kind, t.actor_id, t.action, t.target_kind, t.target_id, t.ip, t.reason,
       CASE WHEN t.n = 1 THEN $10::bytea ELSE substring($11::bytea FROM (t.n::int - 2) * 32 + 1 FOR 32) END,
       substring($11::bytea FROM (t.n::int - 1) * 32 + 1 FOR 32)
     FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $12::text[])
       WITH ORDINALITY AS t(actor_kind, actor_id, action, target_kind, target_id, ip, reason, n)`,
    [
      chain,
      String(first),
      at,
      column('actor_kind'),
      column('actor_id'),
      column('action'),
      column('target_kind'),
      column('target_id'),
      column('ip'),
      start,
      hashes,
      column('reason'),
    ],
  );
  await q.query('UPDATE audit_heads SET position = $2, prev_hash = $3, hash = $4 WHERE chain = $1', [
    chain,
    String(position),
    before,
    prev,
  ]);
}

/** Audits outside any other write, e.g. a read of a transcript. */
export function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  return db.tx((q) => appendAudit(q, entry));
}

export type VerifyResult =
  | { ok: true; chains: number; entries: number }
  | { ok: false; chain: string; position: number; id: number | null; problem: string };

/** Walks every chain from its start; the first entry whose link or hash does not hold is named. */
export async function verifyAudit(db: Db, key: Buffer, pageSize = 5000): Promise<VerifyResult> {
  const heads = await db.query<{ chain: string; position: number; hash: unknown }>(
    'SELECT chain, position, hash FROM audit_heads ORDER BY chain',
  );
  const headChains = new Set(heads.rows.map((h) => h.chain));
  const orphan = await db.query<{ chain: string; id: number; position: number }>(
    'SELECT chain, min(id) AS id, min(position) AS position FROM audit_log GROUP BY chain',
  );
  for (const o of orphan.rows) {
    if (!headChains.has(o.chain)) {
      return {
        ok: false,
        chain: o.chain,
        position: Number(o.position),
        id: Number(o.id),
        problem: 'chain has entries but no head',
      };
    }
  }
  let entries = 0;
  for (const head of heads.rows) {
    let prev: Buffer = GENESIS_HASH;
    let expected = 1;
    let after = 0;
    for (;;) {
      const page = await db.query<Stored & { id: number; prev_hash: unknown; hash: unknown }>(
        `SELECT id, chain, position, at, actor_kind, actor_id, action, target_kind, target_id, ip, reason, prev_hash, hash
         FROM audit_log WHERE chain = $1 AND position > $2 ORDER BY position LIMIT $3`,
        [head.chain, after, pageSize],
      );
      for (const row of page.rows) {
        const position = Number(row.position);
        const fail = (problem: string, at = position): VerifyResult => ({
          ok: false,
          chain: head.chain,
          position: at,
          id: Number(row.id),
          problem,
        });
        if (position !== expected) return fail(`entry ${expected} is missing`, expected);
        if (!asBuffer(row.prev_hash).equals(prev)) return fail('link to the previous entry is broken');
        const hash = entryHash(key, prev, row);
        if (!hash.equals(asBuffer(row.hash))) return fail('entry content does not match its hash');
        prev = hash;
        expected++;
        entries++;
        after = position;
      }
      if (page.rows.length < pageSize) break;
    }
    if (expected - 1 !== Number(head.position) || !prev.equals(asBuffer(head.hash))) {
      return {
        ok: false,
        chain: head.chain,
        position: expected,
        id: null,
        problem: `chain ends at entry ${expected - 1} but its head records entry ${head.position}: newest entries were deleted`,
      };
    }
  }
  // Every conversation whose start an organisation chain records must still have its own chain:
  // deleting a conversation's whole chain, head and all, is caught here.
  const started = await db.query<{ id: number; chain: string; position: number; target_id: string }>(
    `SELECT l.id, l.chain, l.position, l.target_id FROM audit_log l
     WHERE l.action = 'conversation.start' AND l.chain NOT LIKE 'conversation:%'
       AND NOT EXISTS (SELECT 1 FROM audit_heads h WHERE h.chain = 'conversation:' || l.target_id)
     ORDER BY l.id LIMIT 1`,
  );
  const unchained = started.rows[0];
  if (unchained) {
    return {
      ok: false,
      chain: `conversation:${unchained.target_id}`,
      position: 1,
      id: null,
      problem: `the conversation's chain is missing, though ${unchained.chain} entry ${unchained.position} records its start`,
    };
  }
  return { ok: true, chains: heads.rows.length, entries };
}
