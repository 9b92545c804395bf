import type { StaffContext } from '../../identity/staffContext.js';
import { requireOrgAdmin } from '../../organisations/admin/access.js';
import { recordAudit } from '../../platform/audit/auditLog.js';
import type { Deps } from '../../platform/deps.js';
import { NotFound } from '../../platform/http/errors.js';

/**
 * Campaign figures for the organisation that owns the sending client: messages by latest status,
 * read rate, and read rate over time. Counts only: no NHS number or content is read, so the
 * figures can be shown and exported without decrypting anything.
 */
export type CampaignSummary = {
  campaignId: string;
  messages: number;
  byStatus: Record<string, number>;
  read: number;
  readRate: number;
  firstSentAt: string;
};

async function requireOwnClient(deps: Pick<Deps, 'db'>, staff: StaffContext, clientId: string): Promise<void> {
  requireOrgAdmin(staff);
  const { rows } = await deps.db.query('SELECT 1 FROM api_clients WHERE id = $1 AND organisation_id = $2', [
    clientId,
    staff.organisationId,
  ]);
  if (!rows[0]) throw new NotFound('API client');
}

const rate = (read: number, delivered: number) =>
  delivered === 0 ? 0 : Math.round((read / delivered) * 10_000) / 10_000;

export async function listCampaigns(
  deps: Pick<Deps, 'db'>,
  staff: StaffContext,
  clientId: string,
): Promise<CampaignSummary[]> {
  await requireOwnClient(deps, staff, clientId);
  const { rows } = await deps.db.query<{ campaign_id: string; status: string; n: number; read: number; first: Date }>(
    `SELECT campaign_id, status, count(*)::int AS n, count(read_at)::int AS read, min(created_at) AS first
     FROM outbound_messages WHERE client_id = $1 AND campaign_id IS NOT NULL
     GROUP BY campaign_id, status ORDER BY campaign_id`,
    [clientId],
  );
  const byCampaign = new Map<string, CampaignSummary & { delivered: number }>();
  for (const r of rows) {
    const c = byCampaign.get(r.campaign_id) ?? {
      campaignId: r.campaign_id,
      messages: 0,
      byStatus: {},
      read: 0,
      readRate: 0,
      delivered: 0,
      firstSentAt: new Date(r.first).toISOString(),
    };
    c.messages += r.n;
    c.byStatus[r.status] = (c.byStatus[r.status] ?? 0) + r.n;
    c.read += r.read;
    if (r.status !== 'Rejected' && r.status !== 'Pending') c.delivered += r.n;
    const first = new Date(r.first).toISOString();
    if (first < c.firstSentAt) c.firstSentAt = first;
    byCampaign.set(r.campaign_id, c);
  }
  return [...byCampaign.values()]
    .map(({ delivered, ...c }) => ({ ...c, readRate: rate(c.read, delivered) }))
    .sort((a, b) => b.firstSentAt.localeCompare(a.firstSentAt));
}

/** Read rate hour by hour since the campaign's first message: cumulative reads over deliveries. */
export async function campaignReadRate(
  deps: Pick<Deps, 'db'>,
  staff: StaffContext,
  clientId: string,
  campaignId: string,
): Promise<{ hour: string; delivered: number; read: number; readRate: number }[]> {
  await requireOwnClient(deps, staff, clientId);
  const { rows } = await deps.db.query<{ hour: Date; delivered: number; read: number }>(
    `WITH m AS (
       SELECT created_at, read_at FROM outbound_messages
       WHERE client_id = $1 AND campaign_id = $2 AND status NOT IN ('Rejected', 'Pending')),
     hours AS (
       SELECT generate_series(date_trunc('hour', min(created_at)),
         date_trunc('hour', greatest(max(created_at), coalesce(max(read_at), max(created_at)))), interval '1 hour') AS hour
       FROM m)
     SELECT hours.hour,
       (SELECT count(*) FROM m WHERE m.created_at < hours.hour + interval '1 hour')::int AS delivered,
       (SELECT count(*) FROM m WHERE m.read_at < hours.hour + interval '1 hour')::int AS read
     FROM hours ORDER BY hours.hour LIMIT 2000`,
    [clientId, campaignId],
  );
  return rows.map((r) => ({
    hour: new Date(r.hour).toISOString(),
    delivered: r.delivered,
    read: r.read,
    readRate: rate(r.read, r.delivered),
  }));
}

/** One line per message: ids, status and times; no NHS number, no content. Audited as an export. */
export async function campaignCsv(
  deps: Pick<Deps, 'db'>,
  staff: StaffContext,
  clientId: string,
  campaignId: string,
): Promise<string> {
  await requireOwnClient(deps, staff, clientId);
  const { rows } = await deps.db.query<{
    id: string;
    request_id: string | null;
    status: string;
    created_at: Date;
    read_at: Date | null;
  }>(
    `SELECT id, request_id, status, created_at, read_at FROM outbound_messages
     WHERE client_id = $1 AND campaign_id = $2 ORDER BY created_at, id`,
    [clientId, campaignId],
  );
  await recordAudit(deps.db, {
    chain: staff.organisationId,
    actorKind: 'staff',
    actorId: staff.staffId,
    action: 'outbound.campaign_export',
    targetKind: 'api_client',
    targetId: clientId,
    ip: staff.ip,
    reason: `${rows.length} row(s)`,
  });
  const lines = ['communication_id,request_id,status,sent_at,read_at'];
  for (const r of rows) {
    lines.push(
      [
        r.id,
        r.request_id ?? '',
        r.status,
        new Date(r.created_at).toISOString(),
        r.read_at ? new Date(r.read_at).toISOString() : '',
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * RFC 4180 quoting, and a leading apostrophe for anything a spreadsheet would run as a formula
 * (a request-id is the client's own text).
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
