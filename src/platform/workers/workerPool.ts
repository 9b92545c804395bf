import { Worker, type Transferable } from 'node:worker_threads';

type Pending = { resolve: (result: unknown) => void; reject: (err: Error) => void; onPart?: (part: unknown) => void };
type Slot = { worker: Worker; pending: Map<number, Pending>; idle: NodeJS.Timeout | null };
/** What a pool's worker posts back for a task: parts of the answer, then its result or error. */
type Reply = { id: number; part?: unknown; result?: unknown; error?: string };

/**
 * Worker threads for CPU-bound work, so the event loop keeps serving requests. Each task goes, as
 * `{ id, task }`, to a worker with the fewest tasks (an idle one when there is one, so a small
 * task never waits behind a large one while another worker sits idle); the worker may post
 * `{ id, part }` any number of times (handed to `onPart` as they come), then `{ id, result }` or
 * `{ id, error }`. Workers start on first use, hold the process open only while they have work,
 * end after `idleMs` without any (a worker's heap keeps the memory its largest task needed), and
 * are replaced if one dies: its tasks fail, the others carry on.
 */
export class WorkerPool<Task, Result, Part = never> {
  private readonly slots: (Slot | null)[];
  private nextId = 0;

  constructor(
    private readonly program: URL,
    size: number,
    private readonly opts: { workerData?: unknown; idleMs?: number } = {},
  ) {
    this.slots = Array.from({ length: Math.max(1, size) }, () => null);
  }

  run(task: Task, transfer: Transferable[] = [], onPart?: (part: Part) => void): Promise<Result> {
    const index = this.leastBusy();
    const slot = (this.slots[index] ??= this.start(index));
    if (slot.idle) clearTimeout(slot.idle);
    slot.idle = null;
    const id = this.nextId++;
    return new Promise<Result>((resolve, reject) => {
      slot.pending.set(id, { resolve: resolve as (r: unknown) => void, reject, onPart: onPart as Pending['onPart'] });
      slot.worker.ref();
      try {
        slot.worker.postMessage({ id, task }, transfer);
      } catch (err) {
        // A task that cannot be sent (not cloneable, or memory that cannot move) never started.
        this.settle(index, slot, id);
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /** Ends every worker now: their tasks fail. The next task starts a new one. */
  async close(): Promise<void> {
    const running = this.slots.filter((s): s is Slot => s !== null);
    this.slots.fill(null);
    await Promise.all(running.map((s) => s.worker.terminate()));
  }

  private leastBusy(): number {
    let best = 0;
    let load = Infinity;
    this.slots.forEach((slot, i) => {
      const n = slot?.pending.size ?? 0;
      if (n < load) {
        best = i;
        load = n;
      }
    });
    return best;
  }

  /** A task is over: forget it, and let an idle worker go (unreferenced, ended after idleMs). */
  private settle(index: number, slot: Slot, id: number): void {
    slot.pending.delete(id);
    if (slot.pending.size > 0) return;
    slot.worker.unref();
    if (this.opts.idleMs === undefined) return;
    slot.idle = setTimeout(() => {
      // Out of the pool first: a task arriving now starts a new worker rather than meet this one ending.
      if (this.slots[index] === slot) this.slots[index] = null;
      void slot.worker.terminate();
    }, this.opts.idleMs);
    slot.idle.unref();
  }

  private start(index: number): Slot {
    const slot: Slot = {
      worker: new Worker(this.program, { workerData: this.opts.workerData }),
      pending: new Map(),
      idle: null,
    };
    slot.worker.unref();
    slot.worker.on('message', (reply: Reply) => {
      const p = slot.pending.get(reply.id);
      if (!p) return;
      if ('part' in reply) {
        try {
          p.onPart?.(reply.part);
        } catch (err) {
          // The caller could not take a part: the task fails, and its later messages are dropped.
          this.settle(index, slot, reply.id);
          p.reject(err instanceof Error ? err : new Error(String(err)));
        }
        return;
      }
      this.settle(index, slot, reply.id);
      if (reply.error !== undefined) p.reject(new Error(reply.error));
      else p.resolve(reply.result);
    });
    const fail = (err: Error) => {
      if (slot.idle) clearTimeout(slot.idle);
      if (this.slots[index] === slot) this.slots[index] = null;
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
    };
    slot.worker.on('error', fail);
    // A message that could not be read back: which task it belonged to is unknown, so all fail.
    slot.worker.on('messageerror', (err) => {
      fail(err);
      void slot.worker.terminate();
    });
    slot.worker.on('exit', () => fail(new Error('worker thread exited')));
    return slot;
  }
}

/** A buffer's memory can be moved to another thread only if the buffer is all of it (not a slice of a shared pool). */
export function ownsMemory(b: Uint8Array): boolean {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer;
}

/** A Uint8Array that came across from another thread, seen as a Buffer again (no copy). */
export function asNodeBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** A copy with memory of its own, which can move to another thread (Buffer.alloc never hands out a slice of the shared pool). */
export function ownedCopy(b: Uint8Array): Buffer {
  const c = Buffer.alloc(b.length);
  c.set(b);
  return c;
}

/** The buffer itself when its memory can move to another thread, otherwise an `ownedCopy`. */
export function withOwnMemory<T extends Uint8Array>(b: T): T | Buffer {
  return ownsMemory(b) ? b : ownedCopy(b);
}
