import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BULK_CHUNK, type ReadChunk } from './bulkRead.js';
import { readBundleOffThread } from './bulkReaders.js';
import { batchBundle, inAppRequest, testNhsNumber } from './testSenders.js';

const ODS = 'Y12345';
const ctx = () => ({
  client: { odsCode: ODS, allowedLinkDomains: ['www.nhs.uk'] },
  keys: { lookupKey: randomBytes(32), sealKey: randomBytes(32), sealHeader: randomBytes(17) },
});
const bundleOf = (n: number) =>
  Buffer.from(JSON.stringify(batchBundle(Array.from({ length: n }, () => inAppRequest(testNhsNumber(), ODS)))));

describe('bulk reader threads', () => {
  it('say how many entries there are, then stay at most three chunks ahead of the writes', async () => {
    const heard: number[] = [];
    const chunks: { chunk: ReadChunk; written: () => void }[] = [];
    const reading = readBundleOffThread(bundleOf(6 * BULK_CHUNK), ctx(), {
      entries: (n) => heard.push(n),
      chunk: (chunk, written) => chunks.push({ chunk, written }),
    });
    // Nothing is written yet: the reader hands over three chunks and waits.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(heard).toEqual([6 * BULK_CHUNK]);
    expect(chunks).toHaveLength(3);
    // Each write finished lets one more chunk through, until all six are read.
    chunks[0]!.written();
    await expect.poll(() => chunks.length).toBe(4);
    for (const c of chunks) c.written();
    await expect.poll(() => chunks.length).toBe(6);
    chunks.slice(4).forEach((c) => c.written());
    const result = await reading;
    expect(result).toEqual({ refusals: [], repeats: [] });
    // Every entry once, in order, with its bytes back as Buffers.
    expect(chunks.flatMap((c) => c.chunk.indexes)).toEqual(Array.from({ length: 6 * BULK_CHUNK }, (_, i) => i));
    expect(Buffer.isBuffer(chunks[0]!.chunk.rows.sealed.bytes)).toBe(true);
  });

  it('move a body to the reader, copy one in the shared buffer pool, and refuse what is not bytes', async () => {
    const on = { entries: () => undefined, chunk: (_c: ReadChunk, written: () => void) => written() };
    const large = bundleOf(50);
    const small = bundleOf(1);
    const readings = [readBundleOffThread(large, ctx(), on), readBundleOffThread(small, ctx(), on)];
    expect(large.byteLength).toBe(0);
    // A slice of the pool other buffers share stays where it is: it was copied.
    expect(JSON.parse(small.toString('utf8'))).toMatchObject({ resourceType: 'Bundle' });
    for (const r of await Promise.all(readings)) expect(r).toEqual({ refusals: [], repeats: [] });
    expect(() =>
      readBundleOffThread('{}' as unknown as Uint8Array, ctx(), { entries: () => undefined, chunk: () => undefined }),
    ).toThrow('a Bundle body is bytes');
  });
});
