import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export type EncryptJob = { p256dh: string; auth: string; payload: string };

/** Plain JavaScript, so a worker needs no TypeScript loader in any runtime. */
const PROGRAM = new URL('./encryptWorker.mjs', import.meta.url);

type Pending = { resolve: (out: (Uint8Array | null)[]) => void; reject: (err: Error) => void };
type Slot = { worker: Worker; pending: Map<number, Pending> };

/**
 * Encryption is most of a push's CPU (a P-256 key pair and an ECDH per message), so it runs on
 * worker threads and the main thread keeps the connections and the database busy. Workers are
 * started on first use, kept referenced only while they have work (an idle pool never holds the
 * process open), and replaced if one dies.
 */
class EncryptPool {
  private readonly slots: (Slot | null)[];
  private nextId = 0;
  private turn = 0;

  constructor(size: number) {
    this.slots = Array.from({ length: size }, () => null);
  }

  encrypt(jobs: EncryptJob[]): Promise<(Uint8Array | null)[]> {
    const index = this.turn++ % this.slots.length;
    const slot = (this.slots[index] ??= this.start(index));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.ref();
      slot.worker.postMessage({ id, jobs });
    });
  }

  private start(index: number): Slot {
    const slot: Slot = { worker: new Worker(PROGRAM), pending: new Map() };
    slot.worker.unref();
    slot.worker.on('message', ({ id, out }: { id: number; out: (Uint8Array | null)[] }) => {
      slot.pending.get(id)?.resolve(out);
      slot.pending.delete(id);
      if (slot.pending.size === 0) slot.worker.unref();
    });
    const fail = (err: Error) => {
      if (this.slots[index] === slot) this.slots[index] = null;
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', () => fail(new Error('push encryption worker exited')));
    return slot;
  }
}

let pool: EncryptPool | null = null;

/**
 * One pool per process, a worker per core (up to four). The main thread mostly waits on the
 * push services and the database while the workers encrypt, so keeping a core back for it left
 * that core idle: measured on two cores, one worker was the whole limit of the dispatch rate.
 */
export function encryptPool(): EncryptPool {
  return (pool ??= new EncryptPool(Math.max(1, Math.min(4, availableParallelism()))));
}
