/**
 * The floor for bulk sends: the server's own chunk statement (`chunkStatement` in
 * src/outbound/bulk.ts), run straight against PostgreSQL from this process with every value built
 * before the clock starts: real lookup and request HMACs, resources sealed with the organisation's
 * key. Chunks of the server's size, one transaction each, as many in flight as Bundles were. The
 * rows land in the real tables under request-ids of their own, so PostgreSQL does exactly the work
 * per row it does for the server; whatever the server takes beyond this is its own: parsing,
 * validating, hashing, sealing, auditing, answering.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { chunkStatement } from '../../src/outbound/bulk.js';
import type { ChunkRows } from '../../src/outbound/chunkRows.js';
import type { ApiClient } from '../../src/outbound/clients/apiClients.js';
import { buildChunkRows } from './chunkRows.js';
import { snapshot, type Snapshot } from './cpuWindow.js';
import { mapLimit } from './http.js';
import type { BenchDeps, Sender } from './outboundSeed.js';

export type RawInsertOptions = {
  deps: BenchDeps;
  databaseUrl: string;
  sender: Sender;
  /** The bulk phase's entries, Bundle by Bundle. */
  bundles: readonly (readonly { nhsNumber: string; requestId: string }[])[];
  content: string;
  campaignId: string;
  concurrency: number;
  serverPid: number | null;
  log: (line: string) => void;
};

export type RawInsertResult = {
  rows: number;
  seconds: number;
  messagesPerSecond: number;
  resourceEncBytes: number;
};

/** Every chunk's values, Bundle by Bundle, built as the server builds them. */
async function buildChunks(o: RawInsertOptions): Promise<{ chunks: ChunkRows[][]; meanSealedBytes: number }> {
  let sealedBytes = 0;
  let count = 0;
  const chunks: ChunkRows[][] = [];
  for (const bundle of o.bundles) {
    // Request-ids of their own: the bulk phase's are taken, and would be skipped as repeats.
    const messages = bundle.map((e) => ({ nhsNumber: e.nhsNumber, requestId: `raw-${e.requestId}` }));
    const built = await buildChunkRows(o.deps, o.sender, messages, o.content, o.campaignId);
    chunks.push(built.chunks);
    sealedBytes += built.sealedBytes;
    count += messages.length;
  }
  return { chunks, meanSealedBytes: count > 0 ? Math.round(sealedBytes / count) : 0 };
}

async function writeChunk(
  c: pg.Client,
  client: Pick<ApiClient, 'id' | 'callbackUrl'>,
  rows: ChunkRows,
  bundleId: string,
) {
  const { text, values } = chunkStatement(client, 'in_app', bundleId, rows, new Date());
  await c.query('BEGIN');
  try {
    const { rowCount } = await c.query(text, values);
    await c.query('COMMIT');
    return rowCount ?? 0;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

export async function runRawInsertPhase(o: RawInsertOptions): Promise<{
  result: RawInsertResult;
  window: { start: Snapshot; end: Snapshot };
}> {
  const { chunks, meanSealedBytes } = await buildChunks(o);
  // The bench's sender has no callback URL, as in the bulk phase.
  const client = { id: o.sender.clientId, callbackUrl: null };
  const connections = await Promise.all(
    Array.from({ length: Math.min(o.concurrency, chunks.length) }, async () => {
      const c = new pg.Client({ connectionString: o.databaseUrl });
      await c.connect();
      return c;
    }),
  );
  const free = [...connections];
  let rows = 0;
  try {
    o.log(`rawInsert: ${o.bundles.length} × ${o.bundles[0]?.length ?? 0} rows, ${connections.length} connections`);
    const start = snapshot(o.serverPid);
    await mapLimit(chunks, connections.length, async (bundleChunks) => {
      const c = free.pop()!;
      try {
        const bundleId = randomUUID();
        for (const chunk of bundleChunks) {
          const written = await writeChunk(c, client, chunk, bundleId);
          rows += written;
        }
      } finally {
        free.push(c);
      }
    });
    const end = snapshot(o.serverPid);
    const seconds = (end.at - start.at) / 1000;
    return {
      result: {
        rows,
        seconds: Math.round(seconds * 100) / 100,
        messagesPerSecond: Math.round(rows / seconds),
        resourceEncBytes: meanSealedBytes,
      },
      window: { start, end },
    };
  } finally {
    await Promise.all(connections.map((c) => c.end().catch(() => undefined)));
  }
}
