/**
 * The floor for bulk sends: the same rows written straight to PostgreSQL from this process, with
 * the server's own two `unnest` statements (messages, then receipts) in chunks of the same size,
 * one transaction per chunk and as many chunks in flight as Bundles were. Whatever the server
 * takes beyond this is its own work: parsing, validating, sealing, hashing, answering.
 *
 * The rows go into copies of the two tables with the same columns, indexes, checks and foreign
 * keys (LIKE … INCLUDING ALL copies everything but the foreign keys, so those are added), so
 * PostgreSQL does the same work per row as for the real tables.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { NOT_FOUND_REASON } from '../../src/outbound/submit.js';
import type { Db } from '../../src/platform/db/types.js';
import { snapshot, type Snapshot } from './cpuWindow.js';
import { mapLimit } from './http.js';
import type { BenchDeps } from './outboundSeed.js';
import { REPO_ROOT } from './server.js';

/** As in src/outbound/bulk.ts (CHUNK), and for the same reason. */
const CHUNK = 2_000;

// Copied verbatim from writeChunk in src/outbound/bulk.ts; checkStillServerSql warns when they drift.
const MESSAGES_SQL = `WITH input AS (
       SELECT * FROM unnest($1::uuid[], $2::bytea[], $3::text[], $4::bytea[], $5::text[], $6::bytea[])
         AS t(id, nhs_hmac, request_id, request_hmac, campaign_id, resource_enc)),
     found AS (
       SELECT input.id, p.id AS patient_id FROM input JOIN patients p
         ON p.nhs_number_hmac = input.nhs_hmac AND p.identity_level = 'P9')
     INSERT INTO outbound_messages (id, client_id, channel, patient_id, request_id, request_hmac, campaign_id,
       resource_enc, status, bundle_id, created_at)
     SELECT input.id, $7, 'in_app', found.patient_id, input.request_id, input.request_hmac, input.campaign_id,
       input.resource_enc, CASE WHEN found.patient_id IS NULL THEN 'Rejected' ELSE 'Delivered' END, $8, $9
     FROM input LEFT JOIN found ON found.id = input.id
     ON CONFLICT (client_id, request_id) DO NOTHING
     RETURNING id, status`;
const RECEIPTS_SQL = `INSERT INTO outbound_receipts (id, message_id, client_id, code, reason, at)
       SELECT gen_random_uuid(), m.id, $3, m.status, CASE WHEN m.status = 'Rejected' THEN $4 END, $5
       FROM unnest($1::uuid[], $2::text[]) AS m(id, status)`;

const RAW_MESSAGES_SQL = MESSAGES_SQL.replace('INSERT INTO outbound_messages', 'INSERT INTO raw_outbound_messages');
const RAW_RECEIPTS_SQL = RECEIPTS_SQL.replace('INSERT INTO outbound_receipts', 'INSERT INTO raw_outbound_receipts');

const CREATE_TABLES = `
  CREATE TABLE raw_outbound_messages (LIKE outbound_messages INCLUDING ALL);
  ALTER TABLE raw_outbound_messages ADD FOREIGN KEY (client_id) REFERENCES api_clients (id),
    ADD FOREIGN KEY (patient_id) REFERENCES patients (id);
  CREATE TABLE raw_outbound_receipts (LIKE outbound_receipts INCLUDING ALL);
  ALTER TABLE raw_outbound_receipts ADD FOREIGN KEY (message_id) REFERENCES raw_outbound_messages (id),
    ADD FOREIGN KEY (client_id) REFERENCES api_clients (id);`;
export const DROP_RAW_TABLES = 'DROP TABLE IF EXISTS raw_outbound_receipts, raw_outbound_messages';

/** A reader of the result should know if the floor no longer uses the server's statements. */
export function checkStillServerSql(log: (line: string) => void): void {
  const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
  const source = squash(readFileSync(path.join(REPO_ROOT, 'src/outbound/bulk.ts'), 'utf8'));
  for (const [name, sql] of [
    ['messages', MESSAGES_SQL],
    ['receipts', RECEIPTS_SQL],
  ] as const) {
    if (!source.includes(squash(sql))) {
      log(
        `warning: the rawInsert ${name} statement no longer matches src/outbound/bulk.ts; update bench/lib/rawInsertPhase.ts`,
      );
    }
  }
}

export type RawInsertOptions = {
  deps: BenchDeps;
  databaseUrl: string;
  clientId: string;
  /** The bulk phase's entries, Bundle by Bundle. */
  bundles: readonly (readonly { nhsNumber: string; requestId: string }[])[];
  campaignId: string;
  concurrency: number;
  sealedResourceBytes: number;
  serverPid: number | null;
  log: (line: string) => void;
};

export type RawInsertResult = {
  rows: number;
  receipts: number;
  seconds: number;
  messagesPerSecond: number;
  resourceEncBytes: number;
};

type Chunk = {
  ids: string[];
  nhsHmacs: Buffer[];
  requestIds: string[];
  requestHmacs: Buffer[];
  campaignIds: string[];
  sealed: Buffer[];
};

/** Every value built before the clock starts; the lookup HMACs are real, so the patient join finds the same patients. */
async function buildChunks(o: RawInsertOptions): Promise<Chunk[][]> {
  const hmacOf = new Map<string, Buffer>();
  for (const bundle of o.bundles) {
    for (const e of bundle) {
      if (!hmacOf.has(e.nhsNumber)) hmacOf.set(e.nhsNumber, await o.deps.keyring.lookupHmac(e.nhsNumber));
    }
  }
  return o.bundles.map((bundle) => {
    const chunks: Chunk[] = [];
    for (let i = 0; i < bundle.length; i += CHUNK) {
      const part = bundle.slice(i, i + CHUNK);
      chunks.push({
        ids: part.map(() => randomUUID()),
        nhsHmacs: part.map((e) => hmacOf.get(e.nhsNumber)!),
        requestIds: part.map((e) => e.requestId),
        requestHmacs: part.map(() => randomBytes(32)),
        campaignIds: part.map(() => o.campaignId),
        sealed: part.map(() => randomBytes(o.sealedResourceBytes)),
      });
    }
    return chunks;
  });
}

async function writeChunk(c: pg.Client, clientId: string, bundleId: string, chunk: Chunk): Promise<[number, number]> {
  const now = new Date();
  await c.query('BEGIN');
  try {
    const { rows } = await c.query<{ id: string; status: string }>({
      name: 'raw_messages',
      text: RAW_MESSAGES_SQL,
      values: [
        chunk.ids,
        chunk.nhsHmacs,
        chunk.requestIds,
        chunk.requestHmacs,
        chunk.campaignIds,
        chunk.sealed,
        clientId,
        bundleId,
        now,
      ],
    });
    let receipts = 0;
    if (rows.length > 0) {
      const r = await c.query({
        name: 'raw_receipts',
        text: RAW_RECEIPTS_SQL,
        values: [rows.map((m) => m.id), rows.map((m) => m.status), clientId, NOT_FOUND_REASON, now],
      });
      receipts = r.rowCount ?? 0;
    }
    await c.query('COMMIT');
    return [rows.length, receipts];
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

export async function createRawTables(db: Db): Promise<void> {
  await db.exec(CREATE_TABLES);
}

export async function runRawInsertPhase(o: RawInsertOptions): Promise<{
  result: RawInsertResult;
  window: { start: Snapshot; end: Snapshot };
}> {
  checkStillServerSql(o.log);
  const bundles = await buildChunks(o);
  const connections = await Promise.all(
    Array.from({ length: Math.min(o.concurrency, bundles.length) }, async () => {
      const c = new pg.Client({ connectionString: o.databaseUrl });
      await c.connect();
      return c;
    }),
  );
  const free = [...connections];
  let rows = 0;
  let receipts = 0;
  try {
    o.log(`rawInsert: ${o.bundles.length} × ${o.bundles[0]?.length ?? 0} rows, ${connections.length} connections`);
    const start = snapshot(o.serverPid);
    await mapLimit(bundles, connections.length, async (chunks) => {
      const c = free.pop()!;
      try {
        const bundleId = randomUUID();
        for (const chunk of chunks) {
          const [m, r] = await writeChunk(c, o.clientId, bundleId, chunk);
          rows += m;
          receipts += r;
        }
      } finally {
        free.push(c);
      }
    });
    const end = snapshot(o.serverPid);
    const seconds = (end.at - start.at) / 1000;
    return {
      result: {
        rows,
        receipts,
        seconds: Math.round(seconds * 100) / 100,
        messagesPerSecond: Math.round(rows / seconds),
        resourceEncBytes: o.sealedResourceBytes,
      },
      window: { start, end },
    };
  } finally {
    await Promise.all(connections.map((c) => c.end().catch(() => undefined)));
  }
}
