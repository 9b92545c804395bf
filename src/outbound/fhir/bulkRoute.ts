import type { FastifyInstance } from 'fastify';
import { FHIR_JSON } from '../../platform/fhir/fhirErrors.js';
import { Invalid } from '../../platform/http/errors.js';
import { FhirError, issue } from '../../platform/fhir/operationOutcome.js';
import { submitBundle, type EntryResponse } from '../bulk.js';
import type { BodyRefusal } from '../bulkRead.js';
import { requireApiClient } from './bearerAuth.js';

export const BULK_PATH = '/communication/in-app/FHIR/R4';
/**
 * 50,000 messages averaging 2.5 KiB each. Only authenticated clients reach the body (the bearer
 * check runs before parsing), and a larger campaign is several Bundles.
 */
const BULK_BODY_LIMIT = 128 * 1024 * 1024;

const STATUS_TEXT: Record<number, string> = {
  201: '201 Created',
  400: '400 Bad Request',
  403: '403 Forbidden',
  409: '409 Conflict',
  500: '500 Internal Server Error',
  503: '503 Service Unavailable',
};

const JSON_TYPES = ['application/json', 'application/fhir+json'];

/** A body refused as a whole answers as the API's JSON parser and the Bundle checks always have. */
function refusal(r: BodyRefusal): Error {
  if (r.kind === 'utf8') return new Invalid('Request body is not valid UTF-8.', 'invalid_utf8');
  if (r.kind === 'json') return new FhirError(400, [issue('invalid', 'Invalid Json encountered.')]);
  return new FhirError(400, r.issues);
}

function entryOf(r: EntryResponse) {
  return r.ok
    ? { response: { status: STATUS_TEXT[201]!, location: `CommunicationRequest/${r.id}` } }
    : { response: { status: STATUS_TEXT[r.status]!, outcome: r.outcome } };
}

/**
 * Beyond the NHS App: up to 50,000 in-app messages in one FHIR `batch` Bundle. Each entry is
 * judged alone (partial success), and the `batch-response` answers every entry in order: `201`
 * with the message's location (relative to this base), or the entry's own OperationOutcome.
 */
export async function bulkRoute(app: FastifyInstance, opts: { rateLimit: object }): Promise<void> {
  const { deps } = app;
  // In this plugin only, the body stays bytes: it is decoded and parsed on a bulk reader thread
  // (bulkReaders.ts), under the same rules as every JSON body (strict UTF-8, no prototype keys).
  app.removeContentTypeParser(JSON_TYPES);
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'buffer', bodyLimit: BULK_BODY_LIMIT }, (_request, body, done) =>
    done(null, body),
  );
  app.post(
    BULK_PATH,
    {
      bodyLimit: BULK_BODY_LIMIT,
      schema: {
        tags: ['outbound messaging'],
        security: [{ bearer: [] }],
        summary: 'Send up to 50,000 in-app messages in one batch Bundle',
      },
      config: { rateLimit: opts.rateLimit },
    },
    async (request, reply) => {
      const client = requireApiClient(request);
      // No body, or one of a type this plugin does not read as bytes (text/plain…): not a Bundle.
      if (!Buffer.isBuffer(request.body))
        throw new FhirError(400, [issue('invalid', 'A Bundle is expected', 'resourceType')]);
      const read = await submitBundle(deps, client, request.body, (err) =>
        request.log.error({ err }, 'bulk chunk not written'),
      );
      if ('refused' in read) throw refusal(read.refused);
      return reply
        .type(FHIR_JSON)
        .send({ resourceType: 'Bundle', type: 'batch-response', entry: read.responses.map(entryOf) });
    },
  );
}
