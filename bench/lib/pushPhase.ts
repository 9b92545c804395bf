/**
 * Web Push dispatch: how fast the server's own dispatcher (startPushRunner, inside the server the
 * bench started) sends a backlog of due pushes to a real local push service. Before the clock:
 * fresh P9 patients, each with one device of the local push service subscribed as
 * src/outbound/push/subscriptions.ts seals one, and every message's values built as the rawInsert
 * floor builds them. Then all the messages are written in ONE transaction with the server's own
 * chunk statement, so their pushes become due together, and the clock runs from COMMIT until no
 * push of theirs is left due. Writing straight to the database keeps the bulk API's cost out of the
 * figure: what is measured is claim, decrypt the subscription, encrypt the payload, sign (a reused
 * VAPID token), POST, and record the outcomes and receipts.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { chunkStatement } from '../../src/outbound/bulk.js';
import { sealSubscription } from '../../src/outbound/push/subscriptions.js';
import { startPushService } from '../../src/testing/pushService.js';
import { buildChunkRows } from './chunkRows.js';
import { snapshot, type Snapshot } from './cpuWindow.js';
import { mapLimit } from './http.js';
import { enrolPatients, type BenchDeps, type Sender } from './outboundSeed.js';

/** The push service decrypts one push in this many: the others only have their headers checked. */
const CHECK_ONE_IN = 50;
const SUBSCRIBE_CHUNK = 5_000;
const POLL_MS = 200;
const PROGRESS_EVERY_MS = 5_000;
const TIMEOUT_MS = 10 * 60_000;
/** No push accepted for this long: say what the server and its database sessions are doing. */
const STALL_MS = 60_000;

export type PushOptions = {
  deps: BenchDeps;
  databaseUrl: string;
  sender: Sender;
  /** NHS numbers no other phase uses: one new patient, one device and one message each. */
  nhsNumbers: readonly string[];
  content: string;
  campaignId: string;
  runTag: string;
  serverPid: number | null;
  /** Run after the set-up, before the transaction: settleDatabase, so the set-up's writes are not paid for in the window. */
  settle: () => Promise<void>;
  /** True once the bench is being interrupted: the phase stops waiting. */
  stopped: () => boolean;
  log: (line: string) => void;
};

export type PushResult = {
  /** Messages written, and the push rows they queued (one each). */
  messages: number;
  pushes: number;
  sent: number;
  unnotified: number;
  /** Push rows still due when the phase ended: 0 unless it timed out. */
  stillDue: number;
  timedOut: boolean;
  /** From COMMIT to the first and the last push row finished. */
  firstFinishedS: number | null;
  seconds: number | null;
  pushesPerSecond: number | null;
  /** NotificationAttempted receipts of these messages: one per sent push. */
  notificationAttemptedReceipts: number;
  /** The push service's counts: accepted (fully checked or not), fully checked, refused. */
  pushServiceAccepted: number;
  checked: number;
  refused: number;
  checkOneIn: number;
  /** Set-up before the clock: enrolment, devices and subscriptions, and the transaction. */
  setupS: number;
  writeS: number;
};

const round = (n: number, places = 2) => Math.round(n * 10 ** places) / 10 ** places;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Each patient gets one fresh device of the push service, sealed as subscribePush seals one. */
async function subscribeDevices(
  o: PushOptions,
  newDevice: () => { subscription: { endpoint: string; keys: { p256dh: string; auth: string } } },
): Promise<void> {
  const chunks: string[][] = [];
  for (let i = 0; i < o.nhsNumbers.length; i += SUBSCRIBE_CHUNK) {
    chunks.push(o.nhsNumbers.slice(i, i + SUBSCRIBE_CHUNK));
  }
  const now = o.deps.now();
  let inserted = 0;
  await mapLimit(chunks, 2, async (chunk) => {
    const nhsHmacs = await Promise.all(chunk.map((n) => o.deps.keyring.lookupHmac(n)));
    const sealed = await Promise.all(chunk.map(() => sealSubscription(o.deps, newDevice().subscription)));
    const { rowCount } = await o.deps.db.query(
      `INSERT INTO push_subscriptions (id, patient_id, endpoint_hmac, subscription_enc, created_at, updated_at)
       SELECT t.id, p.id, t.endpoint_hmac, t.enc, $5, $5
       FROM unnest($1::uuid[], $2::bytea[], $3::bytea[], $4::bytea[]) AS t(id, nhs_hmac, endpoint_hmac, enc)
       JOIN patients p ON p.nhs_number_hmac = t.nhs_hmac`,
      [chunk.map(() => randomUUID()), nhsHmacs, sealed.map((s) => s.endpointHmac), sealed.map((s) => s.sealed), now],
    );
    inserted += rowCount;
  });
  if (inserted !== o.nhsNumbers.length) {
    throw new Error(`push: ${inserted} subscriptions written for ${o.nhsNumbers.length} patients`);
  }
}

export async function runPushPhase(o: PushOptions): Promise<{
  result: PushResult;
  window: { start: Snapshot; end: Snapshot };
}> {
  const tSetup = performance.now();
  const service = await startPushService({ checkOneIn: CHECK_ONE_IN });
  const c = new pg.Client({ connectionString: o.databaseUrl });
  // A connection ended under it (the database dropped on Ctrl-C) fails its query, not the process.
  c.on('error', () => undefined);
  await c.connect();
  try {
    await enrolPatients(o.deps, o.nhsNumbers);
    await subscribeDevices(o, () => service.newDevice());
    const { chunks } = await buildChunkRows(
      o.deps,
      o.sender,
      o.nhsNumbers.map((nhsNumber, i) => ({ nhsNumber, requestId: `push-${o.runTag}-${i}` })),
      o.content,
      o.campaignId,
    );
    const messageIds = chunks.flatMap((chunk) => chunk.ids);
    await o.settle();
    const setupS = (performance.now() - tSetup) / 1000;
    o.log(
      `push: ${o.nhsNumbers.length} patients enrolled, each with one device of ${service.origin}, ` +
        `in ${round(setupS, 1)} s; push service checks one push in ${CHECK_ONE_IN}`,
    );

    // ---- one transaction: every message and its push, all due at the same instant ----------------
    // The bench's sender has no callback URL, as in the bulk phase.
    const client = { id: o.sender.clientId, callbackUrl: null };
    const bundleId = randomUUID();
    // One instant for the whole transaction (as PostgreSQL's now() is): it also finds these pushes.
    const writtenAt = new Date();
    const tWrite = performance.now();
    let messages = 0;
    let pushRows = 0;
    await c.query('BEGIN');
    try {
      for (const chunk of chunks) {
        const { text, values } = chunkStatement(client, 'in_app', bundleId, chunk, writtenAt);
        messages += (await c.query(text, values)).rowCount ?? 0;
      }
      // Between 22:00 and 06:00 London time the pushes would be due at 06:00 (quiet hours): the
      // bench lifts that so it measures the same at night, making them due as the transaction ends.
      const lifted = await c.query(
        `WITH t AS (SELECT clock_timestamp() AS at)
         UPDATE outbound_pushes SET due_at = t.at FROM t WHERE message_id = ANY($1::uuid[])`,
        [messageIds],
      );
      pushRows = lifted.rowCount ?? 0;
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    const t0 = Date.now();
    const start = snapshot(o.serverPid);
    const writeS = (start.at - tWrite) / 1000;
    o.log(`push: ${messages} messages and ${pushRows} pushes written in one transaction in ${round(writeS, 1)} s`);
    if (messages !== o.nhsNumbers.length || pushRows !== messages) {
      throw new Error(
        `push: expected ${o.nhsNumbers.length} messages each with a push, wrote ${messages} and ${pushRows}`,
      );
    }

    // ---- until none of these pushes is due -------------------------------------------------------
    // Cheap while the dispatcher works: the first due row ends the look (the partial index on due rows).
    const anyDue = async () =>
      (
        await c.query<{ due: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM outbound_pushes WHERE state = 'due' AND created_at = $1) AS due`,
          [writtenAt],
        )
      ).rows[0]!.due;
    let timedOut = false;
    let lastProgress = performance.now();
    let stall = { accepted: -1, since: performance.now(), at: snapshot(o.serverPid), told: false };
    while (!o.stopped() && (await anyDue())) {
      if (Date.now() - t0 > TIMEOUT_MS) {
        timedOut = true;
        break;
      }
      if (service.accepted() !== stall.accepted) {
        stall = { accepted: service.accepted(), since: performance.now(), at: snapshot(o.serverPid), told: false };
      } else if (!stall.told && performance.now() - stall.since >= STALL_MS) {
        stall.told = true;
        await tellStall(c, o, stall.at);
      }
      if (performance.now() - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = performance.now();
        o.log(
          `push: ${round((Date.now() - t0) / 1000, 1)} s: the push service has accepted ` +
            `${service.accepted()} of ${pushRows} (${service.refused.length} refused)`,
        );
      }
      await sleep(POLL_MS);
    }
    const end = snapshot(o.serverPid);

    // ---- figures ---------------------------------------------------------------------------------
    const { rows } = await c.query<{ state: string; n: number; first: Date | null; last: Date | null }>(
      `SELECT state, count(*)::int AS n, min(finished_at) AS first, max(finished_at) AS last
       FROM outbound_pushes WHERE message_id = ANY($1::uuid[]) GROUP BY state`,
      [messageIds],
    );
    const byState = (s: string) => rows.find((r) => r.state === s)?.n ?? 0;
    const finished = rows.filter((r) => r.state !== 'due');
    const firstAt = finished.reduce<number | null>((m, r) => minOf(m, r.first?.getTime() ?? null), null);
    const lastAt = finished.reduce<number | null>((m, r) => maxOf(m, r.last?.getTime() ?? null), null);
    const { rows: receipts } = await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbound_receipts
       WHERE message_id = ANY($1::uuid[]) AND code = 'NotificationAttempted'`,
      [messageIds],
    );
    const sent = byState('sent');
    const stillDue = byState('due');
    const seconds = lastAt !== null ? (lastAt - t0) / 1000 : null;
    if (timedOut) {
      o.log(`push: timed out after ${TIMEOUT_MS / 60_000} minutes with ${stillDue} pushes still due`);
    }
    if (service.refused.length > 0) {
      o.log(`push: the push service refused ${service.refused.length}, first: ${service.refused[0]!.problem}`);
    }
    return {
      result: {
        messages,
        pushes: rows.reduce((s, r) => s + r.n, 0),
        sent,
        unnotified: byState('unnotified'),
        stillDue,
        timedOut,
        firstFinishedS: firstAt !== null ? round((firstAt - t0) / 1000) : null,
        seconds: seconds !== null ? round(seconds) : null,
        pushesPerSecond: seconds !== null && seconds > 0 ? Math.round(sent / seconds) : null,
        notificationAttemptedReceipts: receipts[0]?.n ?? 0,
        pushServiceAccepted: service.accepted(),
        checked: service.checked(),
        refused: service.refused.length,
        checkOneIn: CHECK_ONE_IN,
        setupS: round(setupS),
        writeS: round(writeS),
      },
      window: { start, end },
    };
  } finally {
    await c.end().catch(() => undefined);
    await service.close();
  }
}

const minOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const maxOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/** What a stalled dispatcher is doing: the server's CPU since the last push, and its database sessions. */
async function tellStall(c: pg.Client, o: { serverPid: number | null; log: (line: string) => void }, since: Snapshot) {
  const now = snapshot(o.serverPid);
  const cpu = now.serverCpu !== null && since.serverCpu !== null ? round(now.serverCpu - since.serverCpu, 2) : null;
  o.log(`push: no push accepted for ${STALL_MS / 1000} s; the server used ${cpu ?? '?'} CPU s meanwhile`);
  const { rows } = await c.query<{ state: string; wait: string | null; xact_s: number | null; query: string }>(
    `SELECT state, wait_event_type || ':' || wait_event AS wait,
       extract(epoch FROM now() - xact_start)::int AS xact_s, left(query, 100) AS query
     FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() ORDER BY xact_start`,
  );
  for (const r of rows) o.log(`push:   session ${r.state} wait=${r.wait ?? '-'} xact=${r.xact_s ?? '-'}s ${r.query}`);
}
