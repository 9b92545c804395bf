import type { StaffContext } from '../../identity/staffContext.js';
import { requireOrgAdmin } from '../../organisations/admin/access.js';
import { recordAudit } from '../../platform/audit/auditLog.js';
import type { Deps } from '../../platform/deps.js';
import { NotFound } from '../../platform/http/errors.js';
import { CURRENT_STATUS_JOIN, CURRENT_STATUS_SQL } from '../receipts/recordReceipt.js';

/**
 * Campaign figures for the organisation that owns the sending client: messages by latest status,
 * read rate, and read rate over time. Counts only: no NHS number or content is read, so the
 * figures can be shown and exported without decrypting anything.
 *
 * Only an in-app message can be read: it is in the patient's inbox from the moment it is accepted.
 * A notification-only message (channel 'notification') is a push alone and never in an inbox, so
 * it counts in `messages`, `byStatus` and `notificationOnly`, but never in `delivered`, `read` or
 * the read rate. `delivered` is the in-app messages that reached an inbox (every in-app message
 * but the Rejected ones); the read rate is `read / delivered`.
 */
export type CampaignSummary = {
  campaignId: string;
  messages: number;
  byStatus: Record<string, number>;
  /** In-app messages in a patient's inbox: the read rate's denominator. */
  delivered: number;
  /** Delivered in-app messages the patient has opened. */
  read: number;
  /** `read / delivered`, 0 to 1, to four decimal places; 0 when nothing was delivered. */
  readRate: number;
  /** Notification-only messages: in `messages` and `byStatus`, never in the read rate. */
  notificationOnly: number;
  firstSentAt: string;
};

export type ReadRatePoint = { hour: string; delivered: number; read: number; readRate: number };

/**
 * The most hours the read rate over time answers (about 83 days). A campaign that spans more is
 * answered with its newest hours, whose figures stay cumulative since the campaign began.
 */
export const READ_RATE_MAX_HOURS = 2000;

/**
 * SQL over a message's columns (outbound_messages as m): an in-app message in a patient's inbox.
 * Rejected is only ever the status a message was written with, so the column as written says it.
 */
const DELIVERED_SQL = `m.channel = 'in_app' AND m.status <> 'Rejected'`;

async function requireOwnClient(deps: Pick<Deps, 'db'>, staff: StaffContext, clientId: string): Promise<void> {
  requireOrgAdmin(staff);
  const { rows } = await deps.db.query('SELECT 1 FROM api_clients WHERE id = $1 AND organisation_id = $2', [
    clientId,
    staff.organisationId,
  ]);
  if (!rows[0]) throw new NotFound('API client');
}

/** 404 unless the client has sent at least one message with this campaign id. */
async function requireCampaign(deps: Pick<Deps, 'db'>, clientId: string, campaignId: string): Promise<void> {
  const { rows } = await deps.db.query(
    'SELECT 1 FROM outbound_messages WHERE client_id = $1 AND campaign_id = $2 LIMIT 1',
    [clientId, campaignId],
  );
  if (!rows[0]) throw new NotFound('Campaign');
}

const rate = (read: number, delivered: number) =>
  delivered === 0 ? 0 : Math.round((read / delivered) * 10_000) / 10_000;

export async function listCampaigns(
  deps: Pick<Deps, 'db'>,
  staff: StaffContext,
  clientId: string,
): Promise<CampaignSummary[]> {
  await requireOwnClient(deps, staff, clientId);
  const { rows } = await deps.db.query<{
    campaign_id: string;
    status: string;
    n: number;
    delivered: number;
    read: number;
    notification_only: number;
    first: Date;
  }>(
    `SELECT m.campaign_id, ${CURRENT_STATUS_SQL} AS status, count(*)::int AS n,
       count(*) FILTER (WHERE ${DELIVERED_SQL})::int AS delivered,
       count(m.read_at) FILTER (WHERE ${DELIVERED_SQL})::int AS read,
       count(*) FILTER (WHERE m.channel = 'notification')::int AS notification_only,
       min(m.created_at) AS first
     FROM outbound_messages m ${CURRENT_STATUS_JOIN}
     WHERE m.client_id = $1 AND m.campaign_id IS NOT NULL
     GROUP BY m.campaign_id, 2 ORDER BY m.campaign_id`,
    [clientId],
  );
  const byCampaign = new Map<string, CampaignSummary>();
  for (const r of rows) {
    const first = new Date(r.first).toISOString();
    const c = byCampaign.get(r.campaign_id) ?? {
      campaignId: r.campaign_id,
      messages: 0,
      byStatus: {},
      delivered: 0,
      read: 0,
      readRate: 0,
      notificationOnly: 0,
      firstSentAt: first,
    };
    c.messages += r.n;
    c.byStatus[r.status] = (c.byStatus[r.status] ?? 0) + r.n;
    c.delivered += r.delivered;
    c.read += r.read;
    c.notificationOnly += r.notification_only;
    if (first < c.firstSentAt) c.firstSentAt = first;
    byCampaign.set(r.campaign_id, c);
  }
  return [...byCampaign.values()]
    .map((c) => ({ ...c, readRate: rate(c.read, c.delivered) }))
    .sort((a, b) => b.firstSentAt.localeCompare(a.firstSentAt));
}

/**
 * The read rate hour by hour (UTC hours), from the hour of the campaign's first delivered message
 * to the hour of its latest delivery or read: at the end of each hour, the delivered in-app
 * messages so far, how many of them were read so far, and the rate. One pass over the campaign's
 * messages (found through outbound_messages_by_campaign): each message is an event in the hour it
 * was sent and, once read, another in the hour it was read; the events are counted per hour, the
 * hours between filled in, and the counts summed as they run. Past READ_RATE_MAX_HOURS hours the
 * newest are answered (`truncated`), still counted from the start. An empty list when no in-app
 * message of the campaign reached an inbox; 404 for a campaign id the client never sent.
 */
export async function campaignReadRate(
  deps: Pick<Deps, 'db'>,
  staff: StaffContext,
  clientId: string,
  campaignId: string,
): Promise<{ points: ReadRatePoint[]; truncated: boolean }> {
  await requireOwnClient(deps, staff, clientId);
  await requireCampaign(deps, clientId, campaignId);
  const { rows } = await deps.db.query<{ hour: Date; delivered: number; read: number; hours: number }>(
    `WITH per_hour AS (
       SELECT e.hour, sum(e.delivered)::int AS delivered, sum(e.read)::int AS read
       FROM outbound_messages m
       CROSS JOIN LATERAL (VALUES
         (date_trunc('hour', m.created_at, 'UTC'), 1, 0),
         (date_trunc('hour', m.read_at, 'UTC'), 0, 1)) AS e(hour, delivered, read)
       WHERE m.client_id = $1 AND m.campaign_id = $2 AND ${DELIVERED_SQL}
         AND e.hour IS NOT NULL
       GROUP BY e.hour),
     running AS (
       SELECT h.hour,
         (sum(coalesce(p.delivered, 0)) OVER w)::int AS delivered,
         (sum(coalesce(p.read, 0)) OVER w)::int AS read,
         (count(*) OVER ())::int AS hours
       FROM (SELECT min(hour) AS first, max(hour) AS last FROM per_hour) span
       CROSS JOIN LATERAL generate_series(span.first, span.last, interval '1 hour') AS h(hour)
       LEFT JOIN per_hour p ON p.hour = h.hour
       WINDOW w AS (ORDER BY h.hour))
     SELECT hour, delivered, read, hours FROM running ORDER BY hour DESC LIMIT $3`,
    [clientId, campaignId, READ_RATE_MAX_HOURS],
  );
  const points = rows.reverse().map((r) => ({
    hour: new Date(r.hour).toISOString(),
    delivered: r.delivered,
    read: r.read,
    readRate: rate(r.read, r.delivered),
  }));
  return { points, truncated: (rows[0]?.hours ?? 0) > points.length };
}

/**
 * One line per message: ids, status and times; no NHS number, no content. Audited as an export.
 * 404 for a campaign id the client never sent.
 */
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
    `SELECT m.id, m.request_id, ${CURRENT_STATUS_SQL} AS status, m.created_at, m.read_at
     FROM outbound_messages m ${CURRENT_STATUS_JOIN}
     WHERE m.client_id = $1 AND m.campaign_id = $2 ORDER BY m.created_at, m.id`,
    [clientId, campaignId],
  );
  if (rows.length === 0) throw new NotFound('Campaign');
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

/**
 * The CSV's file name: `campaign-<id>.csv`, the id (the sender's own text) kept to letters, digits,
 * dot, underscore and hyphen, anything else an underscore, and cut to 100 characters (a character beyond ASCII is one underscore), so it is
 * safe in a quoted Content-Disposition filename and as a file name on any system.
 */
export function campaignCsvFileName(campaignId: string): string {
  const safe = Array.from(campaignId, (ch) => (/^[A-Za-z0-9._-]$/.test(ch) ? ch : '_'));
  return `campaign-${safe.slice(0, 100).join('')}.csv`;
}
