import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Service } from '../../src/organisations/services.js';
import { unique } from '../../src/testing/factories.js';
import { openServicePage, setUp, startConversation } from './flows.js';
import { startE2E, type E2E } from './harness.js';
import { assert, eventually, inScenario, see, storedToken, threadTexts } from './support.js';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

/** The conversation page for this service, showing the first message, and not the one-time code. */
async function expectThread(page: Page, service: Service, first: string, code: string, how: string): Promise<void> {
  await see(
    page.getByRole('heading', { level: 1, name: `Your conversation with ${service.name}` }),
    `${how}: the conversation heading`,
  );
  await see(page.getByRole('log').getByText(first, { exact: true }), `${how}: the first message`);
  const texts = await eventually(
    () => threadTexts(page),
    (t) => t.length >= 2,
    `${how}: message and acknowledgement`,
  );
  assert(texts[0] === first && texts[1] === service.welcomeMessage, `${how}: thread is ${JSON.stringify(texts)}`);
  assert((await page.getByText(code).count()) === 0, `${how}: the short code must not be shown again`);
  assert(new URL(page.url()).pathname === '/c', `${how}: expected to be on /c, at ${page.url()}`);
}

describe('returning to a conversation', () => {
  it('the resume link and the short code both bring the person back to the same thread', () =>
    inScenario(e2e, 'resume', async (s) => {
      const { service } = await setUp(e2e);
      const first = `Question about my appointment ${unique()}`;

      const phone = await s.phone('first-phone');
      await openServicePage(phone, service);
      const { code, resumeUrl } = await startConversation(phone, { message: first, baseUrl: e2e.baseUrl });

      // The link, in a new browser with nothing in its sessionStorage.
      const viaLink = await s.phone('resume-link');
      await viaLink.goto(resumeUrl);
      await expectThread(viaLink, service, first, code, 'via the resume link');
      assert(!viaLink.url().includes('#'), `The token stayed in the address bar: ${viaLink.url()}`);
      assert(
        (await storedToken(viaLink)) === resumeUrl.split('#')[1],
        'The token should have moved into sessionStorage',
      );
      await s.axe(viaLink, 'conversation opened from the resume link');
      // The tab keeps its conversation across a reload, with no token in the URL.
      await viaLink.reload();
      await expectThread(viaLink, service, first, code, 'after reloading the resumed tab');

      // A wrong code: a clear error, no conversation.
      const viaCode = await s.phone('resume-code');
      await openServicePage(viaCode, service);
      const codeBox = viaCode.getByLabel('Your code');
      const wrong = code.startsWith('A') ? 'BBBBB-BBBBB' : 'AAAAA-AAAAA';
      await codeBox.pressSequentially(wrong);
      await viaCode.getByRole('button', { name: 'Continue' }).click();
      const alert = await see(viaCode.getByRole('alert'), 'the error summary for a wrong code');
      await see(
        alert.getByRole('link', {
          name: 'We could not find a conversation with that code. Check the code and try again.',
        }),
        'the wrong-code message',
      );
      await see(
        viaCode
          .locator('#resume-code-error')
          .getByText('We could not find a conversation with that code.', { exact: false }),
        'the error beside the code field',
      );
      assert(new URL(viaCode.url()).pathname === `/s/${service.slug}`, `Moved away on a wrong code: ${viaCode.url()}`);
      assert((await storedToken(viaCode)) === null, 'A wrong code must not store a token');
      assert((await viaCode.getByRole('log').count()) === 0, 'A wrong code must not show a conversation');
      assert((await viaCode.getByText(first).count()) === 0, 'A wrong code must not show the message');
      await s.axe(viaCode, 'service page with a wrong code');

      // The right code, typed the way a person might copy it down: lower case, a space for the hyphen.
      await codeBox.clear();
      await codeBox.pressSequentially(code.toLowerCase().replace('-', ' '));
      await viaCode.getByRole('button', { name: 'Continue' }).click();
      await expectThread(viaCode, service, first, code, 'via the short code');
      assert(!viaCode.url().includes('#'), `Unexpected fragment: ${viaCode.url()}`);
      await s.axe(viaCode, 'conversation opened with the code');
    }));
});
