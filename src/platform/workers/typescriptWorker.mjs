// A worker thread's first program when its real program is TypeScript: it registers tsx in this
// thread (a worker does not inherit the main thread's loader hooks everywhere Node runs) and then
// imports the module named in workerData.module. Plain JavaScript, so it needs no loader itself.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
