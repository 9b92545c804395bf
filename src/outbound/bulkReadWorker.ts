// A bulk reader thread's program (see bulkReaders.ts): each task is one Bundle's body, read by
// readBundle. The entry count, then each chunk of entries ready to write, is posted back as soon
// as it is known; the reader stays at most READ_AHEAD chunks ahead of the writes the main thread
// has finished, counted in the task's shared `written` counter.
import { parentPort } from 'node:worker_threads';
import { asNodeBuffer, withOwnMemory } from '../platform/workers/workerPool.js';
import { readBundle, type BulkReadContext, type ReadChunk } from './bulkRead.js';

type Task = { body: Uint8Array; ctx: BulkReadContext; written: Int32Array };

/** Chunks read but not yet written: enough to keep two writes going, few enough to bound memory. */
const READ_AHEAD = 3;
/** A main thread that has not finished a write for this long is not waited for any more. */
const MAX_WAIT_MS = 120_000;

const port = parentPort!;
port.on('message', ({ id, task }: { id: number; task: Task }) => {
  const keys = {
    lookupKey: asNodeBuffer(task.ctx.keys.lookupKey),
    sealKey: asNodeBuffer(task.ctx.keys.sealKey),
    sealHeader: asNodeBuffer(task.ctx.keys.sealHeader),
  };
  let posted = 0;
  try {
    const result = readBundle(
      task.body,
      { client: task.ctx.client, keys },
      {
        entries: (count) => port.postMessage({ id, part: { entries: count } }),
        chunk: (chunk) => {
          postChunk(id, chunk);
          posted++;
          // At most READ_AHEAD chunks handed over and not yet written.
          waitForWrites(task.written, posted - READ_AHEAD + 1);
        },
      },
    );
    port.postMessage({ id, result });
  } catch (err) {
    // Never the body's content: readBundle's own refusals are results, so this is a fault.
    port.postMessage({ id, error: err instanceof Error ? (err.stack ?? err.message) : 'bulk reader failed' });
  } finally {
    // The keys were turned into key objects when the reading began: their bytes are not kept.
    keys.lookupKey.fill(0);
    keys.sealKey.fill(0);
  }
});

/** The chunk's bytes move to the main thread; a small chunk's, sealed in Node's shared pool, are copied out first. */
function postChunk(id: number, chunk: ReadChunk): void {
  const { rows } = chunk;
  rows.nhsHmacs = withOwnMemory(rows.nhsHmacs);
  rows.requestHmacs = withOwnMemory(rows.requestHmacs);
  rows.sealed.bytes = withOwnMemory(rows.sealed.bytes);
  const moved = [rows.nhsHmacs, rows.requestHmacs, rows.sealed.bytes].map((b) => b.buffer as ArrayBuffer);
  port.postMessage({ id, part: chunk }, moved);
}

/** Blocks this thread until at least `count` chunks are written (or the wait is given up). */
function waitForWrites(written: Int32Array, count: number): void {
  const giveUpAt = Date.now() + MAX_WAIT_MS;
  for (let done = Atomics.load(written, 0); done < count && Date.now() < giveUpAt; done = Atomics.load(written, 0)) {
    Atomics.wait(written, 0, done, 1_000);
  }
}
