import { availableParallelism } from 'node:os';
import { asNodeBuffer, ownedCopy, WorkerPool, withOwnMemory } from '../platform/workers/workerPool.js';
import type { BodyRefusal, BulkReadContext, BundleRead, ReadChunk } from './bulkRead.js';

type Task = { body: Uint8Array; ctx: BulkReadContext; written: Int32Array };
type Result = BundleRead | { refused: BodyRefusal };
type Part = { entries: number } | ReadChunk;

let pool: WorkerPool<Task, Result, Part> | null = null;

/**
 * One pool per process, a thread per core (up to four). Reading a 50,000-entry Bundle (parsing,
 * checking every rule, hashing and sealing) is about half a second of CPU per 10,000 entries:
 * on the main thread it held every other request of the node up for that long and left the
 * database's core idle while it ran. On a reader thread the node keeps answering, and the chunks
 * already read are written while the rest is read.
 */
function readers(): WorkerPool<Task, Result, Part> {
  return (pool ??= new WorkerPool(
    new URL('../platform/workers/typescriptWorker.mjs', import.meta.url),
    Math.min(4, availableParallelism()),
    // A reader's heap grows to hold the largest Bundle it read; an idle minute gives that back.
    { workerData: { module: new URL('./bulkReadWorker.ts', import.meta.url).href }, idleMs: 60_000 },
  ));
}

/**
 * `readBundle` on a reader thread. The body's memory moves to the thread (the caller must not use
 * it after), and each chunk's comes back. `on.entries` hears the entry count before any chunk;
 * `on.chunk` gets each chunk in order, with `written`, to call once that chunk's write is over
 * (committed or failed): the reader stays only a few chunks ahead of the writes.
 */
export function readBundleOffThread(
  body: Uint8Array,
  ctx: BulkReadContext,
  on: { entries: (count: number) => void; chunk: (chunk: ReadChunk, written: () => void) => void },
): Promise<Result> {
  if (!(body instanceof Uint8Array)) throw new TypeError('a Bundle body is bytes');
  // A small body can be a slice of Node's shared buffer pool, which must not move: it is copied.
  const own = withOwnMemory(body);
  // Copies of the keys with memory of their own, moved to the thread (which wipes them after use),
  // and of the client only what the rules need.
  const keys = {
    lookupKey: ownedCopy(ctx.keys.lookupKey),
    sealKey: ownedCopy(ctx.keys.sealKey),
    sealHeader: ownedCopy(ctx.keys.sealHeader),
  };
  const client = { odsCode: ctx.client.odsCode, allowedLinkDomains: ctx.client.allowedLinkDomains };
  const written = new Int32Array(new SharedArrayBuffer(4));
  const moved = [own.buffer, keys.lookupKey.buffer, keys.sealKey.buffer, keys.sealHeader.buffer] as ArrayBuffer[];
  return readers().run({ body: own, ctx: { client, keys }, written }, moved, (part) => {
    if ('entries' in part) {
      on.entries(part.entries);
      return;
    }
    const { rows } = part;
    rows.nhsHmacs = asNodeBuffer(rows.nhsHmacs);
    rows.requestHmacs = asNodeBuffer(rows.requestHmacs);
    rows.sealed.bytes = asNodeBuffer(rows.sealed.bytes);
    on.chunk(part, () => {
      Atomics.add(written, 0, 1);
      Atomics.notify(written, 0);
    });
  });
}

/** Ends the reader threads now (the Bundles they are reading fail as a reader that died would). */
export async function closeBulkReaders(): Promise<void> {
  await pool?.close();
}
