import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startE2E, type E2E } from './harness.js';
import {
  makePerson,
  makeSending,
  overwriteContent,
  sendInApp,
  signInWithNhsLogin,
  watchReadRequests,
} from './patientFlows.js';
import { assert, eventually, inScenario, see, tabTo } from './support.js';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E({ patientSignIn: true });
});
afterAll(async () => {
  await e2e?.close();
});

const FRIENDLY = [
  '## Your blood test',
  '',
  '### Before you come',
  '',
  'Please bring **your medicines** and a list of questions.',
  '',
  '- Drink plenty of water',
  '- Wear a short-sleeved top',
  '',
  '1. Arrive 10 minutes early',
  '2. Tell reception your name',
  '',
  'Read [how to prepare](https://www.nhs.uk/conditions/blood-tests/) on the NHS website.',
].join('\n');

/**
 * A message refused at sending, written straight into the database to prove the page itself is
 * safe: each line as sent, and exactly the text the page must show for it.
 */
const HOSTILE_LINES: [string, string?][] = [
  ['<script>window.__confideXss = 1; alert(1)</script>'],
  ['<img src=x onerror="window.__confideXss = 2; alert(2)">'],
  ['[Open javascript](javascript:window.__confideXss=3;alert(3))'],
  ['[Open data](data:text/html;base64,PHNjcmlwdD5hbGVydCg0KTwvc2NyaXB0Pg==)'],
  ['[Open mixed case](JaVaScRiPt:alert(5))'],
  ['[Open http](http://www.nhs.uk/x)', 'Open http'],
  ['[Open credentials](https://www.nhs.uk@evil.example/)', 'Open credentials'],
  ['![a pixel](http://evil.example/p.png)', 'a pixel'],
  ['[Open elsewhere](https://evil.example/x)', 'Open elsewhere'],
  ['![an image elsewhere](https://evil.example/i.png)', 'an image elsewhere'],
  ['![a tracker](javascript:alert(6))'],
  ['<a href="javascript:alert(7)" onclick="alert(8)">an HTML link</a>'],
];
const HOSTILE_HEADING = 'Results <script>window.__confideXss = 9</script>';
const HOSTILE = [`## ${HOSTILE_HEADING}`, ...HOSTILE_LINES.map(([line]) => line)].join('\n\n');

const START_HEADING = 'Read messages from your health services';

async function fontWeight(page: Page, name: string): Promise<number> {
  return Number(await page.getByRole('link', { name, exact: true }).evaluate((el) => getComputedStyle(el).fontWeight));
}

/** What a script or inline handler would leave behind, had anything in the message run. */
async function injectionTraces(page: Page) {
  return page.evaluate(() => {
    const body = document.querySelector('.app-message-body');
    return {
      marker: (window as unknown as { __confideXss?: unknown }).__confideXss ?? null,
      activeInBody: body ? body.querySelectorAll('script, img, a, iframe, object, embed, form').length : -1,
      handlers: Array.from(document.querySelectorAll('*')).flatMap((el) =>
        Array.from(el.attributes)
          .filter((a) => a.name.toLowerCase().startsWith('on'))
          .map((a) => `<${el.tagName.toLowerCase()} ${a.name}>`),
      ),
      foreignScripts: Array.from(document.scripts)
        .filter((s) => !s.src || new URL(s.src).origin !== location.origin)
        .map((s) => s.outerHTML.slice(0, 80)),
    };
  });
}

describe('the patient inbox', () => {
  it('a P9 person signs in with NHS login, reads a message from a verified sender, and sees it read', () =>
    inScenario(e2e, 'patient-inbox', async (s) => {
      const sending = await makeSending(e2e);
      const { senderName } = sending;
      const person = await makePerson(e2e, 'P9');
      // The hostile message goes through the API like any other, then is changed where it is stored.
      const hostileId = await sendInApp(e2e, sending, person.nhsNumber, 'Your results are ready.');
      await overwriteContent(e2e, sending, hostileId, HOSTILE);
      const friendlyId = await sendInApp(e2e, sending, person.nhsNumber, FRIENDLY);

      const phone = await s.phone();
      const dialogs: string[] = [];
      phone.on('dialog', (dialog) => {
        dialogs.push(`${dialog.type()}: ${dialog.message()}`);
        void dialog.dismiss();
      });
      const reads = watchReadRequests(phone);

      // ----- Signed out: a start page whose button is a plain link to the server's sign-in.
      await phone.goto('/inbox');
      await see(phone.getByRole('heading', { level: 1, name: START_HEADING }), 'the signed-out start page');
      const signIn = phone.getByRole('link', { name: 'Sign in with NHS login' });
      assert(
        (await signIn.getAttribute('href')) === '/api/patient/sign-in',
        `The sign-in button links to ${String(await signIn.getAttribute('href'))}`,
      );
      await s.axe(phone, 'signed-out start page');

      // ----- Through the provider and back to the inbox.
      await signInWithNhsLogin(phone, e2e, person);
      await see(phone.getByRole('heading', { level: 1, name: 'Your messages (2 unread)' }), 'the inbox, 2 unread');
      await see(phone.getByRole('button', { name: 'Sign out' }), 'the Sign out button');
      const cards = phone.locator('.app-inbox__item');
      assert((await cards.count()) === 2, `Expected 2 messages, found ${await cards.count()}`);
      const hrefs = await cards.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
      assert(
        JSON.stringify(hrefs) === JSON.stringify([`/inbox/${friendlyId}`, `/inbox/${hostileId}`]),
        `Newest first: expected the friendly then the hostile message, got ${JSON.stringify(hrefs)}`,
      );
      const times = await cards.locator('time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime') ?? ''));
      assert(times.length === 2 && times[0]! >= times[1]!, `Dates should be shown newest first: ${times.join(', ')}`);
      for (let i = 0; i < 2; i++) {
        await see(
          cards.nth(i).getByText('Verified sender', { exact: true }),
          `the verified sender mark on message ${i}`,
        );
      }
      // Unread in words for screen readers (the link's name) and in bold for everyone else.
      const unreadName = `Unread: ${senderName}`;
      assert((await phone.getByRole('link', { name: unreadName, exact: true }).count()) === 2, 'Both should be unread');
      const unreadWeight = Number(
        await cards
          .first()
          .locator('a')
          .evaluate((el) => getComputedStyle(el).fontWeight),
      );
      assert(unreadWeight >= 700, `An unread sender should be bold, not weight ${unreadWeight}`);
      await s.axe(phone, 'inbox with two unread messages');

      // ----- Keyboard only: Tab to the newest message and open it with Enter.
      await tabTo(phone, (f) => f.tag === 'a' && f.href === `/inbox/${friendlyId}`, 'the newest message');
      await phone.keyboard.press('Enter');
      await see(phone.getByRole('heading', { level: 1, name: `Message from ${senderName}` }), 'the message page');
      const body = phone.locator('.app-message-body');
      await see(body.getByRole('heading', { level: 2, name: 'Your blood test' }), 'the message heading as an h2');
      await see(body.getByRole('heading', { level: 3, name: 'Before you come' }), 'the subheading as an h3');
      await see(body.locator('strong', { hasText: 'your medicines' }), 'the bold text');
      const items = await body.locator('ul > li').allTextContents();
      assert(
        JSON.stringify(items) === JSON.stringify(['Drink plenty of water', 'Wear a short-sleeved top']),
        `The bullet list shows ${JSON.stringify(items)}`,
      );
      const steps = await body.locator('ol > li').allTextContents();
      assert(
        JSON.stringify(steps) === JSON.stringify(['Arrive 10 minutes early', 'Tell reception your name']),
        `The numbered list shows ${JSON.stringify(steps)}`,
      );
      const firstNumber = await body.locator('ol').evaluate((ol) => (ol as HTMLOListElement).start);
      assert(firstNumber === 1, `The numbered list starts at ${firstNumber}`);
      const link = body.getByRole('link', { name: 'how to prepare' });
      await see(link, 'the link');
      assert(
        (await link.getAttribute('href')) === 'https://www.nhs.uk/conditions/blood-tests/',
        `The link goes to ${String(await link.getAttribute('href'))}`,
      );
      assert(
        (await link.getAttribute('rel')) === 'noopener noreferrer',
        `The link's rel is ${String(await link.getAttribute('rel'))}`,
      );
      await see(phone.getByText('Verified sender', { exact: true }), 'the verified sender mark on the message');
      await eventually(
        () =>
          e2e.deps.db.query<{ code: string }>('SELECT code FROM outbound_receipts WHERE message_id = $1', [friendlyId]),
        (r) => r.rows.some((row) => row.code === 'Read'),
        'the Read receipt for the opened message',
      );
      assert(reads.get(friendlyId) === 1, `Opening the message should mark it read once, not ${reads.get(friendlyId)}`);
      await s.axe(phone, 'message page');

      // ----- Back: the message is read; the other is still unread.
      await phone.getByRole('link', { name: 'Back to your messages' }).click();
      await see(phone.getByRole('heading', { level: 1, name: 'Your messages (1 unread)' }), 'the inbox, 1 unread');
      await see(phone.getByRole('link', { name: senderName, exact: true }), 'the read message, without "Unread"');
      assert((await fontWeight(phone, senderName)) < 700, 'A read sender should not be bold');
      assert((await fontWeight(phone, unreadName)) >= 700, 'The unread sender should still be bold');
      await s.axe(phone, 'inbox after reading');

      // ----- The hostile message: every part of it is text, and nothing runs.
      await phone.getByRole('link', { name: unreadName, exact: true }).click();
      await see(phone.getByRole('heading', { level: 1, name: `Message from ${senderName}` }), 'the hostile message');
      for (const [line, shown = line] of HOSTILE_LINES) {
        await see(
          body.getByText(shown, { exact: true }),
          `${JSON.stringify(line)} shown as the text ${JSON.stringify(shown)}`,
        );
      }
      await see(
        body.getByRole('heading', { level: 2, name: HOSTILE_HEADING }),
        'the heading with its <script> as text',
      );
      await eventually(
        async () => reads.get(hostileId) ?? 0,
        (n) => n === 1,
        'one read request for the hostile message',
      );
      const traces = await injectionTraces(phone);
      assert(
        traces.marker === null,
        `Something in the message ran: window.__confideXss = ${JSON.stringify(traces.marker)}`,
      );
      assert(traces.activeInBody === 0, `The message body holds ${traces.activeInBody} script/img/a/... elements`);
      assert(traces.handlers.length === 0, `Inline event handlers on the page: ${traces.handlers.join(', ')}`);
      assert(traces.foreignScripts.length === 0, `Unexpected scripts: ${traces.foreignScripts.join(', ')}`);
      assert(dialogs.length === 0, `A dialog opened: ${dialogs.join('; ')}`);
      await s.axe(phone, 'hostile message page');

      // ----- Sign out: back to the start page, and the session is gone on the server too.
      await phone.getByRole('button', { name: 'Sign out' }).click();
      await see(phone.getByRole('heading', { level: 1, name: START_HEADING }), 'the start page after signing out');
      const status = await phone.evaluate(async () => (await fetch('/api/patient/me')).status);
      assert(status === 401, `After signing out /api/patient/me answers ${status}`);
      assert(dialogs.length === 0, `A dialog opened: ${dialogs.join('; ')}`);
    }));

  it('shows older messages page by page, and opens one from an older page', () =>
    inScenario(e2e, 'patient-inbox-older', async (s) => {
      const sending = await makeSending(e2e);
      const person = await makePerson(e2e, 'P9');
      // 55 messages: a first page of 50, then the 5 oldest.
      for (let i = 0; i < 55; i++) await sendInApp(e2e, sending, person.nhsNumber, `Reminder number ${i}.`);
      const phone = await s.phone();
      await phone.goto('/inbox');
      await signInWithNhsLogin(phone, e2e, person);
      await see(phone.getByRole('heading', { level: 1, name: 'Your messages (55 unread)' }), 'the inbox');
      const cards = phone.locator('.app-inbox__item');
      assert((await cards.count()) === 50, `The first page shows ${await cards.count()} messages, not 50`);
      const more = phone.getByRole('button', { name: 'Show older messages' });
      await see(more, 'the button for older messages');
      await s.axe(phone, 'inbox with older messages to show');
      await more.click();
      await phone.waitForFunction(() => document.querySelectorAll('.app-inbox__item').length === 55);
      assert((await more.count()) === 0, 'No button once the oldest message is shown');
      const hrefs = await cards.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
      assert(new Set(hrefs).size === 55, 'Each message is shown once');
      // The oldest message, from the second page, opens like any other.
      await cards.last().locator('a').click();
      await see(phone.locator('.app-message-body', { hasText: 'Reminder number 0.' }), 'the oldest message');
    }));

  it('opens a message by its link even when it is older than the first page of the inbox', () =>
    inScenario(e2e, 'patient-inbox-link', async (s) => {
      const sending = await makeSending(e2e);
      const person = await makePerson(e2e, 'P9');
      const oldest = await sendInApp(e2e, sending, person.nhsNumber, 'The oldest reminder.');
      for (let i = 0; i < 50; i++) await sendInApp(e2e, sending, person.nhsNumber, `Newer reminder ${i}.`);
      const phone = await s.phone();
      await phone.goto('/inbox');
      await signInWithNhsLogin(phone, e2e, person);
      await see(phone.getByRole('heading', { level: 1, name: 'Your messages (51 unread)' }), 'the inbox');
      // A bookmark or a shared link: a fresh page, whose inbox holds only the 50 newest.
      await phone.goto(`/inbox/${oldest}`);
      await see(phone.locator('.app-message-body', { hasText: 'The oldest reminder.' }), 'the oldest message');
      await s.axe(phone, 'a message older than the first page, opened by its link');
      // Opening it marked it read, and the inbox says so.
      await phone.getByRole('link', { name: 'Back to your messages' }).click();
      await see(phone.getByRole('heading', { level: 1, name: 'Your messages (50 unread)' }), 'one fewer unread');
      // A link to a message that is not there (or not theirs) says so.
      await phone.goto('/inbox/00000000-0000-4000-8000-000000000000');
      await see(phone.getByRole('heading', { level: 1, name: 'Message not found' }), 'the not-found page');
    }));

  it('someone signed in below P9 is told their messages appear once their identity is verified', () =>
    inScenario(e2e, 'patient-inbox-p5', async (s) => {
      const person = await makePerson(e2e, 'P5');
      const phone = await s.phone();
      await phone.goto('/inbox');
      await see(phone.getByRole('heading', { level: 1, name: START_HEADING }), 'the signed-out start page');
      await signInWithNhsLogin(phone, e2e, person);
      await see(
        phone.getByRole('heading', { level: 1, name: 'Your identity is not fully verified yet' }),
        'the explanation for an identity below P9',
      );
      assert((await phone.locator('.app-inbox').count()) === 0, 'No message list should be shown below P9');
      await s.axe(phone, 'identity not verified');
      await phone.getByRole('button', { name: 'Sign out' }).click();
      await see(phone.getByRole('heading', { level: 1, name: START_HEADING }), 'the start page after signing out');
    }));
});
