/**
 * The values of the server's chunk statement (`chunkStatement` in src/outbound/bulk.ts) for
 * messages written straight to the database, built as the server builds them: real lookup and
 * request HMACs, and resources sealed with the organisation's key. Used by the phases that write
 * rows without the API (the rawInsert floor, and the push phase's messages).
 */
import { BULK_CHUNK } from '../../src/outbound/bulkRead.js';
import { chunkRowsOf, type ChunkRows } from '../../src/outbound/chunkRows.js';
import { requestHmac } from '../../src/outbound/acceptance.js';
import { communicationResource } from '../../src/outbound/fhir/communicationResource.js';
import { uuidv7 } from '../../src/platform/ids/uuidv7.js';
import type { BenchDeps, Sender } from './outboundSeed.js';

export async function buildChunkRows(
  deps: BenchDeps,
  sender: Sender,
  messages: readonly { nhsNumber: string; requestId: string }[],
  content: string,
  campaignId: string,
): Promise<{ chunks: ChunkRows[]; sealedBytes: number }> {
  const { keyring } = deps;
  const seal = await keyring.batchSealer(sender.organisationId);
  const hash = await keyring.lookupHasher();
  const chunks: ChunkRows[] = [];
  let sealedBytes = 0;
  for (let i = 0; i < messages.length; i += BULK_CHUNK) {
    const part = messages.slice(i, i + BULK_CHUNK);
    const ids = part.map(() => uuidv7());
    const inputs = part.map((m) => ({
      channel: 'in_app' as const,
      nhsNumber: m.nhsNumber,
      odsCode: sender.odsCode,
      content,
      notification: null,
      campaignId,
      requestId: m.requestId,
    }));
    const rows = chunkRowsOf(
      inputs.map((input, k) => ({
        id: ids[k]!,
        input,
        nhsHmac: hash(input.nhsNumber),
        reqHmac: requestHmac(hash, input),
        resource: Buffer.from(JSON.stringify(communicationResource(ids[k]!, input))),
      })),
      seal,
    );
    sealedBytes += rows.sealed.bytes.length;
    chunks.push(rows);
  }
  return { chunks, sealedBytes };
}
