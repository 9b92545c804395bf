import { randomUUID } from 'node:crypto';
import { appendAudit } from '../platform/audit/auditLog.js';
import type { Queryable } from '../platform/db/types.js';
import type { Deps } from '../platform/deps.js';
import { ServiceUnavailable } from '../platform/http/errors.js';
import { issue, outcome, type Issue, type OperationOutcome } from '../platform/fhir/operationOutcome.js';
import type { ApiClient } from './clients/apiClients.js';
import { communicationResource } from './fhir/communicationResource.js';
import {
  readCommunicationRequest,
  type CommunicationInput,
  type ContentMemo,
} from './fhir/readCommunicationRequest.js';
import { pushDueAt } from './push/quietHours.js';
import { NOT_FOUND_REASON, outboundChain, requestHmac } from './submit.js';

export const MAX_BUNDLE_ENTRIES = 50_000;
/** Rows per INSERT: large enough that the round trip is noise, small enough to keep locks short. */
const CHUNK = 2_000;
const YIELD_EVERY = 200;

export type EntryResponse =
  | { ok: true; id: string; repeated: boolean }
  | { ok: false; status: 400 | 403 | 409 | 500 | 503; outcome: OperationOutcome };

type Prepared = {
  index: number;
  id: string;
  input: CommunicationInput;
  nhsHmac: Buffer;
  reqHmac: Buffer | null;
  sealed: Buffer;
};

/**
 * A batch of in-app messages, each entry independent (partial success): every entry is read by the
 * same rules as a single send, then the valid ones are written in chunks, each chunk in one
 * transaction with one INSERT per table and one audit entry naming the Bundle. Answers one
 * response per entry, in order.
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
  const seal = await deps.keyring.sealer(client.organisationId);
  const prepared: Prepared[] = [];
  // A request-id used twice in one Bundle: the first entry decides, as if they came one by one.
  const seenRequestIds = new Map<string, Prepared>();
  const repeats: { index: number; first: Prepared }[] = [];
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
    const reqHmac = input.requestId !== null ? await requestHmac(deps, input) : null;
    const earlier = input.requestId !== null ? seenRequestIds.get(input.requestId) : undefined;
    if (earlier) {
      if (earlier.reqHmac!.equals(reqHmac!)) repeats.push({ index, first: earlier });
      else responses[index] = duplicate();
      continue;
    }
    const id = randomUUID();
    const p: Prepared = {
      index,
      id,
      input,
      nhsHmac: await deps.keyring.lookupHmac(input.nhsNumber),
      reqHmac,
      sealed: seal(JSON.stringify(communicationResource(id, input))),
    };
    if (input.requestId !== null) seenRequestIds.set(input.requestId, p);
    prepared.push(p);
  }
  for (let start = 0; start < prepared.length; start += CHUNK) {
    const chunk = prepared.slice(start, start + CHUNK);
    let written: Set<string>;
    try {
      written = await deps.db.tx((q) => writeChunk(q, client, bundleId, chunk, deps.now()));
    } catch (err) {
      // Earlier chunks are committed and keep their 201s; this chunk's entries were not written
      // and say so, so the client resends exactly those (with request-ids, safely).
      const busy = err instanceof ServiceUnavailable;
      for (const p of chunk) responses[p.index] = notWritten(busy);
      onChunkError?.(err);
      continue;
    }
    for (const p of chunk) {
      if (written.has(p.id)) responses[p.index] = { ok: true, id: p.id, repeated: false };
    }
    // Entries whose request-id was used by an earlier request: its answer, or a conflict.
    const retried = chunk.filter((p) => !written.has(p.id));
    if (retried.length > 0) await answerRetries(deps.db, client, retried, responses);
  }
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

/**
 * One chunk in one transaction: P9 patients looked up in one query, then every message and every
 * receipt in one INSERT each (arrays unnested server-side), and one audit entry for the chunk.
 * Returns the ids written; entries whose request-id already existed are skipped by the index.
 */
async function writeChunk(
  q: Queryable,
  client: ApiClient,
  bundleId: string,
  chunk: Prepared[],
  now: Date,
): Promise<Set<string>> {
  const { rows: inserted } = await q.query<{ id: string; status: string }>(
    `WITH input AS (
       SELECT * FROM unnest($1::uuid[], $2::bytea[], $3::text[], $4::bytea[], $5::text[], $6::bytea[],
           $11::int[], $12::int[], $13::boolean[])
         AS t(id, nhs_hmac, request_id, request_hmac, campaign_id, resource_enc, not_notified_s, unread_s, fallback_off)),
     found AS (
       SELECT input.id, p.id AS patient_id FROM input JOIN patients p
         ON p.nhs_number_hmac = input.nhs_hmac AND p.identity_level = 'P9'),
     m AS (
       INSERT INTO outbound_messages (id, client_id, channel, patient_id, request_id, request_hmac, campaign_id,
         resource_enc, status, bundle_id, created_at, fallback_not_notified_s, fallback_unread_s, fallback_off)
       SELECT input.id, $7, 'in_app', found.patient_id, input.request_id, input.request_hmac, input.campaign_id,
         input.resource_enc, CASE WHEN found.patient_id IS NULL THEN 'Rejected' ELSE 'Delivered' END, $8, $9,
         input.not_notified_s, input.unread_s, input.fallback_off
       FROM input LEFT JOIN found ON found.id = input.id
       ON CONFLICT (client_id, request_id) DO NOTHING
       RETURNING id, status, patient_id),
     -- Each delivered message's push, due now or, in the night, at 06:00 London time.
     pu AS (
       INSERT INTO outbound_pushes (id, message_id, patient_id, due_at, created_at)
       SELECT gen_random_uuid(), m.id, m.patient_id, $10, $9 FROM m WHERE m.status = 'Delivered')
     SELECT id, status FROM m`,
    [
      chunk.map((p) => p.id),
      chunk.map((p) => p.nhsHmac),
      chunk.map((p) => p.input.requestId),
      chunk.map((p) => p.reqHmac),
      chunk.map((p) => p.input.campaignId),
      chunk.map((p) => p.sealed),
      client.id,
      bundleId,
      now,
      pushDueAt(now),
      chunk.map((p) => p.input.fallback?.notNotifiedS ?? null),
      chunk.map((p) => p.input.fallback?.unreadS ?? null),
      chunk.map((p) => p.input.fallback?.off ?? false),
    ],
  );
  if (inserted.length > 0) {
    // Receipts, and for a client with a callback URL their callbacks, due at once.
    await q.query(
      `WITH r AS (
         INSERT INTO outbound_receipts (id, message_id, client_id, code, reason, at)
         SELECT gen_random_uuid(), m.id, $3, m.status, CASE WHEN m.status = 'Rejected' THEN $4 END, $5
         FROM unnest($1::uuid[], $2::text[]) AS m(id, status)
         RETURNING id)
       INSERT INTO outbound_callbacks (receipt_id, client_id, next_attempt_at, created_at)
       SELECT r.id, $3, $5, $5 FROM r WHERE $6::boolean`,
      [
        inserted.map((r) => r.id),
        inserted.map((r) => r.status),
        client.id,
        NOT_FOUND_REASON,
        now,
        client.callbackUrl !== null,
      ],
    );
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
