// An encryption worker's whole program (see encryptPool.ts): each job's payload encrypted to its
// device's keys, all of a task's bodies end to end in one buffer, with where each one ends (-1
// for a job whose keys cannot be used).
import { Buffer } from 'node:buffer';
import { parentPort } from 'node:worker_threads';
import { encryptPush } from './rfc8291.mjs';

parentPort.on('message', ({ id, task }) => {
  const out = task.map((j) => {
    try {
      return encryptPush(Buffer.from(j.p256dh, 'base64url'), Buffer.from(j.auth, 'base64url'), Buffer.from(j.payload));
    } catch {
      return null;
    }
  });
  // One memory of its own for the lot, moved to the main thread rather than copied: one buffer
  // to hand over and free instead of one per push.
  const bytes = Buffer.allocUnsafeSlow(out.reduce((n, b) => n + (b?.length ?? 0), 0));
  let at = 0;
  const ends = out.map((b) => (b === null ? -1 : (at += b.copy(bytes, at))));
  parentPort.postMessage({ id, result: { bytes, ends } }, [bytes.buffer]);
});
