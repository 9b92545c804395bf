import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { optInDevice } from '../../src/outbound/push/testDevice.js';
import { currentStatus, testNhsNumber } from '../../src/outbound/testSenders.js';
import { makeOrganisation, makeService, makeStaff } from '../../src/testing/factories.js';
import { signIn } from './flows.js';
import { startE2E, type E2E } from './harness.js';
import { makePerson, makeSending, sendInApp, signInWithNhsLogin, type Sending } from './patientFlows.js';
import { assert, eventually, inScenario, see } from './support.js';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E({ patientSignIn: true });
});
afterAll(async () => {
  await e2e?.close();
});

const campaign = (value: string) => [{ system: 'https://fhir.nhs.uk/NHSApp/campaign-id', value }];
const CSV_HEADER = 'communication_id,request_id,status,sent_at,read_at';

/** Sends a push notification alone (never in an inbox) over real HTTP, in a campaign; returns its id. */
async function sendNotification(sending: Sending, nhsNumber: string, campaignId: string): Promise<string> {
  const res = await fetch(`${e2e.baseUrl}/communication/notification/FHIR/R4/CommunicationRequest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sending.token}`, 'content-type': 'application/fhir+json' },
    body: JSON.stringify({
      resourceType: 'CommunicationRequest',
      identifier: campaign(campaignId),
      status: 'active',
      payload: [{ contentReference: { display: 'Book your flu vaccination.' } }],
      recipient: [{ type: 'Patient', identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber } }],
    }),
  });
  const text = await res.text();
  assert(res.status === 201, `Sending a notification answered ${res.status}: ${text}`);
  return (JSON.parse(text) as { identifier: { value: string }[] }).identifier[0]!.value;
}

/** The text of each cell of a table row, header cells included, trimmed. */
const cells = (row: Locator): Promise<string[]> =>
  row.locator('th, td').evaluateAll((els) => els.map((el) => el.textContent.trim()));

/** Status name → count, from the "Messages by status" table. */
async function statusCounts(page: Page): Promise<Record<string, string>> {
  const table = await see(page.getByRole('table', { name: 'Messages by status' }), 'the counts by status');
  const rows: [string, string][] = [];
  for (const row of await table.locator('tbody tr').all()) {
    const text = await cells(row);
    rows.push([text[0]!, text.at(-1)!]);
  }
  return Object.fromEntries(rows);
}

async function openAdministration(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Administration' }).click();
  await see(page.getByRole('heading', { level: 1, name: 'Administration' }), 'the administration page');
}

describe('campaigns', () => {
  it('an organisation admin sees a campaign counted by status, its read rate as a chart, and downloads its CSV', () =>
    inScenario(e2e, 'campaigns', async (s) => {
      const sending = await makeSending(e2e);
      const tag = randomUUID().slice(0, 8);
      // A slash, as sending systems' own ids may have: it must survive the page's and the API's URLs.
      const flu = `winter/flu-${tag}`;
      const asthma = `asthma-review-${tag}`;
      const withDevice = await makePerson(e2e, 'P9');
      await optInDevice(e2e.deps, withDevice.nhsNumber);
      const withoutDevice = await makePerson(e2e, 'P9');
      const reader = await makePerson(e2e, 'P9');
      const sent = [
        await sendInApp(e2e, sending, withDevice.nhsNumber, 'Book your flu vaccination.', campaign(flu)),
        await sendInApp(e2e, sending, withoutDevice.nhsNumber, 'Book your flu vaccination.', campaign(flu)),
        await sendInApp(e2e, sending, reader.nhsNumber, 'Book your flu vaccination.', campaign(flu)),
        // Nobody has this NHS number: accepted, then Rejected.
        await sendInApp(e2e, sending, testNhsNumber(), 'Book your flu vaccination.', campaign(flu)),
        // A notification alone, to a patient with no device (so Unnotified at once): counted by
        // status, but never in an inbox, so not delivered and not in the read rate.
        await sendNotification(sending, withoutDevice.nhsNumber, flu),
      ];
      await sendInApp(e2e, sending, withDevice.nhsNumber, 'Time for your asthma review.', campaign(asthma));

      // ----- One patient reads theirs in the inbox, which marks it read through the patient API.
      const phone = await s.phone('patient');
      await phone.goto('/inbox');
      await signInWithNhsLogin(phone, e2e, reader);
      await phone.locator(`a[href="/inbox/${sent[2]}"]`).click();
      await see(
        phone.getByRole('heading', { level: 1, name: `Message from ${sending.senderName}` }),
        'the patient’s message page',
      );
      await eventually(
        () => currentStatus(e2e.deps.db, sent[2]!),
        (status) => status === 'Read',
        'the message marked Read',
      );

      // ----- The organisation's admin finds the campaign in the list.
      const admin = await makeStaff(e2e.deps, sending.sender.organisationId, { isOrgAdmin: true });
      const desk = await s.desktop('admin');
      await signIn(desk, admin);
      await openAdministration(desk);
      await desk.getByRole('link', { name: 'Campaigns', exact: true }).click();
      await see(desk.getByRole('heading', { level: 1, name: 'Campaigns' }), 'the campaigns page');
      const list = await see(desk.getByRole('table', { name: 'Campaigns (2)' }), 'the table of 2 campaigns');
      const fluRow = list.getByRole('row').filter({ has: desk.getByRole('link', { name: flu, exact: true }) });
      const [, client, messages, delivered, rate, firstSent] = await cells(fluRow);
      assert(client === `Sender ${sending.sender.odsCode}`, `The sending system reads "${client}"`);
      assert(
        messages === '5' && delivered === '3' && rate === '33%',
        `Messages, delivered and read rate read ${messages}, ${delivered}, ${rate}: expected 5, 3, 33%`,
      );
      assert(/^\d{1,2}(:\d\d)?(am|pm)$|^midday$|^midnight$/.test(firstSent!), `First sent reads "${firstSent}"`);
      const asthmaRow = list.getByRole('row').filter({ has: desk.getByRole('link', { name: asthma, exact: true }) });
      const asthmaCells = await cells(asthmaRow);
      assert(
        JSON.stringify(asthmaCells.slice(2, 5)) === JSON.stringify(['1', '1', '0%']),
        `The asthma campaign reads ${JSON.stringify(asthmaCells)}`,
      );
      await s.axe(desk, 'campaigns list');

      // ----- The campaign's page: counts by status, the chart and its text, the CSV.
      await fluRow.getByRole('link', { name: flu, exact: true }).click();
      await see(desk.getByRole('heading', { level: 1, name: new RegExp(`${flu}$`) }), 'the campaign page');
      const counts = await statusCounts(desk);
      const expected = { Delivered: '1', Unnotified: '2', Read: '1', Rejected: '1', 'All messages': '5' };
      assert(
        JSON.stringify(counts) === JSON.stringify(expected),
        `Counts by status: ${JSON.stringify(counts)}, expected ${JSON.stringify(expected)}`,
      );
      const figure = await see(
        desk.getByRole('figure', { name: /Read rate over time/ }),
        'the read rate chart with its caption',
      );
      await see(figure.locator('.uplot canvas').first(), 'the chart drawn on a canvas');
      const canvasWidth = await figure
        .locator('.uplot canvas')
        .first()
        .evaluate((c) => (c as HTMLCanvasElement).width);
      assert(canvasWidth > 300, `The chart's canvas is ${canvasWidth}px wide`);
      await see(
        desk.getByText('1 (not in an inbox, so not in the read rate)', { exact: true }),
        'the notification-only message, apart from the delivered ones',
      );
      await see(
        figure.getByText('So far 1 of 3 delivered messages has been read (33%).', { exact: false }),
        'the read rate in words',
      );
      await desk.getByText('Read rate hour by hour, as a table').click();
      const hourly = await see(
        desk.getByRole('table', { name: /Figures at the end of each hour/ }),
        'the hourly table',
      );
      const lastHour = await cells(hourly.locator('tbody tr').last());
      assert(
        JSON.stringify(lastHour.slice(1)) === JSON.stringify(['3', '1', '33%']),
        `The last hour reads ${JSON.stringify(lastHour)}`,
      );
      await s.axe(desk, 'campaign page');

      const csvLink = desk.getByRole('link', { name: 'Download this campaign’s messages as a CSV file' });
      const href = await csvLink.getAttribute('href');
      assert(
        href ===
          `/api/admin/api-clients/${sending.sender.id}/campaigns/export.csv?campaignId=${encodeURIComponent(flu)}`,
        `The CSV link goes to ${href}`,
      );
      assert((await csvLink.getAttribute('download')) !== null, 'The CSV link should be a download link');
      const [download] = await Promise.all([desk.waitForEvent('download'), csvLink.click()]);
      // The server's Content-Disposition names the file (the slash made safe); it wins over any name in the download attribute.
      assert(
        download.suggestedFilename() === `campaign-winter_flu-${tag}.csv`,
        `The download is named ${download.suggestedFilename()}`,
      );
      const csv = await readFile(await download.path(), 'utf8');
      const lines = csv.trimEnd().split('\r\n');
      assert(lines[0] === CSV_HEADER, `The CSV header reads ${lines[0]}`);
      assert(lines.length === 6, `The CSV has ${lines.length - 1} messages, expected 5:\n${csv}`);
      const statuses = lines.slice(1).map((line) => line.split(',')[2]);
      assert(
        JSON.stringify([...statuses].sort()) ===
          JSON.stringify(['Delivered', 'Read', 'Rejected', 'Unnotified', 'Unnotified']),
        `The CSV's statuses are ${JSON.stringify(statuses)}`,
      );
      for (const id of sent) assert(csv.includes(id), `The CSV should list message ${id}`);
      for (const p of [withDevice, withoutDevice, reader]) {
        assert(!csv.includes(p.nhsNumber), 'The CSV must not hold NHS numbers');
      }
      const audited = await e2e.deps.db.query(
        "SELECT 1 FROM audit_log WHERE action = 'outbound.campaign_export' AND actor_id = $1",
        [admin.id],
      );
      assert(audited.rows.length === 1, `The export should be audited once, found ${audited.rows.length}`);

      // ----- A campaign nobody has read yet.
      await desk.getByRole('link', { name: 'Back to campaigns' }).click();
      await desk.getByRole('link', { name: asthma, exact: true }).click();
      await see(desk.getByRole('heading', { level: 1, name: new RegExp(`${asthma}$`) }), 'the asthma campaign');
      const asthmaCounts = await statusCounts(desk);
      assert(
        JSON.stringify(asthmaCounts) === JSON.stringify({ Delivered: '1', 'All messages': '1' }),
        `The asthma counts: ${JSON.stringify(asthmaCounts)}`,
      );
      await see(desk.getByText('The delivered message has not been read yet.'), 'that nothing was read');
      await see(desk.locator('.uplot canvas').first(), 'the chart of an unread campaign');
      await s.axe(desk, 'campaign without reads');
    }));

  it('says when there are no campaigns, and is not there for a service admin', () =>
    inScenario(e2e, 'campaigns-empty', async (s) => {
      // A sending system, but nothing sent.
      const sending = await makeSending(e2e);
      const admin = await makeStaff(e2e.deps, sending.sender.organisationId, { isOrgAdmin: true });
      const desk = await s.desktop('org admin');
      await signIn(desk, admin);
      await openAdministration(desk);
      await desk.getByRole('link', { name: 'Campaigns', exact: true }).click();
      await see(desk.getByText('There are no campaigns yet.', { exact: false }), 'the empty list');
      assert((await desk.getByRole('table').count()) === 0, 'No table should be shown without campaigns');
      await s.axe(desk, 'no campaigns');

      // No sending system at all.
      const org = await makeOrganisation(e2e.deps);
      const service = await makeService(e2e.deps, org.id);
      const newAdmin = await makeStaff(e2e.deps, org.id, { isOrgAdmin: true });
      const other = await s.desktop('new organisation');
      await signIn(other, newAdmin);
      await other.goto('/staff/admin/campaigns');
      await see(other.getByText('Your organisation has no sending systems yet.', { exact: false }), 'no systems');

      // A service admin has no Campaigns link, and the page is not found.
      const serviceAdmin = await makeStaff(e2e.deps, org.id, {
        memberships: [{ serviceId: service.id, role: 'service_admin' }],
      });
      const third = await s.desktop('service admin');
      await signIn(third, serviceAdmin);
      await openAdministration(third);
      assert(
        (await third.getByRole('link', { name: 'Campaigns', exact: true }).count()) === 0,
        'A service admin should not see a Campaigns link',
      );
      await third.goto('/staff/admin/campaigns');
      await see(third.getByRole('heading', { level: 1, name: 'Page not found' }), 'Page not found');
    }));
});
