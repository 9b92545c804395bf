import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolPatient } from '../../identity/patients.js';
import { makeAdminParties } from '../../organisations/admin/testAdminParties.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';
import { optInDevice } from '../push/testDevice.js';
import { accessTokenFor, inAppRequest, makeSender, testNhsNumber, type TestSender } from '../testSenders.js';
import { campaignCsvFileName, csvField, READ_RATE_MAX_HOURS } from './campaignStats.js';

const CAMPAIGN = 'https://fhir.nhs.uk/NHSApp/campaign-id';
const REQUEST_ID = 'https://fhir.nhs.uk/NHSApp/request-id';
const HOUR = 60 * 60 * 1000;

type Summary = {
  campaignId: string;
  messages: number;
  byStatus: Record<string, number>;
  delivered: number;
  read: number;
  readRate: number;
  notificationOnly: number;
  firstSentAt: string;
};
type Point = { hour: string; delivered: number; read: number; readRate: number };

describe('campaign figures', () => {
  let t: TestApp;
  let sender: TestSender;
  let token: string;
  beforeAll(async () => {
    t = await buildTestApp();
    sender = await makeSender(t.app, t.deps);
    token = await accessTokenFor(t.app, sender);
  });
  afterAll(async () => {
    await t.close();
  });

  const send = async (nhsNumber: string, campaignId: string, requestId?: string) => {
    const identifiers = [
      { system: CAMPAIGN, value: campaignId },
      ...(requestId ? [{ system: REQUEST_ID, value: requestId }] : []),
    ];
    const res = await t.app.inject({
      method: 'POST',
      url: '/communication/in-app/FHIR/R4/CommunicationRequest',
      headers: { authorization: `Bearer ${token}` },
      payload: inAppRequest(nhsNumber, sender.odsCode, { identifiers }),
    });
    return res.json<{ identifier: { value: string }[] }>().identifier[0]!.value;
  };
  /** A push notification alone (never in an inbox) in a campaign. */
  const sendNotification = async (nhsNumber: string, campaignId: string) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/communication/notification/FHIR/R4/CommunicationRequest',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        resourceType: 'CommunicationRequest',
        identifier: [{ system: CAMPAIGN, value: campaignId }],
        status: 'active',
        payload: [{ contentReference: { display: 'You have a new message.' } }],
        recipient: [{ type: 'Patient', identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber } }],
      },
    });
    expect(res.statusCode).toBe(201);
    return res.json<{ identifier: { value: string }[] }>().identifier[0]!.value;
  };
  const admin = (url: string, cookie = sender.adminCookie) => t.app.inject({ method: 'GET', url, headers: { cookie } });

  it('counts a campaign by status with its read rate over time, and exports it without personal data', async () => {
    const patients = [testNhsNumber(), testNhsNumber(), testNhsNumber()];
    for (const nhs of patients) await enrolPatient(t.deps, { nhsNumber: nhs, identityLevel: 'P9' });
    // Two patients have a device (Delivered); the third has none, so theirs is Unnotified at once.
    await optInDevice(t.deps, patients[0]!);
    await optInDevice(t.deps, patients[1]!);
    const ids = [];
    for (const nhs of patients) ids.push(await send(nhs, 'flu-2026'));
    await send(testNhsNumber(), 'flu-2026');
    await send(patients[0]!, 'other');
    await t.deps.db.query("UPDATE outbound_messages SET read_at = created_at + interval '90 minutes' WHERE id = $1", [
      ids[0],
    ]);

    const list = await admin(`/api/admin/api-clients/${sender.id}/campaigns`);
    expect(list.statusCode).toBe(200);
    const flu = list.json<{ campaigns: Summary[] }>().campaigns.find((c) => c.campaignId === 'flu-2026')!;
    expect(flu).toMatchObject({
      messages: 4,
      byStatus: { Delivered: 2, Unnotified: 1, Rejected: 1 },
      // An Unnotified in-app message is still in the inbox: it counts as delivered for the read rate.
      delivered: 3,
      read: 1,
      notificationOnly: 0,
    });
    expect(flu.readRate).toBeCloseTo(1 / 3, 3);

    const rate = await admin(`/api/admin/api-clients/${sender.id}/campaigns/read-rate?campaignId=flu-2026`);
    const { points, truncated } = rate.json<{ points: Point[]; truncated: boolean }>();
    expect(truncated).toBe(false);
    expect(points.length).toBeGreaterThanOrEqual(2);
    expect(points[0]).toMatchObject({ delivered: 3, read: 0 });
    expect(points.at(-1)).toMatchObject({ delivered: 3, read: 1 });

    const csv = await admin(`/api/admin/api-clients/${sender.id}/campaigns/export.csv?campaignId=flu-2026`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('communication_id,request_id,status,sent_at,read_at');
    expect(lines).toHaveLength(5);
    for (const nhs of patients) expect(csv.body).not.toContain(nhs);
  });

  it('counts notification-only messages by status but leaves them out of delivered and the read rate', async () => {
    const withDevice = testNhsNumber();
    const withoutDevice = testNhsNumber();
    for (const nhs of [withDevice, withoutDevice]) await enrolPatient(t.deps, { nhsNumber: nhs, identityLevel: 'P9' });
    await optInDevice(t.deps, withDevice);
    const inApp = [await send(withDevice, 'mixed'), await send(withoutDevice, 'mixed')];
    // Pending (a push waiting), Unnotified (no device), and one whose push went out.
    const pushed = await sendNotification(withDevice, 'mixed');
    await sendNotification(withDevice, 'mixed');
    await sendNotification(withoutDevice, 'mixed');
    // Its push went out: the status it moved on to, as recordReceipts stores it.
    await t.deps.db.query(
      "INSERT INTO outbound_message_status (message_id, status) VALUES ($1, 'NotificationAttempted')",
      [pushed],
    );
    await t.deps.db.query("UPDATE outbound_messages SET read_at = created_at + interval '5 minutes' WHERE id = $1", [
      inApp[0],
    ]);

    const list = await admin(`/api/admin/api-clients/${sender.id}/campaigns`);
    const mixed = list.json<{ campaigns: Summary[] }>().campaigns.find((c) => c.campaignId === 'mixed')!;
    expect(mixed).toMatchObject({
      messages: 5,
      byStatus: { Delivered: 1, Unnotified: 2, Pending: 1, NotificationAttempted: 1 },
      delivered: 2,
      read: 1,
      readRate: 0.5,
      notificationOnly: 3,
    });

    const rate = await admin(`/api/admin/api-clients/${sender.id}/campaigns/read-rate?campaignId=mixed`);
    expect(rate.json<{ points: Point[] }>().points.at(-1)).toMatchObject({ delivered: 2, read: 1, readRate: 0.5 });

    // A campaign of notifications alone has messages but nothing delivered, and no read rate.
    await sendNotification(withDevice, 'pushes-only');
    const pushesOnly = (await admin(`/api/admin/api-clients/${sender.id}/campaigns`))
      .json<{ campaigns: Summary[] }>()
      .campaigns.find((c) => c.campaignId === 'pushes-only');
    expect(pushesOnly).toMatchObject({ messages: 1, delivered: 0, read: 0, readRate: 0, notificationOnly: 1 });
    const none = await admin(`/api/admin/api-clients/${sender.id}/campaigns/read-rate?campaignId=pushes-only`);
    expect(none.statusCode).toBe(200);
    expect(none.json()).toEqual({ points: [], truncated: false });
  });

  it('answers the newest hours of a campaign longer than the limit, counted from its start', async () => {
    const nhs = testNhsNumber();
    await enrolPatient(t.deps, { nhsNumber: nhs, identityLevel: 'P9' });
    const [old, recent, unread] = [await send(nhs, 'long'), await send(nhs, 'long'), await send(nhs, 'long')];
    // Sent 2,100 hours ago (read 2,050 hours ago), and 2 hours ago (read an hour later): 2,101 hours.
    const now = Date.now();
    const at = (hoursAgo: number) => new Date(now - hoursAgo * HOUR);
    const set = 'UPDATE outbound_messages SET created_at = $2, read_at = $3 WHERE id = $1';
    await t.deps.db.query(set, [old, at(2100), at(2050)]);
    await t.deps.db.query(set, [recent, at(2), at(1)]);
    await t.deps.db.query(set, [unread, at(1500), null]);

    const res = await admin(`/api/admin/api-clients/${sender.id}/campaigns/read-rate?campaignId=long`);
    expect(res.statusCode).toBe(200);
    const { points, truncated } = res.json<{ points: Point[]; truncated: boolean }>();
    expect(truncated).toBe(true);
    expect(points).toHaveLength(READ_RATE_MAX_HOURS);
    // Every hour, in order, ending with the hour of the latest read.
    const hourOf = (d: Date) => new Date(Math.floor(d.getTime() / HOUR) * HOUR).toISOString();
    expect(points.at(-1)).toEqual({ hour: hourOf(at(1)), delivered: 3, read: 2, readRate: 0.6667 });
    expect(points.at(-2)).toMatchObject({ hour: hourOf(at(2)), delivered: 3, read: 1 });
    for (let i = 1; i < points.length; i++) {
      expect(Date.parse(points[i]!.hour) - Date.parse(points[i - 1]!.hour)).toBe(HOUR);
    }
    // The oldest hour answered still counts the message sent and read before it.
    expect(points[0]).toMatchObject({ delivered: 1, read: 1, readRate: 1 });
    expect(points.find((p) => p.hour === hourOf(at(1500)))).toMatchObject({ delivered: 2, read: 1 });

    // The list agrees with the last hour.
    const list = await admin(`/api/admin/api-clients/${sender.id}/campaigns`);
    expect(list.json<{ campaigns: Summary[] }>().campaigns.find((c) => c.campaignId === 'long')).toMatchObject({
      delivered: 3,
      read: 2,
      readRate: 0.6667,
    });
  });

  it('names the CSV after the campaign, safely', async () => {
    const id = 'winter/flu "2026"\\..\\x;y=z';
    await send(testNhsNumber(), id);
    const csv = await admin(
      `/api/admin/api-clients/${sender.id}/campaigns/export.csv?${new URLSearchParams({ campaignId: id }).toString()}`,
    );
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="campaign-winter_flu__2026__.._x_y_z.csv"');
    expect(csv.body.trim().split('\r\n')).toHaveLength(2);

    expect(campaignCsvFileName('flu-2026.v2_a')).toBe('campaign-flu-2026.v2_a.csv');
    expect(campaignCsvFileName('../../etc/passwd')).toBe('campaign-.._.._etc_passwd.csv');
    // One underscore a character, however many UTF-16 units it takes.
    expect(campaignCsvFileName('grippe-été 🩺\r\n')).toBe('campaign-grippe-_t_____.csv');
    expect(campaignCsvFileName('x'.repeat(128))).toBe(`campaign-${'x'.repeat(100)}.csv`);
  });

  it('answers 404 for a campaign id the client never sent, and does not audit an empty export', async () => {
    for (const path of ['read-rate', 'export.csv']) {
      const res = await admin(`/api/admin/api-clients/${sender.id}/campaigns/${path}?campaignId=flu-2027`);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ code: 'not_found', message: 'Campaign not found.' });
    }
    // Another client's campaign of that id does not make it exist for this one.
    const other = await makeSender(t.app, t.deps);
    const otherToken = await accessTokenFor(t.app, other);
    await t.app.inject({
      method: 'POST',
      url: '/communication/in-app/FHIR/R4/CommunicationRequest',
      headers: { authorization: `Bearer ${otherToken}` },
      payload: inAppRequest(testNhsNumber(), other.odsCode, { identifiers: [{ system: CAMPAIGN, value: 'theirs' }] }),
    });
    expect((await admin(`/api/admin/api-clients/${sender.id}/campaigns/read-rate?campaignId=theirs`)).statusCode).toBe(
      404,
    );
    const audited = await t.deps.db.query<{ reason: string }>(
      "SELECT reason FROM audit_log WHERE action = 'outbound.campaign_export' AND target_id = $1",
      [sender.id],
    );
    expect(audited.rows.every((r) => r.reason !== '0 row(s)')).toBe(true);
  });

  it('keeps figures to the organisation that owns the client', async () => {
    const p = await makeAdminParties(t.app, t.deps);
    expect((await admin(`/api/admin/api-clients/${sender.id}/campaigns`, p.orgAdmin.cookie)).statusCode).toBe(404);
    expect((await admin(`/api/admin/api-clients/${sender.id}/campaigns`, p.clinician.cookie)).statusCode).toBe(404);
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/admin/api-clients/${sender.id}/campaigns` })).statusCode,
    ).toBe(401);
  });

  it('quotes CSV fields and defuses spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField('+44')).toBe("'+44");
  });
});
