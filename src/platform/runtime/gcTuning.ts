import { setFlagsFromString } from 'node:v8';

/**
 * Imported first by the command line, before anything else allocates. V8's allocation-site
 * pretenuring notices that request-handling objects often survive a young-generation collection
 * (they wait on the database) and starts allocating them straight into the old generation, where
 * they die at once and force a full mark-compact every second or two. Under steady load those
 * collections were the whole latency tail of message delivery (bench/README.md has the figures);
 * with pretenuring off the short-lived objects die young, as they should.
 */
setFlagsFromString('--no-allocation-site-pretenuring');
