import type { Deps } from '../../platform/deps.js';
import { FhirError, issue } from '../../platform/fhir/operationOutcome.js';
import type { ApiClient } from '../clients/apiClients.js';
import type { ReceiptCode } from '../fhir/systems.js';
import { receiptTask, type ReceiptTask } from './taskResource.js';

export const RECEIPT_REPORT_PATH = '/communication/report/receipts/FHIR/R4/Task';

/** Receipts per page of the report. */
export const RECEIPT_REPORT_PAGE_SIZE = 1000;

export type ReportLink = { relation: 'self' | 'next' | 'last'; url: string };

export type ReceiptReportBundle = {
  resourceType: 'Bundle';
  type: 'searchset';
  total: number;
  link: ReportLink[];
  entry: { fullUrl: string; resource: ReceiptTask }[];
};

type Row = {
  total: number;
  id: string | null;
  message_id: string;
  code: ReceiptCode;
  reason: string | null;
  at: Date | string;
  campaign_id: string | null;
  request_id: string | null;
  created_at: Date | string;
};

// The day's bounds are computed by the database from the date itself, so any valid date (up to
// 9999-12-31, whose next day JavaScript cannot write as an ISO string) gives an index range scan.
const FROM = `($2::date)::timestamp AT TIME ZONE 'UTC'`;
const UNTIL = `($2::date + 1)::timestamp AT TIME ZONE 'UTC'`;

// One statement, so the total and the page come from the same snapshot while receipts arrive.
const REPORT_SQL = `SELECT n.total, r.id, r.message_id, r.code, r.reason, r.at, m.campaign_id, m.request_id, m.created_at
  FROM (SELECT count(*)::int AS total FROM outbound_receipts
        WHERE client_id = $1 AND at >= ${FROM} AND at < ${UNTIL}) n
  LEFT JOIN LATERAL (
    SELECT id, message_id, code, reason, at FROM outbound_receipts
    WHERE client_id = $1 AND at >= ${FROM} AND at < ${UNTIL}
    ORDER BY at, id LIMIT $3 OFFSET $4) r ON true
  LEFT JOIN outbound_messages m ON m.id = r.message_id
  ORDER BY r.at, r.id`;

function reportUrl(publicUrl: string, day: string, page: number): string {
  const url = new URL(RECEIPT_REPORT_PATH, publicUrl);
  url.search = new URLSearchParams({ day, page: String(page) }).toString();
  return url.toString();
}

/**
 * One page of a client's receipt report: its receipts whose status was reached on the UTC day
 * `day` (YYYY-MM-DD, already checked), in (at, id) order, as a FHIR searchset of Tasks. `page`
 * counts from 1; a page past the last is 404 "Report not found", as the NHS App answers.
 *
 * A day with no receipts is an empty searchset (total 0, last page 1), not the NHS App's 404:
 * its reports are files generated overnight, so "no file" is all it can say, while ours are read
 * live, and an empty report tells a supplier polling today's report that nothing has happened
 * yet, not that something is wrong.
 */
export async function receiptReport(
  deps: Pick<Deps, 'db' | 'config'>,
  client: Pick<ApiClient, 'id'>,
  day: string,
  page: number,
  pageSize: number = RECEIPT_REPORT_PAGE_SIZE,
): Promise<ReceiptReportBundle> {
  const { rows } = await deps.db.query<Row>(REPORT_SQL, [client.id, day, pageSize, (page - 1) * pageSize]);
  const total = rows[0]?.total ?? 0;
  const lastPage = Math.max(1, Math.ceil(total / pageSize));
  if (page > lastPage) throw new FhirError(404, [issue('not-found', 'Report not found')]);

  const { publicUrl } = deps.config;
  const link: ReportLink[] = [{ relation: 'self', url: reportUrl(publicUrl, day, page) }];
  if (page < lastPage) link.push({ relation: 'next', url: reportUrl(publicUrl, day, page + 1) });
  link.push({ relation: 'last', url: reportUrl(publicUrl, day, lastPage) });

  const entry = rows.flatMap((r) =>
    r.id === null
      ? []
      : [
          {
            fullUrl: new URL(`${RECEIPT_REPORT_PATH}/${r.id}`, publicUrl).toString(),
            resource: receiptTask({
              id: r.id,
              messageId: r.message_id,
              campaignId: r.campaign_id,
              requestId: r.request_id,
              code: r.code,
              reason: r.reason,
              authoredOn: new Date(r.created_at),
              at: new Date(r.at),
            }),
          },
        ],
  );
  return { resourceType: 'Bundle', type: 'searchset', total, link, entry };
}
