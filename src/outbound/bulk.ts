import { randomUUID } from 'node:crypto';
import { appendAudit } from '../platform/audit/auditLog.js';
import type { Queryable } from '../platform/db/types.js';
import type { Deps } from '../platform/deps.js';
import { ServiceUnavailable } from '../platform/http/errors.js';
import { isTransient } from '../platform/db/transient.js';
import { issue, outcome, type Issue, type OperationOutcome } from '../platform/fhir/operationOutcome.js';
import { uuidv7 } from '../platform/ids/uuidv7.js';
import type { ApiClient } from './clients/apiClients.js';
import { communicationResource } from './fhir/communicationResource.js';
import type { FallbackPolicy } from './fhir/fallbackExtension.js';
import type { Channel } from './fhir/systems.js';
import {
  readCommunicationRequest,
  type CommunicationInput,
  type ContentMemo,
} from './fhir/readCommunicationRequest.js';
import { acceptedReceiptsSql, acceptedStatusSql, hasDeviceSql, PUSH_WAITING_SQL } from './acceptance.js';
import { pushDueAt } from './push/quietHours.js';
import { outboundChain, requestHmac } from './acceptance.js';

export const MAX_BUNDLE_ENTRIES = 50_000;
/** Rows per INSERT: large enough that the round trip is noise, small enough to keep locks short. */
export const BULK_CHUNK = 2_000;
const YIELD_EVERY = 200;
/** Chunk transactions of one Bundle at once: one committing while the next is written. */
const CHUNKS_IN_FLIGHT = 2;

export type EntryResponse =
  | { ok: true; id: string; repeated: boolean }
  | { ok: false; status: 400 | 403 | 409 | 500 | 503; outcome: OperationOutcome };

/** An entry of the Bundle (its place in it) ready to write. */
type Prepared = ReadyMessage & { index: number };

type BatchSealer = (values: readonly Buffer[]) => { bytes: Buffer; lengths: number[] };

/**
 * A batch of in-app messages, each entry independent (partial success): every entry is read by the
 * same rules as a single send, and the valid ones are written in chunks as they are read, each
 * chunk in one transaction (one statement and one audit entry naming the Bundle). Answers one
 * response per entry, in order, once every chunk is committed or has failed.
 */
export async function submitBundle(
  deps: Pick<Deps, 'db' | 'keyring' | 'now'>,
  client: ApiClient,
  entries: unknown[],
  onChunkError?: (err: unknown) => void,
): Promise<{ bundleId: string; responses: EntryResponse[] }> {
  const bundleId = randomUUID();
  const responses: EntryResponse[] = new Array<EntryResponse>(entries.length);
  const memo: ContentMemo = new Map();
  const seal = await deps.keyring.batchSealer(client.organisationId);
  const hash = await deps.keyring.lookupHasher();
  // A request-id used twice in one Bundle: the first entry decides, as if they came one by one.
  const seenRequestIds = new Map<string, Prepared>();
  const repeats: { index: number; first: Prepared }[] = [];
  // Never rejects: every entry of the chunk gets its answer, written or not.
  const write = async (chunk: Prepared[]): Promise<void> => {
    let written: Set<string>;
    try {
      written = await deps.db.tx((q) => writeChunk(q, client, bundleId, chunk, seal, deps.now()));
    } catch (err) {
      // Other chunks keep their 201s; this chunk's entries were not written and say so, so the
      // client resends exactly those (with request-ids, safely).
      const busy = err instanceof ServiceUnavailable || isTransient(err);
      for (const p of chunk) responses[p.index] = notWritten(busy);
      onChunkError?.(err);
      return;
    }
    for (const p of chunk) {
      if (written.has(p.id)) responses[p.index] = { ok: true, id: p.id, repeated: false };
    }
    // Entries whose request-id was used by an earlier request: its answer, or a conflict.
    const retried = chunk.filter((p) => !written.has(p.id));
    if (retried.length === 0) return;
    try {
      await answerRetries(deps.db, client, retried, responses);
    } catch (err) {
      // Their first answers could not be read back: nothing new was written for them, so asking
      // again is safe.
      for (const p of retried) responses[p.index] = notWritten(true);
      onChunkError?.(err);
    }
  };
  // Chunks are written while the next are read: the database and this node work at once.
  const started: Promise<void>[] = [];
  const writing = new Set<Promise<void>>();
  const startWrite = async (chunk: Prepared[]) => {
    const w = write(chunk).finally(() => writing.delete(w));
    started.push(w);
    writing.add(w);
    if (writing.size >= CHUNKS_IN_FLIGHT) await Promise.race(writing);
  };
  let chunk: Prepared[] = [];
  for (const [index, entry] of entries.entries()) {
    // Reading a large Bundle is CPU-bound: let the node serve other requests as it goes.
    if (index % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
    const resource = readEntry(entry);
    if ('issues' in resource) {
      responses[index] = { ok: false, status: 400, outcome: outcome(resource.issues) };
      continue;
    }
    const read = readCommunicationRequest(resource.body, 'in_app', client, memo);
    if (!read.ok) {
      responses[index] = { ok: false, status: read.status, outcome: outcome(read.issues) };
      continue;
    }
    const input = read.input;
    const reqHmac = input.requestId !== null ? requestHmac(hash, input) : null;
    const earlier = input.requestId !== null ? seenRequestIds.get(input.requestId) : undefined;
    if (earlier) {
      if (earlier.reqHmac!.equals(reqHmac!)) repeats.push({ index, first: earlier });
      else responses[index] = duplicate();
      continue;
    }
    const id = uuidv7();
    const p: Prepared = {
      index,
      id,
      input,
      nhsHmac: hash(input.nhsNumber),
      reqHmac,
      resource: Buffer.from(JSON.stringify(communicationResource(id, input)), 'utf8'),
    };
    if (input.requestId !== null) seenRequestIds.set(input.requestId, p);
    chunk.push(p);
    if (chunk.length === BULK_CHUNK) {
      await startWrite(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) await startWrite(chunk);
  await Promise.all(started);
  // A repeat inside the Bundle gets its first entry's answer, whatever that turned out to be.
  for (const { index, first } of repeats) {
    const answer = responses[first.index]!;
    responses[index] = answer.ok ? { ...answer, repeated: true } : answer;
  }
  return { bundleId, responses };
}

function notWritten(busy: boolean): EntryResponse {
  return {
    ok: false,
    status: busy ? 503 : 500,
    outcome: outcome([
      busy
        ? issue('transient', 'The service is busy; this entry was not written. Send it again.')
        : issue('exception', 'This entry was not written. Send it again.'),
    ]),
  };
}

function duplicate(): EntryResponse {
  return {
    ok: false,
    status: 409,
    outcome: outcome([issue('duplicate', 'This request-id was already used for a different request.', 'identifier')]),
  };
}

/** A batch entry: `{ resource, request: { method: 'POST', url: 'CommunicationRequest' } }`. */
function readEntry(entry: unknown): { body: unknown } | { issues: Issue[] } {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return { issues: [issue('invalid', 'Each entry must be an object')] };
  }
  const e = entry as { resource?: unknown; request?: { method?: unknown; url?: unknown } | null };
  if (
    e.request !== undefined &&
    (typeof e.request !== 'object' ||
      e.request === null ||
      e.request.method !== 'POST' ||
      e.request.url !== 'CommunicationRequest')
  ) {
    return { issues: [issue('invalid', 'request must be POST CommunicationRequest', 'request')] };
  }
  if (e.resource === undefined) return { issues: [issue('invalid', 'Not specified', 'resource')] };
  return { body: e.resource };
}

const HMAC_BYTES = 32;

/** Each entry's 32-byte HMAC end to end in one buffer (zeros for none), to be cut apart in SQL. */
function packHmacs(hmacs: readonly (Buffer | null)[]): Buffer {
  const out = Buffer.alloc(HMAC_BYTES * hmacs.length);
  hmacs.forEach((h, i) => {
    if (h && h.length !== HMAC_BYTES) throw new Error(`an HMAC of ${h.length} bytes, not ${HMAC_BYTES}`);
    h?.copy(out, i * HMAC_BYTES);
  });
  return out;
}

/** One chunk's values, column by column; the resources already sealed into one buffer. */
export type ChunkRows = {
  ids: string[];
  nhsHmacs: Buffer[];
  requestIds: (string | null)[];
  requestHmacs: (Buffer | null)[];
  campaignIds: (string | null)[];
  sealed: { bytes: Buffer; lengths: number[] };
  fallback: (FallbackPolicy | null | undefined)[];
};

/** A message read and hashed, ready to write; its resource as UTF-8 JSON, sealed with its chunk. */
export type ReadyMessage = {
  id: string;
  input: CommunicationInput;
  nhsHmac: Buffer;
  reqHmac: Buffer | null;
  resource: Buffer;
};

/** The chunk statement's values for these messages (bulk, group-committed single sends, the bench). */
export function chunkRowsOf(messages: readonly ReadyMessage[], seal: BatchSealer): ChunkRows {
  return {
    ids: messages.map((m) => m.id),
    nhsHmacs: messages.map((m) => m.nhsHmac),
    requestIds: messages.map((m) => m.input.requestId),
    requestHmacs: messages.map((m) => m.reqHmac),
    campaignIds: messages.map((m) => m.input.campaignId),
    sealed: seal(messages.map((m) => m.resource)),
    fallback: messages.map((m) => m.input.fallback),
  };
}

/**
 * The statement that writes one chunk: every message, its receipts, its push (for a patient with a
 * device) and the receipts' callbacks. The bytes (lookup HMACs, request HMACs, sealed resources) go
 * as three binary parameters cut apart server-side: an array of bytea would travel as hex text,
 * twice the size and parsed value by value. Exported so the benchmark's floor runs this very
 * statement.
 */
export function chunkStatement(
  client: Pick<ApiClient, 'id' | 'callbackUrl'>,
  channel: Channel,
  bundleId: string | null,
  rows: ChunkRows,
  now: Date,
  /** An `audit_batch` CTE (see `auditBatchCte`) over the written messages, `m`, to run in the statement. */
  audit?: (param: (value: unknown) => string) => string,
): { text: string; values: unknown[] } {
  const offsets = new Array<number>(rows.ids.length);
  let at = 1; // SQL substring counts from 1
  rows.sealed.lengths.forEach((length, i) => {
    offsets[i] = at;
    at += length;
  });
  const values: unknown[] = [
    rows.ids,
    packHmacs(rows.nhsHmacs),
    rows.requestIds,
    packHmacs(rows.requestHmacs),
    rows.campaignIds,
    rows.sealed.bytes,
    offsets,
    rows.sealed.lengths,
    rows.fallback.map((f) => f?.notNotifiedS ?? null),
    rows.fallback.map((f) => f?.unreadS ?? null),
    rows.fallback.map((f) => f?.off ?? false),
    client.id,
    bundleId,
    now,
    pushDueAt(now),
    client.callbackUrl !== null,
    channel,
  ];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const text = `WITH input AS (
       SELECT t.id, t.request_id, t.campaign_id, t.not_notified_s, t.unread_s, t.fallback_off,
         substring($2::bytea FROM (t.n::int - 1) * ${HMAC_BYTES} + 1 FOR ${HMAC_BYTES}) AS nhs_hmac,
         CASE WHEN t.request_id IS NOT NULL
           THEN substring($4::bytea FROM (t.n::int - 1) * ${HMAC_BYTES} + 1 FOR ${HMAC_BYTES}) END AS request_hmac,
         substring($6::bytea FROM t.off FOR t.len) AS resource_enc
       FROM unnest($1::uuid[], $3::text[], $5::text[], $7::int[], $8::int[], $9::int[], $10::int[], $11::boolean[])
         WITH ORDINALITY AS t(id, request_id, campaign_id, off, len, not_notified_s, unread_s, fallback_off, n)),
     found AS (
       SELECT input.id, p.id AS patient_id, ${hasDeviceSql('p.id')} AS has_device
       FROM input JOIN patients p ON p.nhs_number_hmac = input.nhs_hmac AND p.identity_level = 'P9'),
     m AS (
       INSERT INTO outbound_messages (id, client_id, channel, patient_id, request_id, request_hmac, campaign_id,
         resource_enc, status, bundle_id, created_at, fallback_not_notified_s, fallback_unread_s, fallback_off)
       SELECT input.id, $12, $17, found.patient_id, input.request_id, input.request_hmac, input.campaign_id,
         input.resource_enc, ${acceptedStatusSql(channel, 'found.patient_id IS NOT NULL', 'found.has_device')},
         $13, $14, input.not_notified_s, input.unread_s, input.fallback_off
       FROM input LEFT JOIN found ON found.id = input.id
       -- One order for every writer, so two writes of the same request-ids wait rather than deadlock.
       ORDER BY input.request_id
       ON CONFLICT (client_id, request_id) DO NOTHING
       RETURNING id, status, patient_id),
     -- Each push, due now or, in the night, at 06:00 London time.
     pu AS (
       INSERT INTO outbound_pushes (id, message_id, patient_id, due_at, created_at)
       SELECT gen_random_uuid(), m.id, m.patient_id, $15, $14 FROM m WHERE m.status IN ${PUSH_WAITING_SQL}),
     r AS (
       INSERT INTO outbound_receipts (id, message_id, client_id, code, reason, at)
       SELECT uuid_v7($14), m.id, $12, k.code, k.reason, $14::timestamptz + k.later * interval '1 millisecond'
       FROM m JOIN ${acceptedReceiptsSql(channel, param)} AS k(status, code, reason, later) ON k.status = m.status
       RETURNING id),
     -- For a client with a callback URL, each receipt's callback, due at once.
     cb AS (
       INSERT INTO outbound_callbacks (receipt_id, client_id, next_attempt_at, created_at)
       SELECT r.id, $12, $14, $14 FROM r WHERE $16::boolean)
     ${audit ? `, ${audit(param)} SELECT m.id, m.status FROM m CROSS JOIN audit_batch` : 'SELECT id, status FROM m'}`;
  return { text, values };
}

/**
 * One chunk in one transaction: its statement, then one audit entry naming the chunk. Returns the
 * ids written; entries whose request-id already existed are skipped by the index.
 */
async function writeChunk(
  q: Queryable,
  client: ApiClient,
  bundleId: string,
  chunk: Prepared[],
  seal: BatchSealer,
  now: Date,
): Promise<Set<string>> {
  const { text, values } = chunkStatement(client, 'in_app', bundleId, chunkRowsOf(chunk, seal), now);
  const { rows: inserted } = await q.query<{ id: string; status: string }>(text, values);
  if (inserted.length > 0) {
    const rejected = inserted.filter((r) => r.status === 'Rejected').length;
    await appendAudit(q, {
      chain: outboundChain(client.id, bundleId),
      actorKind: 'api_client',
      actorId: client.id,
      action: 'outbound.bundle',
      targetKind: 'bundle',
      targetId: bundleId,
      reason: `${inserted.length} messages (${rejected} rejected)`,
    });
  }
  return new Set(inserted.map((r) => r.id));
}

/** Request-ids seen in an earlier request: the first answer for the same request, else 409. */
async function answerRetries(
  db: Pick<Deps['db'], 'query'>,
  client: ApiClient,
  retried: Prepared[],
  responses: EntryResponse[],
): Promise<void> {
  const { rows } = await db.query<{ id: string; request_id: string; request_hmac: Uint8Array }>(
    'SELECT id, request_id, request_hmac FROM outbound_messages WHERE client_id = $1 AND request_id = ANY($2::text[])',
    [client.id, retried.map((p) => p.input.requestId)],
  );
  const byRequestId = new Map(rows.map((r) => [r.request_id, r]));
  for (const p of retried) {
    const prior = byRequestId.get(p.input.requestId!);
    responses[p.index] =
      prior && Buffer.from(prior.request_hmac).equals(p.reqHmac!)
        ? { ok: true, id: prior.id, repeated: true }
        : duplicate();
  }
}
