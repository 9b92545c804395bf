import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../platform/audit/auditLog.js';
import type { KeyRing } from '../platform/crypto/keyring.js';
import { mapLimit } from '../testing/mapLimit.js';
import { testRangeNhsNumbers } from '../testing/nhsNumbers.js';
import type { ServerProcess } from '../testing/serverProcess.js';
import type { TestDatabase } from '../testing/testDatabase.js';
import { CALLBACK_LEASE_MS } from './callbacks/deliverCallbacks.js';
import { BULK_PATH } from './fhir/bulkRoute.js';
import { CHANNEL_PATH, SYSTEM } from './fhir/systems.js';
import { PUSH_LEASE_MS } from './push/dispatchPushes.js';
import type { ReceiptTask } from './receipts/taskResource.js';
import {
  bearerOver,
  bundleEntryIds,
  call,
  crashTestBed,
  inboxIds,
  inboxIdsOf,
  inboxProblems,
  locationId,
  postProblems,
  reportedReceipts,
  type Answer,
  type CrashBed,
  type CrashSender,
  type Delivery,
} from './testCrashBed.js';
import { receivedPushes, releaseHeldPushes, settledPushes, type HeldPushes } from './testCrashPushes.js';
import { batchBundle, inAppRequest } from './testSenders.js';

/**
 * Nothing accepted may be lost. The real server process is killed (SIGKILL) while Bundles and
 * single sends are in flight (and pushes are being sent) and started again on the same database;
 * then every message answered 201 must be in its patient's inbox exactly once, as patients signed
 * in at the restarted server see it, a client resending everything with the same request-ids gets
 * 201 for each (the same id for what was answered before) without a second row, every message to a
 * patient with a device is pushed to it, and every receipt of every accepted message is stored
 * once, listed in the receipt report and posted to the client's callback URL. PostgreSQL only: it
 * needs a server process of its own on the test's database, which the embedded database (one
 * process) cannot share.
 */

const BUNDLES = 4;
const BUNDLE_SIZE = 5_000;
const SINGLE_WORKERS = 6;
const ENROLLED = 300;
const UNKNOWN = 60;
/** One enrolled patient in this many has a device of the local push service. */
const ONE_IN_WITH_DEVICE = 10;
/**
 * One enrolled patient in this many signs in at the restarted server to read their inbox (those
 * with a device among them). Sign-in starts are limited to 120 a minute from one address.
 */
const ONE_IN_SIGNED_IN = 5;
/** Rounds of "send, kill, restart" allowed to reach a kill with answers on one side and cut-offs on the other. */
const MAX_ROUNDS = 3;

type Sent = {
  requestId: string;
  nhsNumber: string;
  /** The message id the first time round answered 201 with; null when it was not answered so. */
  firstId: string | null;
  /** The id of the resend's 201. */
  finalId: string | null;
};
type BundleSend = {
  round: number;
  body: Buffer;
  entries: Sent[];
  outcome: 'answered' | 'refused' | 'cut off' | 'in flight' | 'not sent';
};
type SingleSend = Sent & { body: Buffer; outcome: 'answered' | 'refused' | 'cut off' };

const onPostgres = process.env.CONFIDE_TEST_DB === 'postgres';

describe.skipIf(!onPostgres)('nothing accepted is lost when the server process is killed', () => {
  let bed: CrashBed | undefined;
  let tdb: TestDatabase;
  let server: ServerProcess | null = null;
  let deliveries: Delivery[];
  let keyring: KeyRing;
  let sender: CrashSender;
  let callbackSecret: string;
  let patientOf: Map<string, string>;
  let held: HeldPushes | null = null;
  const enrolled = testRangeNhsNumbers(ENROLLED + UNKNOWN);
  const unknown = enrolled.splice(ENROLLED);
  const withDevice = new Set(enrolled.filter((_, i) => i % ONE_IN_WITH_DEVICE === 0));
  const signedIn = enrolled.filter((_, i) => i % ONE_IN_SIGNED_IN === 0);
  /** NHS number to patient session cookie value, for each patient signed in after the restart. */
  const sessionOf = new Map<string, string>();
  const bundles: BundleSend[] = [];
  const singles: SingleSend[] = [];
  let lastKillAt = 0;

  const recipientAt = (i: number) =>
    i % 5 === 4 ? unknown[Math.floor(i / 5) % UNKNOWN]! : enrolled[(i - Math.floor(i / 5)) % ENROLLED]!;
  const request = (nhsNumber: string, requestId: string, campaignId: string | null) =>
    inAppRequest(nhsNumber, sender.odsCode, {
      identifiers: [
        ...(campaignId !== null ? [{ system: SYSTEM.campaignId, value: campaignId }] : []),
        { system: SYSTEM.requestId, value: requestId },
      ],
    });

  beforeAll(async () => {
    bed = await crashTestBed(enrolled, [...withDevice]);
    ({ tdb, keyring, sender, callbackSecret, patientOf, deliveries, server } = bed);
    held = releaseHeldPushes(tdb.db);
  });

  afterAll(async () => {
    try {
      await held?.stop();
    } finally {
      // The bed kills whichever server process the test left running.
      if (bed && server) bed.server = server;
      await bed?.close();
    }
  });

  /**
   * One round: Bundles (started 250 ms apart, so they are at different stages) and a stream of
   * single sends. The server is killed once one Bundle has been answered and another, still
   * unanswered, has a chunk committed: cut off part-way, with rows the client was never told of.
   * A later round (only when the one before did not catch answered and cut-off Bundles both) also
   * holds its last Bundle back and sends it just before the kill, so that one is surely cut off.
   */
  async function round(n: number, srv: ServerProcess): Promise<{ answered: number; cutOff: number }> {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const auth = await bearerOver(agent, srv, sender);
    const headers = { ...auth, 'content-type': 'application/fhir+json' };
    const campaignId = `crash-campaign-${n}`;
    const mine: BundleSend[] = Array.from({ length: BUNDLES }, (_, b) => {
      const entries = Array.from({ length: BUNDLE_SIZE }, (_, i) => ({
        requestId: `bundle-${n}-${b}-${i}`,
        nhsNumber: recipientAt(b * BUNDLE_SIZE + i),
        firstId: null,
        finalId: null,
      }));
      const body = Buffer.from(
        JSON.stringify(batchBundle(entries.map((e) => request(e.nhsNumber, e.requestId, campaignId)))),
      );
      return { round: n, body, entries, outcome: 'not sent' };
    });
    bundles.push(...mine);

    let stopSingles = false;
    let firstAnswer!: () => void;
    const answeredOne = new Promise<void>((resolve) => (firstAnswer = resolve));
    const sendBundle = async (b: BundleSend) => {
      b.outcome = 'in flight';
      let res: Answer;
      try {
        res = await call(agent, srv.url, 'POST', BULK_PATH, headers, b.body);
      } catch {
        b.outcome = 'cut off';
        return;
      }
      if (res.status !== 200) {
        b.outcome = 'refused';
        return;
      }
      const ids = bundleEntryIds(res);
      expect(ids).toHaveLength(b.entries.length);
      ids.forEach((id, i) => (b.entries[i]!.firstId = id));
      b.outcome = 'answered';
      firstAnswer();
    };
    const holdBack = n > 0 ? mine.at(-1)! : null;
    const staggered = holdBack ? mine.slice(0, -1) : mine;
    const inFlight = staggered.map(async (b, i) => {
      await new Promise((r) => setTimeout(r, i * 250));
      await sendBundle(b);
    });
    let k = 0;
    const singleWorkers = Array.from({ length: SINGLE_WORKERS }, async () => {
      while (!stopSingles) {
        const i = k++;
        const s: SingleSend = {
          requestId: `single-${n}-${i}`,
          nhsNumber: recipientAt(i * 7),
          firstId: null,
          finalId: null,
          body: Buffer.from(JSON.stringify(request(recipientAt(i * 7), `single-${n}-${i}`, null))),
          outcome: 'cut off',
        };
        singles.push(s);
        try {
          const res = await call(agent, srv.url, 'POST', CHANNEL_PATH.in_app, headers, s.body);
          if (res.status === 201) {
            s.firstId = locationId(res);
            s.outcome = 'answered';
          } else {
            s.outcome = 'refused';
          }
        } catch {
          // Cut off: no answer, so unknown to the client whether it was written.
          break;
        }
      }
    });
    // The kill: once a Bundle has been answered and another, still unanswered, has rows committed
    // (cut off part-way through its chunks); or when every Bundle is over, whatever happened.
    let over = false;
    const allOver = Promise.all(inFlight).then(() => (over = true));
    await Promise.race([answeredOne, allOver]);
    while (!over) {
      const { rows } = await tdb.db.query<{ b: string }>(
        `SELECT DISTINCT split_part(request_id, '-', 3) AS b FROM outbound_messages
         WHERE client_id = $1 AND campaign_id = $2`,
        [sender.clientId, campaignId],
      );
      if (rows.some((r) => mine[Number(r.b)]!.outcome === 'in flight')) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    if (holdBack) {
      const sending = sendBundle(holdBack);
      // Long enough for the body to be sent and the entries read; far too short for 5,000 to be written.
      await new Promise((r) => setTimeout(r, 150));
      inFlight.push(sending);
    }
    stopSingles = true;
    await srv.kill();
    lastKillAt = Date.now();
    await Promise.all([...inFlight, ...singleWorkers]);
    agent.destroy();
    const mySingles = singles.filter((s) => s.requestId.startsWith(`single-${n}-`));
    const { rows: written } = await tdb.db.query<{ b: string; n: number }>(
      `SELECT split_part(request_id, '-', 3) AS b, count(*)::int AS n FROM outbound_messages
       WHERE client_id = $1 AND campaign_id = $2 GROUP BY 1`,
      [sender.clientId, campaignId],
    );
    const rowsOf = new Map(written.map((r) => [Number(r.b), r.n]));
    console.log(
      `round ${n}: Bundles ${mine.map((b, i) => `${b.outcome} (${rowsOf.get(i) ?? 0} rows)`).join(', ')}; single sends ` +
        `${mySingles.filter((s) => s.outcome === 'answered').length} answered, ` +
        `${mySingles.filter((s) => s.outcome === 'refused').length} refused, ` +
        `${mySingles.filter((s) => s.outcome === 'cut off').length} cut off`,
    );
    return {
      answered: mine.filter((b) => b.outcome === 'answered').length,
      cutOff: mine.filter((b) => b.outcome === 'cut off').length,
    };
  }

  it('kills the server while Bundles and single sends are in flight, with answers before and cut-offs at the kill', async () => {
    let caught = false;
    for (let n = 0; n < MAX_ROUNDS && !caught; n++) {
      const { answered, cutOff } = await round(n, server!);
      caught = answered >= 1 && cutOff >= 1;
      server = await server!.restart();
    }
    expect(bundles.some((b) => b.outcome === 'answered')).toBe(true);
    expect(bundles.some((b) => b.outcome === 'cut off')).toBe(true);
    expect(caught).toBe(true);
  }, 120_000);

  const allSent = (): Sent[] => [...bundles.flatMap((b) => b.entries), ...singles];

  it('after the restart, every message answered 201 is in its patient inbox exactly once', async () => {
    const { rows } = await tdb.db.query<{
      id: string;
      request_id: string | null;
      patient_id: string | null;
      status: string;
    }>('SELECT id, request_id, patient_id, status FROM outbound_messages WHERE client_id = $1', [sender.clientId]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const byRequestId = new Map<string, number>();
    for (const r of rows)
      byRequestId.set(r.request_id ?? '(none)', (byRequestId.get(r.request_id ?? '(none)') ?? 0) + 1);
    const sent = allSent();
    const sentRequestIds = new Set(sent.map((s) => s.requestId));
    // Every row is one of ours, once per request-id.
    expect([...byRequestId].filter(([requestId, count]) => count !== 1 || !sentRequestIds.has(requestId))).toEqual([]);

    const answered = sent.filter((s) => s.firstId !== null);
    const missing = answered.filter((s) => !byId.has(s.firstId!));
    expect(missing.map((s) => s.requestId)).toEqual([]);
    const wrong = answered.filter((s) => {
      const row = byId.get(s.firstId!)!;
      const patient = patientOf.get(s.nhsNumber) ?? null;
      return (
        row.request_id !== s.requestId ||
        row.patient_id !== patient ||
        (patient === null) !== (row.status === 'Rejected')
      );
    });
    expect(wrong.map((s) => s.requestId)).toEqual([]);

    // Each patient's inbox as the inbox lists it, page by page: every message answered 201 to them
    // once, and besides those only messages to them committed before the kill without an answer
    // (whose resend, below, is answered 201 with their ids). Through the real patient API of the
    // restarted server for the patients signed in there now; through the function behind that
    // route for every enrolled patient.
    const unanswered = sent.filter((s) => s.firstId === null);
    const idOfRequest = new Map(rows.map((r) => [r.request_id, r.id]));
    const problemsOf = (how: string, nhsNumber: string, listed: string[]) =>
      inboxProblems(
        `${how} ${nhsNumber}`,
        listed,
        answered.filter((s) => s.nhsNumber === nhsNumber).map((s) => s.firstId!),
        unanswered
          .filter((s) => s.nhsNumber === nhsNumber && idOfRequest.has(s.requestId))
          .map((s) => idOfRequest.get(s.requestId)!),
      );
    const problems: string[] = [];
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    await mapLimit(signedIn, 4, async (nhsNumber) => {
      sessionOf.set(nhsNumber, await bed!.signIn(server!, nhsNumber));
      problems.push(...problemsOf('API', nhsNumber, await inboxIds(agent, server!.url, sessionOf.get(nhsNumber)!)));
    });
    agent.destroy();
    await mapLimit(enrolled, 4, async (nhsNumber) => {
      problems.push(
        ...problemsOf('listInbox', nhsNumber, await inboxIdsOf({ db: tdb.db, keyring }, patientOf.get(nhsNumber)!)),
      );
    });
    expect(problems.slice(0, 20)).toEqual([]);

    const writtenAnyway = unanswered.filter((s) => byRequestId.has(s.requestId)).length;
    console.log(
      `after the restart: ${answered.length} answered 201, all present; ${unanswered.length} not answered, ` +
        `of which ${writtenAnyway} were committed before the kill; inboxes read for ${enrolled.length} patients, ` +
        `${sessionOf.size} of them signed in at the restarted server`,
    );
    expect(answered.length).toBeGreaterThan(0);
  }, 60_000);

  it('a client resending everything with the same request-ids gets 201 for each, and no second row', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
    const headers = { ...(await bearerOver(agent, server!, sender)), 'content-type': 'application/fhir+json' };
    await mapLimit(bundles, 2, async (b) => {
      const res = await call(agent, server!.url, 'POST', BULK_PATH, headers, b.body);
      expect(res.status, res.body.slice(0, 500)).toBe(200);
      bundleEntryIds(res).forEach((id, i) => (b.entries[i]!.finalId = id));
    });
    await mapLimit(singles, 16, async (s) => {
      const res = await call(agent, server!.url, 'POST', CHANNEL_PATH.in_app, headers, s.body);
      expect(res.status, res.body.slice(0, 500)).toBe(201);
      s.finalId = locationId(res);
    });
    agent.destroy();

    const sent = allSent();
    expect(sent.filter((s) => s.finalId === null).map((s) => s.requestId)).toEqual([]);
    expect(sent.filter((s) => s.firstId !== null && s.finalId !== s.firstId).map((s) => s.requestId)).toEqual([]);
    const { rows } = await tdb.db.query<{ id: string; request_id: string }>(
      'SELECT id, request_id FROM outbound_messages WHERE client_id = $1',
      [sender.clientId],
    );
    expect(rows).toHaveLength(sent.length);
    const idOf = new Map(rows.map((r) => [r.request_id, r.id]));
    expect(sent.filter((s) => idOf.get(s.requestId) !== s.finalId).map((s) => s.requestId)).toEqual([]);
  }, 120_000);

  it('after the resend, the inbox of each patient signed in lists exactly the messages answered 201 to them, once each', async () => {
    const sent = allSent();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const problems: string[] = [];
    await mapLimit(signedIn, 4, async (nhsNumber) => {
      const listed = await inboxIds(agent, server!.url, sessionOf.get(nhsNumber)!);
      const present = sent.filter((s) => s.nhsNumber === nhsNumber).map((s) => s.finalId!);
      problems.push(...inboxProblems(nhsNumber, listed, present, []));
    });
    agent.destroy();
    expect(sessionOf.size).toBe(signedIn.length);
    expect(problems.slice(0, 20)).toEqual([]);
  }, 60_000);

  it('the audit log is intact after the crash', async () => {
    const result = await verifyAudit(tdb.db, await keyring.auditKey());
    expect(result).toMatchObject({ ok: true });
  }, 60_000);

  it(
    'every accepted message to a patient with a device is pushed to that device once due, held only as quiet hours hold it',
    async () => {
      const push = bed!.push;
      const deviceOf = bed!.deviceOf;
      const sent = allSent();
      const messageOf = new Map(sent.map((s) => [s.finalId!, s]));
      // A push claimed by the killed process is due again when its lease ends.
      const deadline = Math.max(Date.now() + 30_000, lastKillAt + PUSH_LEASE_MS + 30_000);
      const rows = await settledPushes(tdb.db, deadline);
      const sentBy = Date.now();
      await held!.stop();
      expect(held!.wrong.slice(0, 20)).toEqual([]);

      // One push for each message to a patient with a device, none for anyone else; each one sent.
      const pushOf = new Map(rows.map((r) => [r.message_id, r]));
      expect(pushOf.size).toBe(rows.length);
      expect(rows.filter((r) => !messageOf.has(r.message_id))).toEqual([]);
      expect(
        sent.filter((s) => withDevice.has(s.nhsNumber) !== pushOf.has(s.finalId!)).map((s) => s.requestId),
      ).toEqual([]);
      expect(rows.filter((r) => r.state !== 'sent').slice(0, 20), 'not sent').toEqual([]);

      // Each reached the device of the message's patient (decrypted and its VAPID token checked by
      // the push service), and nothing else was pushed. One sent by the killed process and not
      // recorded as sent is sent again: the device may get it twice, never the receipt.
      expect(push.refused.slice(0, 5)).toEqual([]);
      const { times, misdirected } = receivedPushes(push, rows, (messageId) =>
        deviceOf.get(messageOf.get(messageId)!.nhsNumber)!,
      );
      expect(misdirected.slice(0, 20), 'pushed to another device').toEqual([]);
      expect(
        rows.filter((r) => !times.has(r.id)).map((r) => r.id),
        'recorded as sent, never received by the device',
      ).toEqual([]);
      console.log(
        `pushes: ${rows.length} sent to ${deviceOf.size} devices, ${[...times.values()].filter((n) => n > 1).length} ` +
          `of them twice or more; ${held!.released} held by quiet hours and released as at 06:00; ` +
          `${rows.filter((r) => r.attempts > 1).length} claimed more than once; ` +
          `all sent ${((sentBy - lastKillAt) / 1000).toFixed(1)} s after the kill`,
      );
    },
    PUSH_LEASE_MS + 120_000,
  );

  it('every receipt of every accepted message is stored, reported and posted to the callback URL', async () => {
    const sent = allSent();
    const messageOf = new Map(sent.map((s) => [s.finalId!, s]));
    const { rows: receipts } = await tdb.db.query<{ id: string; message_id: string; code: string; day: string }>(
      `SELECT id, message_id, code, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day
       FROM outbound_receipts WHERE client_id = $1`,
      [sender.clientId],
    );
    // Stored, each once: Delivered and NotificationAttempted for a patient with a device, Delivered
    // and Unnotified for another enrolled patient, Rejected otherwise.
    const codes = new Map<string, string[]>();
    for (const r of receipts) codes.set(r.message_id, [...(codes.get(r.message_id) ?? []), r.code]);
    const badReceipts = sent.filter((s) => {
      const expected = withDevice.has(s.nhsNumber)
        ? ['Delivered', 'NotificationAttempted']
        : patientOf.has(s.nhsNumber)
          ? ['Delivered', 'Unnotified']
          : ['Rejected'];
      return JSON.stringify((codes.get(s.finalId!) ?? []).sort()) !== JSON.stringify(expected);
    });
    expect(badReceipts.map((s) => `${s.requestId}: ${(codes.get(s.finalId!) ?? []).join(',')}`)).toEqual([]);
    expect(receipts.filter((r) => !messageOf.has(r.message_id))).toEqual([]);
    const receiptIds = new Set(receipts.map((r) => r.id));

    // Reported: every receipt once in the receipt report, paged through day by day.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const auth = await bearerOver(agent, server!, sender);
    const { reported, pages } = await reportedReceipts(agent, server!.url, auth, new Set(receipts.map((r) => r.day)));
    agent.destroy();
    expect(reported.size).toBe(receiptIds.size);
    expect([...receiptIds].filter((id) => !reported.has(id))).toEqual([]);
    const communicationId = (t: ReceiptTask) => t.identifier.find((i) => i.system === SYSTEM.communicationId)?.value;
    const requestIdOf = (t: ReceiptTask) => t.identifier.find((i) => i.system === SYSTEM.requestId)?.value;
    expect(
      [...reported.values()].filter((t) => messageOf.get(communicationId(t)!)?.requestId !== requestIdOf(t)),
    ).toEqual([]);

    // Posted: callbacks are due at once and retried; one claimed by the killed process comes back
    // when its lease ends, so the wait is bounded from the last kill, past the lease.
    const deadline = Math.max(Date.now() + 30_000, lastKillAt + CALLBACK_LEASE_MS + 60_000);
    const seen = new Set<string>();
    const notPosted = () => {
      for (const d of deliveries) seen.add(d.key);
      return [...receiptIds].filter((id) => !seen.has(id));
    };
    while (Date.now() < deadline && notPosted().length > 0) await new Promise((r) => setTimeout(r, 500));
    const { rows: callbackRows } = await tdb.db.query<{
      rows: number;
      pending: number;
      given_up: number;
      retried: number;
    }>(
      `SELECT count(*)::int AS rows, count(*) FILTER (WHERE delivered_at IS NULL)::int AS pending,
         count(*) FILTER (WHERE given_up_at IS NOT NULL)::int AS given_up,
         count(*) FILTER (WHERE attempts > 1)::int AS retried
       FROM outbound_callbacks WHERE client_id = $1`,
      [sender.clientId],
    );
    const never = notPosted();
    expect(never, `${never.length} receipts never posted; ${JSON.stringify(callbackRows[0])}`).toEqual([]);
    expect(callbackRows[0]).toMatchObject({ rows: receiptIds.size, given_up: 0 });
    // Each post is signed, keyed by its receipt's id, and is that receipt; a repeat is the same receipt again.
    expect(postProblems(deliveries, callbackSecret, reported).slice(0, 20)).toEqual([]);
    console.log(
      `receipts: ${receiptIds.size} stored, ${reported.size} reported on ${pages} pages, ` +
        `${seen.size} posted (${deliveries.length - seen.size} posted again after the kill), ` +
        `the last ${((deliveries.at(-1)!.at - lastKillAt) / 1000).toFixed(1)} s after the kill; ` +
        `${callbackRows[0]!.retried} callbacks claimed more than once`,
    );
  }, 200_000);
});
