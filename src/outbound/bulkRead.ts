import secureJson from 'secure-json-parse';
import { issue, outcome, type Issue, type OperationOutcome } from '../platform/fhir/operationOutcome.js';
import { uuidv7 } from '../platform/ids/uuidv7.js';
import { batchSealerOf, lookupHasherOf, type WorkerKeys } from '../platform/crypto/workerKeys.js';
import type { ApiClient } from './clients/apiClients.js';
import { requestHmac } from './acceptance.js';
import { chunkRowsOf, type ChunkRows, type ReadyMessage } from './chunkRows.js';
import { communicationResource } from './fhir/communicationResource.js';
import { readCommunicationRequest, type ContentMemo } from './fhir/readCommunicationRequest.js';

export const MAX_BUNDLE_ENTRIES = 50_000;
/** Rows per INSERT: large enough that the round trip is noise, small enough to keep locks short. */
export const BULK_CHUNK = 2_000;

/** Entries of the Bundle ready to write, by their places in it. */
export type ReadChunk = { indexes: number[]; rows: ChunkRows };
/** An entry answered without being written: a rule it broke, or a request-id it reused. */
export type EntryRefusal = { index: number; status: 400 | 403 | 409; outcome: OperationOutcome };
export type BundleRead = {
  refusals: EntryRefusal[];
  /** Entries repeating an earlier entry's request-id and request: they get its answer. */
  repeats: { index: number; first: number }[];
};
/** Why the body as a whole is refused, before any entry is read. */
export type BodyRefusal = { kind: 'utf8' } | { kind: 'json' } | { kind: 'fhir'; issues: Issue[] };

export type BulkReadContext = {
  /** Only what the rules need of the sending client: nothing else of it crosses to the reader. */
  client: Pick<ApiClient, 'odsCode' | 'allowedLinkDomains'>;
  keys: WorkerKeys;
};

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a batch Bundle's body (the request's bytes) by the same rules as a single send, entry by
 * entry: says how many entries there are once the body has parsed, then hands each full chunk of
 * valid entries to `on.chunk` as soon as it is read, hashed and sealed, so they can be written
 * while the rest is read. Pure and synchronous: it runs on a bulk reader thread
 * (bulkReaders.ts), away from the node's event loop. Returns the entries not to write, or why the
 * whole body is refused.
 */
export function readBundle(
  body: Uint8Array,
  ctx: BulkReadContext,
  on: { entries: (count: number) => void; chunk: (chunk: ReadChunk) => void },
): BundleRead | { refused: BodyRefusal } {
  const parsed = parseBody(body);
  if ('refused' in parsed) return parsed;
  const entries = parsed.entries;
  on.entries(entries.length);
  const hash = lookupHasherOf(ctx.keys.lookupKey);
  const seal = batchSealerOf(ctx.keys.sealKey, ctx.keys.sealHeader);
  const memo: ContentMemo = new Map();
  const result: BundleRead = { refusals: [], repeats: [] };
  // A request-id used twice in one Bundle: the first entry decides, as if they came one by one.
  const seenRequestIds = new Map<string, { index: number; reqHmac: Buffer }>();
  let ready: ReadyMessage[] = [];
  let indexes: number[] = [];
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index];
    // Read entries are let go at once: the parsed Bundle is most of this thread's memory.
    entries[index] = undefined;
    const resource = readEntry(entry);
    if ('issues' in resource) {
      result.refusals.push({ index, status: 400, outcome: outcome(resource.issues) });
      continue;
    }
    const read = readCommunicationRequest(resource.body, 'in_app', ctx.client, memo);
    if (!read.ok) {
      result.refusals.push({ index, status: read.status, outcome: outcome(read.issues) });
      continue;
    }
    const input = read.input;
    const reqHmac = input.requestId !== null ? requestHmac(hash, input) : null;
    if (input.requestId !== null) {
      const earlier = seenRequestIds.get(input.requestId);
      if (earlier) {
        if (earlier.reqHmac.equals(reqHmac!)) result.repeats.push({ index, first: earlier.index });
        else result.refusals.push({ index, status: 409, outcome: duplicateOutcome() });
        continue;
      }
      seenRequestIds.set(input.requestId, { index, reqHmac: reqHmac! });
    }
    const id = uuidv7();
    ready.push({
      id,
      input,
      nhsHmac: hash(input.nhsNumber),
      reqHmac,
      resource: Buffer.from(JSON.stringify(communicationResource(id, input)), 'utf8'),
    });
    indexes.push(index);
    if (ready.length === BULK_CHUNK) {
      on.chunk({ indexes, rows: chunkRowsOf(ready, seal) });
      ready = [];
      indexes = [];
    }
  }
  if (ready.length > 0) on.chunk({ indexes, rows: chunkRowsOf(ready, seal) });
  return result;
}

export function duplicateOutcome(): OperationOutcome {
  return outcome([issue('duplicate', 'This request-id was already used for a different request.', 'identifier')]);
}

/**
 * The body as a batch Bundle: strict UTF-8 (bad bytes are refused, never replaced) and JSON
 * without prototype poisoning, as every JSON body of the API is read (platform/http/jsonParser.ts).
 */
function parseBody(body: Uint8Array): { entries: unknown[] } | { refused: BodyRefusal } {
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    return { refused: { kind: 'utf8' } };
  }
  let parsed: unknown;
  try {
    parsed = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    return { refused: { kind: 'json' } };
  }
  const bundle = parsed as { resourceType?: unknown; type?: unknown; entry?: unknown } | null;
  const refuse = (issues: Issue[]) => ({ refused: { kind: 'fhir' as const, issues } });
  if (typeof bundle !== 'object' || bundle === null || bundle.resourceType !== 'Bundle') {
    return refuse([issue('invalid', 'A Bundle is expected', 'resourceType')]);
  }
  if (bundle.type !== 'batch') return refuse([issue('invalid', "Bundle type must be 'batch'", 'type')]);
  if (!Array.isArray(bundle.entry) || bundle.entry.length === 0) {
    return refuse([issue('invalid', 'Not specified', 'entry')]);
  }
  if (bundle.entry.length > MAX_BUNDLE_ENTRIES) {
    return refuse([issue('invalid', `Exceeds maximum length: at most ${MAX_BUNDLE_ENTRIES} entries`, 'entry')]);
  }
  return { entries: bundle.entry as unknown[] };
}

/** A batch entry: `{ resource, request: { method: 'POST', url: 'CommunicationRequest' } }`. */
function readEntry(entry: unknown): { body: unknown } | { issues: Issue[] } {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return { issues: [issue('invalid', 'Each entry must be an object')] };
  }
  const e = entry as { resource?: unknown; request?: { method?: unknown; url?: unknown } | null };
  if (
    e.request !== undefined &&
    (typeof e.request !== 'object' ||
      e.request === null ||
      e.request.method !== 'POST' ||
      e.request.url !== 'CommunicationRequest')
  ) {
    return { issues: [issue('invalid', 'request must be POST CommunicationRequest', 'request')] };
  }
  if (e.resource === undefined) return { issues: [issue('invalid', 'Not specified', 'resource')] };
  return { body: e.resource };
}
