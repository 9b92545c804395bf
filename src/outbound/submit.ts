import { createHash } from 'node:crypto';
import { recordAudit } from '../platform/audit/auditLog.js';
import type { Deps } from '../platform/deps.js';
import { FhirError, issue } from '../platform/fhir/operationOutcome.js';
import { uuidv7 } from '../platform/ids/uuidv7.js';
import { acceptBatcherFor } from './acceptBatcher.js';
import { outboundChain, requestHmac } from './acceptance.js';
import type { ApiClient } from './clients/apiClients.js';
import { communicationResource, type CommunicationRequestResource } from './fhir/communicationResource.js';
import {
  readCommunicationRequest,
  type CommunicationInput,
  type ContentMemo,
} from './fhir/readCommunicationRequest.js';
import type { Channel } from './fhir/systems.js';
import { MAX_CONTENT_LENGTH, type ContentProblem } from './content/markdownRules.js';

export type Accepted = { id: string; resource: CommunicationRequestResource; repeated: boolean };

/**
 * Texts checked recently, per set of allowed link domains: senders send one text to many patients.
 * Keyed by a hash of the text, so the cache holds no message content; texts over the length limit
 * are refused before any parse and are not kept.
 */
const RECENT_TEXTS = 256;
class RecentChecks implements ContentMemo {
  private readonly byHash = new Map<string, ContentProblem[]>();
  private key(content: string): string {
    return createHash('sha256').update(content).digest('base64');
  }
  get(content: string): ContentProblem[] | undefined {
    return this.byHash.get(this.key(content));
  }
  set(content: string, problems: ContentProblem[]): this {
    if (content.length > MAX_CONTENT_LENGTH) return this;
    const key = this.key(content);
    if (!this.byHash.has(key) && this.byHash.size >= RECENT_TEXTS) this.byHash.delete(this.byHash.keys().next().value!);
    this.byHash.set(key, problems);
    return this;
  }
}
const recentChecks = new Map<string, RecentChecks>();
function contentMemo(client: Pick<ApiClient, 'allowedLinkDomains'>): RecentChecks {
  const key = client.allowedLinkDomains.join(' ');
  let memo = recentChecks.get(key);
  if (!memo) {
    if (recentChecks.size >= RECENT_TEXTS) recentChecks.delete(recentChecks.keys().next().value!);
    memo = new RecentChecks();
    recentChecks.set(key, memo);
  }
  return memo;
}

/**
 * One CommunicationRequest from an API client: the message (in the inbox of the P9 patient with
 * the NHS number, otherwise rejected), its receipts, its push and its audit entry, written
 * together with whatever other sends of the same client are waiting (`AcceptBatcher`). A repeat
 * of a request-id returns the first result; the same request-id with a different request is
 * refused (409).
 */
export async function submitCommunicationRequest(
  deps: Pick<Deps, 'db' | 'keyring' | 'now'>,
  client: ApiClient,
  channel: Channel,
  body: unknown,
  ip: string | null = null,
): Promise<Accepted> {
  const read = readCommunicationRequest(body, channel, client, contentMemo(client));
  if (!read.ok) throw new FhirError(read.status, read.issues);
  const input = read.input;
  const id = uuidv7();
  const resource = communicationResource(id, input);
  const hash = await deps.keyring.lookupHasher();
  const reqHmac = input.requestId !== null ? requestHmac(hash, input) : null;
  const written = await acceptBatcherFor(deps.db).submit(deps, client, channel, {
    id,
    input,
    nhsHmac: hash(input.nhsNumber),
    reqHmac,
    resource: Buffer.from(JSON.stringify(resource), 'utf8'),
    ip,
  });
  if (written) return { id, resource, repeated: false };
  const first = await firstResult(deps, client, input, reqHmac!);
  // The first answer holds the NHS number and the content: reading it back is a read.
  await recordAudit(deps.db, {
    chain: outboundChain(client.id, first.id),
    actorKind: 'api_client',
    actorId: client.id,
    action: 'outbound.read',
    targetKind: 'outbound_message',
    targetId: first.id,
    ip,
    reason: 'repeated request-id',
  });
  return first;
}

/** A request-id seen before: its first answer, if this is the same request. */
async function firstResult(
  deps: Pick<Deps, 'db' | 'keyring'>,
  client: ApiClient,
  input: CommunicationInput,
  reqHmac: Buffer,
): Promise<Accepted> {
  const { rows } = await deps.db.query<{ id: string; request_hmac: Buffer | Uint8Array; resource_enc: unknown }>(
    'SELECT id, request_hmac, resource_enc FROM outbound_messages WHERE client_id = $1 AND request_id = $2',
    [client.id, input.requestId],
  );
  const prior = rows[0];
  if (!prior || !Buffer.from(prior.request_hmac).equals(reqHmac)) {
    throw new FhirError(409, [
      issue('duplicate', 'This request-id was already used for a different request.', 'identifier'),
    ]);
  }
  const resource = JSON.parse(await deps.keyring.decrypt(prior.resource_enc)) as CommunicationRequestResource;
  return { id: prior.id, resource, repeated: true };
}
