import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { DayOfWeek } from '../../src/platform/calendar/index.js';
import { unique } from '../../src/testing/factories.js';
import { openServicePage, setUp, startConversation, waitForLive } from './flows.js';
import { startE2E, type E2E } from './harness.js';
import { assert, eventually, inScenario, see, threadTexts } from './support.js';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const OUT_OF_HOURS_LABEL = 'Automatic reply: we are closed';

function londonWeekday(date = new Date()): number {
  const name = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long' }).format(date);
  return DAYS.indexOf(name as (typeof DAYS)[number]);
}

/** The thread items that are out-of-hours replies. */
function outOfHoursReplies(page: Page) {
  return page.getByRole('log', { name: 'Messages' }).getByRole('listitem').filter({ hasText: OUT_OF_HOURS_LABEL });
}

/** Opens the "Opening hours" details and returns each day's hours as the table shows them. */
async function openingHours(page: Page): Promise<Record<string, string>> {
  await page.getByText('Opening hours', { exact: true }).click();
  const table = await see(page.getByRole('table', { name: /Opening hours/ }), 'the opening hours table');
  const rows: Record<string, string> = {};
  for (const day of DAYS) {
    const row = table.getByRole('row', { name: new RegExp(`^${day}\\b`) });
    rows[day] = ((await row.getByRole('cell').textContent()) ?? '').trim();
  }
  return rows;
}

describe('out-of-hours bounce-back', () => {
  it('a service with no opening hours says it is closed, and replies out of hours exactly once', () =>
    inScenario(e2e, 'outOfHours', async (s) => {
      const { service } = await setUp(e2e, { weekly: [] });
      const phone = await s.phone();
      await openServicePage(phone, service);

      await see(phone.getByText('Closed now', { exact: true }), 'the "Closed now" tag');
      await see(phone.getByText(/You can still send a message now/), 'that a message can still be sent');
      assert(
        (await phone.getByText(/We next open/).count()) === 0,
        'A service with no opening hours must not claim a next opening time',
      );
      const hours = await openingHours(phone);
      assert(
        Object.values(hours).every((h) => h === 'Closed'),
        `Every day should show Closed: ${JSON.stringify(hours)}`,
      );
      await s.axe(phone, 'closed service page (hours open)');

      const first = `Are you there tonight? ${unique()}`;
      await startConversation(phone, { message: first, baseUrl: e2e.baseUrl });
      await phone.getByRole('button', { name: 'I have noted my code' }).click();

      const replies = outOfHoursReplies(phone);
      await see(replies.first(), 'the out-of-hours reply');
      assert((await replies.count()) === 1, `Expected one out-of-hours reply, saw ${await replies.count()}`);
      const reply = (await replies.locator('.app-message__text').textContent()) ?? '';
      assert(reply === service.outOfHoursMessage, `Out-of-hours text differs: ${reply}`);
      assert(/\b999\b/.test(reply) && /\b111\b/.test(reply), `The out-of-hours reply lacks 999/111: ${reply}`);
      await see(phone.getByText('Automatic reply', { exact: true }), 'the acknowledgement too');
      await waitForLive(phone, 'service user');
      await s.axe(phone, 'conversation with the out-of-hours reply');

      // A second message in the same closed period gets no second bounce-back.
      const second = `Still here. ${unique()}`;
      await phone.getByLabel('Your message').fill(second);
      await phone.getByRole('button', { name: 'Send', exact: true }).click();
      await see(phone.getByRole('log').getByText(second, { exact: true }), 'the second message');
      assert((await replies.count()) === 1, `After a second message: ${await replies.count()} out-of-hours replies`);

      // What the server holds, not only what arrived live: reload (the token is kept for this tab).
      await phone.reload();
      await see(phone.getByRole('log').getByText(second, { exact: true }), 'the second message after reload');
      const texts = await eventually(
        () => threadTexts(phone),
        (t) => t.length >= 4,
        'the whole thread after reload',
      );
      assert(
        JSON.stringify(texts) === JSON.stringify([first, service.welcomeMessage, service.outOfHoursMessage, second]),
        `Thread after reload: ${JSON.stringify(texts)}`,
      );
      assert((await replies.count()) === 1, `After reload: ${await replies.count()} out-of-hours replies`);
    }));

  it('a service that is shut today says when it next opens', () =>
    inScenario(e2e, 'outOfHours-nextOpening', async (s) => {
      // Open only on the day after tomorrow, so it is closed now whatever the time of day.
      const day = (londonWeekday() + 2) % 7;
      const dayName = DAYS[day]!;
      const { service } = await setUp(e2e, { weekly: [{ day: day as DayOfWeek, start: '09:00', end: '17:00' }] });
      const phone = await s.phone();
      await openServicePage(phone, service);
      await see(phone.getByText('Closed now', { exact: true }), 'the "Closed now" tag');
      const next = await see(phone.getByText(/We next open/), 'when the service next opens');
      const said = (await next.textContent()) ?? '';
      assert(said.includes(`${dayName} `) && said.includes('at 9am'), `Next opening reads: "${said}"`);
      const hours = await openingHours(phone);
      assert(hours[dayName] === '9am to 5pm', `${dayName} should read 9am to 5pm: ${JSON.stringify(hours)}`);
      await s.axe(phone, 'service page, closed until later this week');
    }));
});
