import { randomUUID } from 'node:crypto';
import { appendAudit } from '../platform/audit/auditLog.js';
import type { Queryable } from '../platform/db/types.js';
import type { Deps } from '../platform/deps.js';
import { ServiceUnavailable } from '../platform/http/errors.js';
import { isTransient } from '../platform/db/transient.js';
import { issue, outcome, type OperationOutcome } from '../platform/fhir/operationOutcome.js';
import { acceptedReceiptsSql, acceptedStatusSql, hasDeviceSql, outboundChain, PUSH_WAITING_SQL } from './acceptance.js';
import { duplicateOutcome, type BodyRefusal, type ReadChunk } from './bulkRead.js';
import { readBundleOffThread } from './bulkReaders.js';
import { HMAC_BYTES, requestHmacAt, type ChunkRows } from './chunkRows.js';
import type { ApiClient } from './clients/apiClients.js';
import type { Channel } from './fhir/systems.js';
import { pushDueAt } from './push/quietHours.js';

/** Chunk transactions of one Bundle at once: one committing while the next is written. */
const CHUNKS_IN_FLIGHT = 2;

export type EntryResponse =
  | { ok: true; id: string; repeated: boolean }
  | { ok: false; status: 400 | 403 | 409 | 500 | 503; outcome: OperationOutcome };

/**
 * A batch of in-app messages, each entry independent (partial success): the body is read on a
 * bulk reader thread by the same rules as a single send (readBundle), and each chunk of valid
 * entries it hands back is written in one transaction (one statement and one audit entry naming
 * the Bundle) while the rest is read. Answers one response per entry, in order, once every chunk
 * is committed or has failed; or why the body as a whole is refused. The body's memory moves to
 * the reader thread.
 */
export async function submitBundle(
  deps: Pick<Deps, 'db' | 'keyring' | 'now'>,
  client: ApiClient,
  body: Uint8Array,
  onChunkError?: (err: unknown) => void,
): Promise<{ bundleId: string; responses: EntryResponse[] } | { refused: BodyRefusal }> {
  const bundleId = randomUUID();
  // Filled in as chunks are written, then with the reader's refusals and repeats.
  const responses: EntryResponse[] = [];
  const keys = await deps.keyring.workerKeys(client.organisationId);
  // Never rejects: every entry of the chunk gets its answer, written or not.
  const write = async ({ indexes, rows }: ReadChunk): Promise<void> => {
    let written: Set<string>;
    try {
      written = await deps.db.tx((q) => writeChunk(q, client, bundleId, rows, deps.now()));
    } catch (err) {
      // Other chunks keep their 201s; this chunk's entries were not written and say so, so the
      // client resends exactly those (with request-ids, safely).
      const busy = err instanceof ServiceUnavailable || isTransient(err);
      for (const index of indexes) responses[index] = notWritten(busy);
      onChunkError?.(err);
      return;
    }
    const retried: number[] = [];
    rows.ids.forEach((id, i) => {
      if (written.has(id)) responses[indexes[i]!] = { ok: true, id, repeated: false };
      else retried.push(i);
    });
    // Entries whose request-id was used by an earlier request: its answer, or a conflict.
    if (retried.length === 0) return;
    try {
      await answerRetries(deps.db, client, rows, indexes, retried, responses);
    } catch (err) {
      // Their first answers could not be read back: nothing new was written for them, so asking
      // again is safe.
      for (const i of retried) responses[indexes[i]!] = notWritten(true);
      onChunkError?.(err);
    }
  };
  // Chunk k starts once chunk k - CHUNKS_IN_FLIGHT is over, however it ended: the database and
  // the reader work at once, with at most CHUNKS_IN_FLIGHT writes running.
  const writes: Promise<void>[] = [];
  let entries: number | null = null;
  let read: Awaited<ReturnType<typeof readBundleOffThread>>;
  try {
    read = await readBundleOffThread(
      body,
      { client, keys },
      {
        entries: (count) => (entries = count),
        chunk: (chunk, written) => {
          const before = writes[writes.length - CHUNKS_IN_FLIGHT] ?? Promise.resolve();
          const run = () => write(chunk).finally(written);
          writes.push(before.then(run, run));
        },
      },
    );
  } catch (err) {
    await Promise.allSettled(writes);
    // The reader failed before it had read the body: nothing was written, and the whole request fails.
    if (entries === null) throw err;
    // It failed part-way: the chunks already written keep their 201s, and every other entry says
    // it was not written, so the client resends exactly those.
    onChunkError?.(err);
    return { bundleId, responses: complete(responses, entries) };
  }
  await Promise.allSettled(writes);
  if ('refused' in read) return read;
  const { refusals, repeats } = read;
  for (const r of refusals) responses[r.index] = { ok: false, status: r.status, outcome: r.outcome };
  // A repeat inside the Bundle gets its first entry's answer, whatever that turned out to be.
  for (const { index, first } of repeats) {
    const answer = responses[first]!;
    responses[index] = answer.ok ? { ...answer, repeated: true } : answer;
  }
  return { bundleId, responses: complete(responses, entries ?? responses.length) };
}

/** One answer for each of the Bundle's entries: any left without one was not written. */
function complete(responses: EntryResponse[], entries: number): EntryResponse[] {
  return Array.from({ length: entries }, (_, i) => responses[i] ?? notWritten(false));
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
    rows.nhsHmacs,
    rows.requestIds,
    rows.requestHmacs,
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
  // Each message's patient is found by its own probe of the NHS-number index, and whether they
  // have a device only once they are found: as a join, the planner hashes the whole patients
  // table for every chunk (and asks about devices for every patient in it).
  const text = `WITH input AS (
       SELECT t.id, t.request_id, t.campaign_id, t.not_notified_s, t.unread_s, t.fallback_off,
         (SELECT p.id FROM patients p
           WHERE p.nhs_number_hmac = substring($2::bytea FROM (t.n::int - 1) * ${HMAC_BYTES} + 1 FOR ${HMAC_BYTES})
             AND p.identity_level = 'P9') AS patient_id,
         CASE WHEN t.request_id IS NOT NULL
           THEN substring($4::bytea FROM (t.n::int - 1) * ${HMAC_BYTES} + 1 FOR ${HMAC_BYTES}) END AS request_hmac,
         substring($6::bytea FROM t.off FOR t.len) AS resource_enc
       FROM unnest($1::uuid[], $3::text[], $5::text[], $7::int[], $8::int[], $9::int[], $10::int[], $11::boolean[])
         WITH ORDINALITY AS t(id, request_id, campaign_id, off, len, not_notified_s, unread_s, fallback_off, n)
       -- Keeps this a query of its own: merged into the insert below, each use of patient_id there
       -- would run the lookup again.
       OFFSET 0),
     m AS (
       INSERT INTO outbound_messages (id, client_id, channel, patient_id, request_id, request_hmac, campaign_id,
         resource_enc, status, bundle_id, created_at, fallback_not_notified_s, fallback_unread_s, fallback_off)
       SELECT input.id, $12, $17, input.patient_id, input.request_id, input.request_hmac, input.campaign_id,
         input.resource_enc, ${acceptedStatusSql(channel, 'input.patient_id IS NOT NULL', hasDeviceSql('input.patient_id'))},
         $13, $14, input.not_notified_s, input.unread_s, input.fallback_off
       FROM input
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
  rows: ChunkRows,
  now: Date,
): Promise<Set<string>> {
  const { text, values } = chunkStatement(client, 'in_app', bundleId, rows, now);
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
  chunk: ChunkRows,
  indexes: number[],
  retried: number[],
  responses: EntryResponse[],
): Promise<void> {
  const { rows } = await db.query<{ id: string; request_id: string; request_hmac: Uint8Array }>(
    'SELECT id, request_id, request_hmac FROM outbound_messages WHERE client_id = $1 AND request_id = ANY($2::text[])',
    [client.id, retried.map((i) => chunk.requestIds[i])],
  );
  const byRequestId = new Map(rows.map((r) => [r.request_id, r]));
  for (const i of retried) {
    const prior = byRequestId.get(chunk.requestIds[i]!);
    responses[indexes[i]!] =
      prior && Buffer.from(prior.request_hmac).equals(requestHmacAt(chunk, i))
        ? { ok: true, id: prior.id, repeated: true }
        : { ok: false, status: 409, outcome: duplicateOutcome() };
  }
}
