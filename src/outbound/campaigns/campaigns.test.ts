import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolPatient } from '../../identity/patients.js';
import { makeAdminParties } from '../../organisations/admin/testAdminParties.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';
import { optInDevice } from '../push/testDevice.js';
import { accessTokenFor, inAppRequest, makeSender, testNhsNumber, type TestSender } from '../testSenders.js';
import { csvField } from './campaignStats.js';

const CAMPAIGN = 'https://fhir.nhs.uk/NHSApp/campaign-id';
const REQUEST_ID = 'https://fhir.nhs.uk/NHSApp/request-id';

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
    const flu = list
      .json<{
        campaigns: {
          campaignId: string;
          messages: number;
          byStatus: Record<string, number>;
          read: number;
          readRate: number;
        }[];
      }>()
      .campaigns.find((c) => c.campaignId === 'flu-2026')!;
    expect(flu).toMatchObject({ messages: 4, byStatus: { Delivered: 2, Unnotified: 1, Rejected: 1 }, read: 1 });
    // An Unnotified message is still in the inbox: it counts as delivered for the read rate.
    expect(flu.readRate).toBeCloseTo(1 / 3, 3);

    const rate = await admin(`/api/admin/api-clients/${sender.id}/campaigns/read-rate?campaignId=flu-2026`);
    const points = rate.json<{ points: { delivered: number; read: number; readRate: number }[] }>().points;
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
