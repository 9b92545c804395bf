import type { FastifyInstance } from 'fastify';
import { FHIR_JSON } from '../../platform/fhir/fhirErrors.js';
import { FhirError, issue } from '../../platform/fhir/operationOutcome.js';
import { MAX_BUNDLE_ENTRIES, submitBundle, type EntryResponse } from '../bulk.js';
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
      const body = request.body as { resourceType?: unknown; type?: unknown; entry?: unknown } | null;
      if (typeof body !== 'object' || body === null || body.resourceType !== 'Bundle') {
        throw new FhirError(400, [issue('invalid', 'A Bundle is expected', 'resourceType')]);
      }
      if (body.type !== 'batch') throw new FhirError(400, [issue('invalid', "Bundle type must be 'batch'", 'type')]);
      if (!Array.isArray(body.entry) || body.entry.length === 0) {
        throw new FhirError(400, [issue('invalid', 'Not specified', 'entry')]);
      }
      if (body.entry.length > MAX_BUNDLE_ENTRIES) {
        throw new FhirError(400, [
          issue('invalid', `Exceeds maximum length: at most ${MAX_BUNDLE_ENTRIES} entries`, 'entry'),
        ]);
      }
      const { responses } = await submitBundle(deps, client, body.entry, (err) =>
        request.log.error({ err }, 'bulk chunk not written'),
      );
      return reply
        .type(FHIR_JSON)
        .send({ resourceType: 'Bundle', type: 'batch-response', entry: responses.map(entryOf) });
    },
  );
}
