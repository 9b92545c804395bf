// An encryption worker's whole program (see encryptPool.ts): each job's payload encrypted to its
// device's keys, or null when the keys cannot be used.
import { Buffer } from 'node:buffer';
import { parentPort } from 'node:worker_threads';
import { encryptPush } from './rfc8291.mjs';

parentPort.on('message', ({ id, jobs }) => {
  const out = jobs.map((j) => {
    try {
      return encryptPush(Buffer.from(j.p256dh, 'base64url'), Buffer.from(j.auth, 'base64url'), Buffer.from(j.payload));
    } catch {
      return null;
    }
  });
  // Each body owns its memory (see rfc8291.mjs), so it is moved to the main thread, not copied.
  parentPort.postMessage(
    { id, out },
    out.filter((b) => b !== null).map((b) => b.buffer),
  );
});
