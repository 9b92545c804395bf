import type { CommunicationInput } from './fhir/readCommunicationRequest.js';
import type { FallbackPolicy } from './fhir/fallbackExtension.js';

export const HMAC_BYTES = 32;

/** Seals many values under one key into one buffer (see `KeyRing.batchSealer`). */
export type BatchSealer = (values: readonly Buffer[]) => { bytes: Buffer; lengths: number[] };

/**
 * One chunk's values, column by column, as the chunk statement (`chunkStatement` in bulk.ts)
 * takes them. Only arrays of plain values and buffers, so a chunk read on a worker thread
 * crosses to the main thread without a copy of its bytes.
 */
export type ChunkRows = {
  ids: string[];
  /** Each message's 32-byte lookup HMAC of its NHS number, end to end. */
  nhsHmacs: Buffer;
  requestIds: (string | null)[];
  /** Each message's 32-byte request HMAC end to end, zeros where it has no request-id. */
  requestHmacs: Buffer;
  campaignIds: (string | null)[];
  sealed: { bytes: Buffer; lengths: number[] };
  fallback: (FallbackPolicy | null | undefined)[];
};

/** A message read and hashed, ready to write; its resource as UTF-8 JSON, sealed with its chunk. */
export type ReadyMessage = {
  id: string;
  input: CommunicationInput;
  nhsHmac: Buffer;
  reqHmac: Buffer | null;
  resource: Buffer;
};

/** The chunk statement's values for these messages (bulk, group-committed single sends, the bench). */
export function chunkRowsOf(messages: readonly ReadyMessage[], seal: BatchSealer): ChunkRows {
  return {
    ids: messages.map((m) => m.id),
    nhsHmacs: packHmacs(messages.map((m) => m.nhsHmac)),
    requestIds: messages.map((m) => m.input.requestId),
    requestHmacs: packHmacs(messages.map((m) => m.reqHmac)),
    campaignIds: messages.map((m) => m.input.campaignId),
    sealed: seal(messages.map((m) => m.resource)),
    fallback: messages.map((m) => m.input.fallback),
  };
}

/** The request HMAC of the chunk's i-th message (meaningful only where it has a request-id). */
export function requestHmacAt(rows: ChunkRows, i: number): Buffer {
  return rows.requestHmacs.subarray(i * HMAC_BYTES, (i + 1) * HMAC_BYTES);
}

/** Each entry's 32-byte HMAC end to end in one buffer (zeros for none), to be cut apart in SQL. */
function packHmacs(hmacs: readonly (Buffer | null)[]): Buffer {
  const out = Buffer.alloc(HMAC_BYTES * hmacs.length);
  hmacs.forEach((h, i) => {
    if (h && h.length !== HMAC_BYTES) throw new Error(`an HMAC of ${h.length} bytes, not ${HMAC_BYTES}`);
    h?.copy(out, i * HMAC_BYTES);
  });
  return out;
}
