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
 * The audit trail of a batch of writes as one CTE (`audit_batch`, one row) for embedding in the
 * statement that makes them: one entry for each target that the CTE named `written` returns (by
 * its `id` column), appended to one chain by `audit_append_batch` with the hashes a one-by-one
 * append would compute. The statement must read `audit_batch` for it to run.
 */
export function auditBatchCte(
  q: Pick<Queryable, 'context'>,
  param: (value: unknown) => string,
  a: {
    chain: string;
    actorKind: AuditEntry['actorKind'];
    actorId: string;
    action: string;
    targetKind: string;
    targets: readonly { id: string; ip: string | null }[];
    written: string;
  },
): string {
  const { ipad, opad } = hmacPads(auditKeyOf(q));
  const at = new Date();
  const canonicals = a.targets.map((t) =>
    canonical({
      chain: a.chain,
      at,
      actor_kind: a.actorKind,
      actor_id: a.actorId,
      action: a.action,
      target_kind: a.targetKind,
      target_id: t.id,
      ip: t.ip,
      reason: null,
    }),
  );
  const fixed = [a.chain, ipad, opad, at, a.actorKind, a.actorId, a.action, a.targetKind].map(param);
  const types = ['text', 'bytea', 'bytea', 'timestamptz', 'text', 'text', 'text', 'text'];
  return `audit_batch AS (
       SELECT audit_append_batch(${fixed.map((f, i) => `${f}::${types[i]}`).join(', ')},
         array_agg(a.target_id ORDER BY a.n), array_agg(a.ip ORDER BY a.n), array_agg(a.canonical ORDER BY a.n)) AS appended
       FROM ${a.written} w
       JOIN unnest(${param(a.targets.map((t) => t.id))}::text[], ${param(a.targets.map((t) => t.ip))}::text[],
         ${param(canonicals)}::bytea[]) WITH ORDINALITY AS a(target_id, ip, canonical, n) ON a.target_id = w.id::text)`;
}

/**
 * Appends to the entry's chain inside the caller's transaction, so the audit record commits or
 * rolls back with the change it describes.
 */
export async function appendAudit(q: Queryable, entry: AuditEntry): Promise<void> {
  const p = new SqlParams();
  await q.query(`WITH ${auditCtes(q, entry, p)} SELECT 1`, p.values);
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
