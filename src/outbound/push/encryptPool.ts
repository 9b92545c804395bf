import { availableParallelism } from 'node:os';
import { WorkerPool } from '../../platform/workers/workerPool.js';

export type EncryptJob = { p256dh: string; auth: string; payload: string };

/** Every body of a task end to end, and where each ends (-1: that job's keys could not be used). */
type Encrypted = { bytes: Uint8Array; ends: number[] };

let pool: WorkerPool<EncryptJob[], Encrypted> | null = null;

/**
 * Encryption is most of a push's CPU (a P-256 key pair and an ECDH per message), so it runs on
 * worker threads and the main thread keeps the connections and the database busy. One pool per
 * process, a worker per core (up to four). The main thread mostly waits on the push services and
 * the database while the workers encrypt, so keeping a core back for it left that core idle:
 * measured on two cores, one worker was the whole limit of the dispatch rate. The worker is plain
 * JavaScript, so it needs no TypeScript loader in any runtime.
 */
export function encryptPool(): { encrypt(jobs: EncryptJob[]): Promise<(Uint8Array | null)[]> } {
  const p = (pool ??= new WorkerPool(
    new URL('./encryptWorker.mjs', import.meta.url),
    Math.min(4, availableParallelism()),
  ));
  return {
    encrypt: async (jobs) => {
      const { bytes, ends } = await p.run(jobs);
      let start = 0;
      return ends.map((end) => {
        if (end < 0) return null;
        const body = bytes.subarray(start, end);
        start = end;
        return body;
      });
    },
  };
}
