import type { RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../../platform/audit/auditLog.js';
import { FHIR_JSON } from '../../platform/fhir/fhirErrors.js';
import { FhirError, issue, type Issue } from '../../platform/fhir/operationOutcome.js';
import { requireApiClient } from '../fhir/bearerAuth.js';
import { RECEIPT_REPORT_PATH, receiptReport, type ReportLink } from './receiptReport.js';

const MAX_PAGE = 2_147_483_647;

/** A real calendar date written strictly as YYYY-MM-DD (year 0001 on), as the NHS App requires. */
function isCalendarDay(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  // setUTCFullYear, not Date.UTC: the latter reads years 0–99 as 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(y, mo, d);
  return y >= 1 && date.getUTCFullYear() === y && date.getUTCMonth() === mo && date.getUTCDate() === d;
}

function isPage(value: string): boolean {
  return /^\d{1,10}$/.test(value) && Number(value) >= 1 && Number(value) <= MAX_PAGE;
}

/**
 * `day` and `page` read by hand rather than by a schema, so each problem is worded as the NHS App
 * words it ("Not specified", "Invalid format", "A single value is expected"), all in one outcome.
 * The query parser gives an array for a repeated key.
 */
function readReportQuery(query: unknown): { day: string; page: number } {
  const q = (query ?? {}) as Record<string, unknown>;
  const issues: Issue[] = [];
  const day = q.day;
  const page = q.page;
  if (Array.isArray(day)) issues.push(issue('invalid', 'A single value is expected', 'day'));
  else if (typeof day !== 'string' || day === '') issues.push(issue('invalid', 'Not specified', 'day'));
  else if (!isCalendarDay(day)) issues.push(issue('invalid', 'Invalid format', 'day'));
  if (Array.isArray(page)) issues.push(issue('invalid', 'A single value is expected', 'page'));
  else if (page !== undefined && !(typeof page === 'string' && isPage(page))) {
    issues.push(issue('invalid', 'Invalid format', 'page'));
  }
  if (issues.length > 0 || typeof day !== 'string') throw new FhirError(400, issues);
  return { day, page: typeof page === 'string' ? Number(page) : 1 };
}

/** The NHS App's Link header: next (when there is one), then last; self is only in the body. */
function linkHeader(links: ReportLink[]): string {
  return links
    .filter((l) => l.relation !== 'self')
    .map((l) => `<${l.url}>; rel="${l.relation}"`)
    .join(', ');
}

/** The receipt report (FHIR Task searchset). Registered inside the FHIR routes' bearer check. */
export async function receiptReportRoutes(app: FastifyInstance, opts: { rateLimit: RateLimitOptions }): Promise<void> {
  const { deps } = app;
  app.get(
    RECEIPT_REPORT_PATH,
    {
      schema: {
        tags: ['outbound messaging'],
        security: [{ bearer: [] }],
        summary: 'Get a daily receipt report (NHS App API compatible)',
        description:
          'Query `day` (YYYY-MM-DD, UTC) and optional `page` (from 1). Pages are linked by the `Link` header.',
      },
      config: { rateLimit: opts.rateLimit },
    },
    async (request, reply) => {
      const client = requireApiClient(request);
      const { day, page } = readReportQuery(request.query);
      const bundle = await receiptReport(deps, client, day, page);
      await recordAudit(deps.db, {
        chain: `outbound:${client.id}:report`,
        actorKind: 'api_client',
        actorId: client.id,
        action: 'outbound.receipt_report',
        targetKind: 'receipt_report',
        targetId: null,
        ip: request.ip,
        reason: `${day} page ${page}`,
      });
      return reply.type(FHIR_JSON).header('link', linkHeader(bundle.link)).send(bundle);
    },
  );
}
