import { randomUUID } from 'node:crypto';
import { auditBatchCte } from '../platform/audit/auditLog.js';
import { isTransient } from '../platform/db/transient.js';
import type { Deps } from '../platform/deps.js';
import { ServiceUnavailable } from '../platform/http/errors.js';
import { chunkStatement } from './bulk.js';
import { chunkRowsOf, type ReadyMessage } from './chunkRows.js';
import type { ApiClient } from './clients/apiClients.js';
import type { Channel } from './fhir/systems.js';
import { outboundChain } from './acceptance.js';

/** One request read, hashed and ready to write; `resource` is the answered resource as UTF-8 JSON. */
export type ReadySend = ReadyMessage & { ip: string | null };

type Waiting = ReadySend & { resolve: (written: boolean) => void; reject: (err: unknown) => void };
type Lane = {
  deps: BatchDeps;
  client: ApiClient;
  channel: Channel;
  waiting: Waiting[];
  inFlight: number;
  scheduled: boolean;
};
type BatchDeps = Pick<Deps, 'db' | 'keyring' | 'now'>;

/** Large enough to drain a burst in a few writes, small enough to keep each transaction short. */
const MAX_BATCH = 500;
/** Writes in flight per lane: one filling while one commits keeps the database busy without queueing. */
const MAX_IN_FLIGHT = 2;
/** Requests waiting per lane beyond the writes in flight: about two writes' worth. */
const MAX_WAITING = 2 * MAX_BATCH;

/**
 * Single sends, written together (group commit). A request waits only for the writes already in
 * flight for its client and channel; those that arrive meanwhile go in the next write: one
 * statement, the bulk send's chunk statement (so both paths write the same rows) with one audit
 * entry per message appended inside it. Under light load every request is written at once, alone; under
 * heavy load the database sees a few large writes a second instead of thousands of small ones,
 * each with its own commit and round trips.
 */
export class AcceptBatcher {
  private readonly lanes = new Map<string, Lane>();

  /** Resolves true when written, false when the request-id was already taken (a retry or a clash). */
  submit(deps: BatchDeps, client: ApiClient, channel: Channel, send: ReadySend): Promise<boolean> {
    // The client's settings are part of the key: a write uses one callback choice and one key.
    const key = `${client.id}:${channel}:${client.organisationId}:${client.callbackUrl ?? ''}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { deps, client, channel, waiting: [], inFlight: 0, scheduled: false };
      this.lanes.set(key, lane);
    }
    const l = lane;
    // Past this the database is not keeping up: refuse at once (503, retry shortly) rather than
    // hold ever more requests, each with its content, in memory.
    if (l.waiting.length >= MAX_WAITING) return Promise.reject(new ServiceUnavailable());
    return new Promise<boolean>((resolve, reject) => {
      l.waiting.push({ ...send, resolve, reject });
      this.schedule(key, l);
    });
  }

  /** After this turn of the event loop, so requests read in the same turn share a write. */
  private schedule(key: string, lane: Lane): void {
    if (lane.scheduled || lane.inFlight >= MAX_IN_FLIGHT) return;
    lane.scheduled = true;
    setImmediate(() => {
      lane.scheduled = false;
      this.pump(key, lane);
    });
  }

  private pump(key: string, lane: Lane): void {
    while (lane.inFlight < MAX_IN_FLIGHT && lane.waiting.length > 0) {
      const batch = lane.waiting.splice(0, MAX_BATCH);
      lane.inFlight++;
      void this.write(lane, batch).finally(() => {
        lane.inFlight--;
        if (lane.waiting.length > 0) this.schedule(key, lane);
        else if (lane.inFlight === 0 && !lane.scheduled) this.lanes.delete(key);
      });
    }
  }

  /**
   * Writes a batch and answers each request in it. A deadlock or serialization failure (two
   * writers of the same request-ids) is tried once more, then answered 503; a refusal under
   * overload is answered 503 at once; any other failure of a batch of several is retried request
   * by request, so one bad request cannot fail the others.
   */
  private async write(lane: Lane, batch: Waiting[]): Promise<void> {
    let written: Set<string>;
    try {
      written = await this.attempt(lane, batch).catch((err: unknown) => {
        if (isTransient(err)) return this.attempt(lane, batch);
        throw err;
      });
    } catch (err) {
      if (batch.length > 1 && !(err instanceof ServiceUnavailable) && !isTransient(err)) {
        await Promise.all(batch.map((s) => this.write(lane, [s])));
        return;
      }
      for (const s of batch) s.reject(isTransient(err) ? new ServiceUnavailable() : err);
      return;
    }
    for (const s of batch) s.resolve(written.has(s.id));
  }

  /** One statement: the messages, their receipts, pushes and callbacks, and the audit trail. */
  private async attempt(lane: Lane, batch: Waiting[]): Promise<Set<string>> {
    const { deps, client, channel } = lane;
    const seal = await deps.keyring.batchSealer(client.organisationId);
    const { text, values } = chunkStatement(
      client,
      channel,
      null,
      chunkRowsOf(batch, seal),
      deps.now(),
      // One entry per message written, as for a message sent alone; the batch's chain is one of the client's.
      (param) =>
        auditBatchCte(deps.db, param, {
          chain: outboundChain(client.id, randomUUID()),
          actorKind: 'api_client',
          actorId: client.id,
          action: `outbound.${channel}`,
          targetKind: 'outbound_message',
          targets: batch.map((s) => ({ id: s.id, ip: s.ip })),
          written: 'm',
        }),
    );
    // Planned once: a group commit of 3 sends and one of 300 take the same plan (each message's
    // patient found by its own index probe), and planning it afresh for every write cost more of
    // the database's CPU than a few sends' rows (bench/README.md).
    const { rows } = await deps.db.write<{ id: string }>(text, values, { genericPlan: true });
    return new Set(rows.map((r) => r.id));
  }
}

const batchers = new WeakMap<object, AcceptBatcher>();

/** One batcher per database (per app instance), so tests and several apps in a process stay apart. */
export function acceptBatcherFor(db: object): AcceptBatcher {
  let b = batchers.get(db);
  if (!b) {
    b = new AcceptBatcher();
    batchers.set(db, b);
  }
  return b;
}
