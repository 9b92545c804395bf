// A worker for workerPool.test.ts: answers in parts, fails, or dies, as each task asks.
import { parentPort, threadId } from 'node:worker_threads';

parentPort.on('message', ({ id, task }) => {
  if (task.kind === 'die') process.exit(3);
  if (task.kind === 'fail') {
    parentPort.postMessage({ id, error: 'asked to fail' });
    return;
  }
  for (let i = 0; i < task.parts; i++) parentPort.postMessage({ id, part: i });
  parentPort.postMessage({ id, result: { threadId, bytes: task.bytes ? task.bytes.byteLength : 0 } });
});
