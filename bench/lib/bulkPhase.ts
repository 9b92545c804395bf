/**
 * Bulk in-app sends: Bundles of CommunicationRequests posted a few at a time. The server answers a
 * Bundle only after its rows are committed, so accepted entries per second of wall time are
 * messages made durable (and, for enrolled patients, visible in the inbox) per second.
 */
import type http from 'node:http';
import { performance } from 'node:perf_hooks';
import { BULK_PATH } from '../../src/outbound/fhir/bulkRoute.js';
import type { Db } from '../../src/platform/db/types.js';
import { snapshot, type Snapshot } from './cpuWindow.js';
import { mapLimit, postBuffer } from './http.js';
import { bundleBody, FHIR_JSON, recipient, type Recipients } from './outboundApi.js';

export type BulkOptions = {
  base: URL;
  agent: http.Agent;
  token: string;
  odsCode: string;
  clientId: string;
  recipients: Recipients;
  bundles: number;
  bundleSize: number;
  concurrency: number;
  /** One campaign per run: the rows of this phase are then counted with one indexed query. */
  campaignId: string;
  runTag: string;
  serverPid: number | null;
  db: Db;
  log: (line: string) => void;
};

export type BulkResult = {
  bundles: number;
  bundleSize: number;
  concurrency: number;
  messages: number;
  accepted: number;
  seconds: number;
  messagesPerSecond: number;
  /** Rows of this campaign found in outbound_messages afterwards. */
  rowsFound: number;
  /**
   * Of those, rows with a patient: what the inbox lists. Until push exists they are exactly the
   * Delivered rows; push receipts then move a message's status on, but not out of the inbox.
   */
  inboxVisible: number;
  /** Entries addressed to enrolled patients: inboxVisible when every Bundle was accepted. */
  expectedInboxVisible: number;
  /** rowsFound equals accepted: every 201 answered is a row in the table. */
  verified: boolean;
  bodyMb: number;
  slowestBundleS: number;
};

type BatchResponse = { entry?: { response?: { status?: string } }[] };

const round = (n: number, places = 2) => Math.round(n * 10 ** places) / 10 ** places;

/** What every phase's entries look like, so the floor (rawInsert) can write the very same rows. */
export function bulkEntries(o: Pick<BulkOptions, 'recipients' | 'bundles' | 'bundleSize' | 'runTag'>) {
  return Array.from({ length: o.bundles }, (_, b) =>
    Array.from({ length: o.bundleSize }, (_, j) => {
      const i = b * o.bundleSize + j;
      return { ...recipient(o.recipients, i), requestId: `bulk-${o.runTag}-${i}` };
    }),
  );
}

export async function runBulkPhase(o: BulkOptions): Promise<{
  result: BulkResult;
  window: { start: Snapshot; end: Snapshot };
  failures: Record<string, number>;
}> {
  const tBuild = performance.now();
  const entries = bulkEntries(o);
  const bodies = entries.map((e) => bundleBody(e, o.odsCode, o.campaignId));
  const bodyBytes = bodies.reduce((s, b) => s + b.length, 0);
  o.log(
    `bulk: ${o.bundles} Bundles of ${o.bundleSize} built in ${round((performance.now() - tBuild) / 1000, 1)} s ` +
      `(${round(bodyBytes / 2 ** 20, 1)} MB), ${o.concurrency} in flight`,
  );
  const expectedInbox = entries.reduce((s, bundle) => s + bundle.filter((e) => e.enrolled).length, 0);

  const failures: Record<string, number> = {};
  const count = (key: string, n = 1) => (failures[key] = (failures[key] ?? 0) + n);
  let accepted = 0;
  let slowest = 0;
  const start = snapshot(o.serverPid);
  await mapLimit(bodies, o.concurrency, async (body, b) => {
    const t = performance.now();
    let res;
    try {
      res = await postBuffer(o.base, BULK_PATH, body, {
        agent: o.agent,
        headers: { authorization: `Bearer ${o.token}` },
        contentType: FHIR_JSON,
        readBody: true,
        timeoutMs: 600_000,
      });
    } catch (err) {
      count((err as NodeJS.ErrnoException).code ?? 'network', o.bundleSize);
      o.log(`bulk: Bundle ${b} failed: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const secs = (performance.now() - t) / 1000;
    slowest = Math.max(slowest, secs);
    if (res.status !== 200) {
      count(String(res.status), o.bundleSize);
      o.log(`bulk: Bundle ${b} answered ${res.status} ${res.body.slice(0, 300)}`);
      return;
    }
    let ok = 0;
    for (const e of (JSON.parse(res.body) as BatchResponse).entry ?? []) {
      const status = e.response?.status ?? 'missing';
      if (status === '201 Created') ok++;
      else count(`entry ${status}`);
    }
    accepted += ok;
    o.log(
      `bulk: Bundle ${b} answered in ${round(secs, 1)} s: ${ok}/${o.bundleSize} created ` +
        `(${Math.round(o.bundleSize / secs)} msg/s for this Bundle)`,
    );
  });
  const end = snapshot(o.serverPid);
  const seconds = (end.at - start.at) / 1000;

  const { rows } = await o.db.query<{ found: number; inbox: number }>(
    `SELECT count(*)::int AS found,
       count(*) FILTER (WHERE patient_id IS NOT NULL AND channel = 'in_app')::int AS inbox
     FROM outbound_messages WHERE client_id = $1 AND campaign_id = $2`,
    [o.clientId, o.campaignId],
  );
  const found = rows[0]?.found ?? 0;
  const inbox = rows[0]?.inbox ?? 0;
  return {
    result: {
      bundles: o.bundles,
      bundleSize: o.bundleSize,
      concurrency: o.concurrency,
      messages: o.bundles * o.bundleSize,
      accepted,
      seconds: round(seconds),
      messagesPerSecond: round(accepted / seconds, 0),
      rowsFound: found,
      inboxVisible: inbox,
      expectedInboxVisible: expectedInbox,
      verified: found === accepted,
      bodyMb: round(bodyBytes / 2 ** 20, 1),
      slowestBundleS: round(slowest),
    },
    window: { start, end },
    failures,
  };
}
