import type { Deps } from '../platform/deps.js';
import type { TestDevice, TestPushService } from '../testing/pushService.js';
import { pushDueAt } from './push/quietHours.js';

/** Pushes in the crash test (crashSafety.test.ts): holding, waiting for, and where each went. */

export type HeldPushes = {
  /** Pushes found held and made due. */
  released: number;
  /** Held pushes that were not held as quiet hours hold one, each with what was wrong. */
  wrong: string[];
  stop(): Promise<void>;
};

/**
 * Quiet hours (22:00–06:00 London time) hold a push until 06:00, and the server process runs on the
 * real clock, which a test cannot set. So that the test does the same at any hour, this checks
 * every held push, a few times a second, to be held as `pushDueAt` holds one (until the next 06:00
 * after it was written, and not yet sent), then makes it due at once, as 06:00 would (the
 * benchmark's push phase lifts the hold the same way). By day there is nothing to release.
 */
export function releaseHeldPushes(db: Deps['db'], everyMs = 200): HeldPushes {
  let stopped = false;
  const held: HeldPushes = {
    released: 0,
    wrong: [],
    /** Stops releasing; throws if a look failed, since holds after it went unchecked. */
    async stop() {
      stopped = true;
      await loop;
      if (failure !== null) throw failure;
    },
  };
  const once = async () => {
    const { rows } = await db.query<{ id: string; created_at: Date; due_at: Date; finished: boolean }>(
      `SELECT p.id, p.created_at, p.due_at, EXISTS (SELECT 1 FROM outbound_receipts r
         WHERE r.message_id = p.message_id AND r.code <> 'Delivered') AS finished
       FROM outbound_pushes p WHERE p.state = 'due' AND p.attempts = 0 AND p.due_at > clock_timestamp()`,
    );
    if (rows.length === 0) return;
    for (const r of rows) {
      const dueAt = pushDueAt(new Date(r.created_at)).getTime();
      if (new Date(r.due_at).getTime() !== dueAt)
        held.wrong.push(`${r.id}: due at ${new Date(r.due_at).toISOString()}`);
      if (r.finished) held.wrong.push(`${r.id}: held, yet its message has its outcome`);
    }
    const { rowCount } = await db.query(
      `UPDATE outbound_pushes SET due_at = clock_timestamp()
       WHERE id = ANY($1::uuid[]) AND state = 'due' AND attempts = 0 AND due_at > clock_timestamp()`,
      [rows.map((r) => r.id)],
    );
    held.released += rowCount;
  };
  let failure: Error | null = null;
  const loop = (async () => {
    while (!stopped) {
      await once();
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })().catch((err: unknown) => {
    failure = err instanceof Error ? err : new Error(String(err));
  });
  return held;
}

export type PushRow = { id: string; message_id: string; state: string; attempts: number };

/** Every push row, once none is due any more or at `deadline`, whichever comes first. */
export async function settledPushes(db: Deps['db'], deadline: number): Promise<PushRow[]> {
  const pushRows = async () =>
    (await db.query<PushRow>('SELECT id, message_id, state, attempts FROM outbound_pushes')).rows;
  let rows = await pushRows();
  while (Date.now() < deadline && rows.some((r) => r.state === 'due')) {
    await new Promise((r) => setTimeout(r, 500));
    rows = await pushRows();
  }
  return rows;
}

/**
 * What the push service received for these push rows: how many times each push (by its payload's
 * tag, the push id) arrived, and the pushes that arrived at a device other than `deviceFor` names.
 */
export function receivedPushes(
  push: TestPushService,
  rows: readonly PushRow[],
  deviceFor: (messageId: string) => TestDevice,
): { times: Map<string, number>; misdirected: string[] } {
  const endpointOf = new Map(rows.map((r) => [r.id, deviceFor(r.message_id).subscription.endpoint]));
  const times = new Map<string, number>();
  const misdirected: string[] = [];
  for (const p of push.received) {
    const tag = (JSON.parse(p.payload) as { tag: string }).tag;
    if (endpointOf.get(tag) !== p.endpoint) misdirected.push(tag);
    times.set(tag, (times.get(tag) ?? 0) + 1);
  }
  return { times, misdirected };
}
