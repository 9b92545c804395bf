import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { unique } from '../../src/testing/factories.js';
import { openServicePage, setUp, signIn, startConversation, waitForLive } from './flows.js';
import { startE2E, type E2E } from './harness.js';
import { assert, assertSameDocument, eventually, focused, gone, markDocument, inScenario, see } from './support.js';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

async function statusInDb(id: string): Promise<string | undefined> {
  const { rows } = await e2e.deps.db.query<{ status: string }>('SELECT status FROM conversations WHERE id = $1', [id]);
  return rows[0]?.status;
}

const statusTag = (page: Page) =>
  page.locator('.nhsuk-summary-list__row').filter({ hasText: 'Status' }).locator('.nhsuk-tag');

describe('closing a conversation', () => {
  it('is refused without an outcome, then closes with one and the service user sees it live', () =>
    inScenario(e2e, 'closeOutcome', async (s) => {
      const { service, clinician } = await setUp(e2e);
      const firstName = `Jo${unique('')}`;
      const message = `Can I get advice about sleep? ${unique()}`;

      const phone = await s.phone();
      await openServicePage(phone, service);
      await startConversation(phone, { firstName, message, baseUrl: e2e.baseUrl });
      await phone.getByRole('button', { name: 'I have noted my code' }).click();
      await waitForLive(phone, 'service user');
      const phoneMark = await markDocument(phone);

      const desk = await s.desktop();
      await signIn(desk, clinician);
      await desk.getByRole('link', { name: firstName, exact: true }).click();
      await see(desk.getByRole('heading', { level: 1, name: new RegExp(firstName) }), 'the staff conversation page');
      const id = new URL(desk.url()).pathname.split('/').pop()!;
      const closeButton = desk.getByRole('button', { name: 'Close conversation' });

      // No outcome chosen: refused, with an error summary that takes focus and names the field.
      await closeButton.click();
      const summary = await see(desk.getByRole('alert'), 'the error summary');
      await see(summary.getByText('There is a problem'), 'the error summary title');
      const link = await see(
        summary.getByRole('link', { name: 'Select an outcome before closing the conversation' }),
        'the error naming the outcome field',
      );
      assert((await link.getAttribute('href')) === '#outcome', 'The error should link to the outcome field');
      await eventually(
        () => desk.evaluate(() => document.activeElement?.className ?? ''),
        (c) => c.includes('nhsuk-error-summary'),
        'focus to move to the error summary',
      );
      await see(
        desk.getByRole('group', { name: 'Outcome' }).getByText('Select an outcome before closing the conversation'),
        'the error message beside the outcome field',
      );
      await s.axe(desk, 'close refused without an outcome');

      // The summary's link takes focus to the first outcome, and the address bar is left alone.
      await link.click();
      const f = await focused(desk);
      assert(f.id === 'outcome' && f.type === 'radio', `Focus after the error link: ${JSON.stringify(f)}`);
      assert(!desk.url().includes('#'), `The error link changed the address: ${desk.url()}`);

      // Still open, on the page and in the database; the service user can still write.
      assert((await statusTag(desk).textContent()) === 'Open', 'The page should still show the conversation open');
      assert((await statusInDb(id)) === 'open', `conversations.status is ${await statusInDb(id)}, not open`);
      await see(phone.getByLabel('Your message'), 'the send box, still there for the service user');

      // With an outcome it closes.
      await desk.getByRole('radio', { name: 'Advice given' }).check();
      await desk.getByRole('checkbox', { name: 'Written into the clinical record' }).check();
      await closeButton.click();
      await eventually(
        async () => (await statusTag(desk).textContent()) ?? '',
        (t) => t === 'Closed',
        'the status to read Closed',
      );
      await see(desk.getByText('This conversation is closed.', { exact: false }), 'the closed notice');
      const outcome = desk.locator('.nhsuk-summary-list__row').filter({ hasText: 'Outcome' });
      assert(
        ((await outcome.locator('dd').textContent()) ?? '').trim() === 'Advice given',
        'The outcome should be shown',
      );
      await gone(desk.getByRole('alert'), 'the error summary after closing');
      await gone(closeButton, 'the close button');
      await gone(desk.getByLabel('Reply', { exact: true }), 'the reply box');
      assert((await statusInDb(id)) === 'closed', `conversations.status is ${await statusInDb(id)}, not closed`);
      await s.axe(desk, 'closed conversation (staff)');

      // The service user's page changes live: the notice appears, takes focus, the send box goes.
      const closedHeading = await see(
        phone.getByRole('heading', { name: 'This conversation has ended' }),
        'the ended notice on the phone, without reload',
      );
      await see(phone.getByText(/The team has closed this conversation\./), 'who closed it');
      await gone(phone.getByLabel('Your message'), 'the send box on the phone');
      await gone(phone.getByRole('button', { name: 'End conversation' }), 'the end button on the phone');
      await eventually(
        () => closedHeading.evaluate((el) => el === document.activeElement),
        Boolean,
        'focus to move to the ended notice',
      );
      await assertSameDocument(phone, phoneMark, 'service user conversation');
      await see(phone.getByRole('log').getByText(message, { exact: true }), 'the thread, still readable');
      await s.axe(phone, 'closed conversation (service user)');
    }));
});
