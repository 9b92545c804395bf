import { afterAll, beforeAll, describe, it } from 'vitest';
import { unique } from '../../src/testing/factories.js';
import { openServicePage, setUp, signIn, startConversation, waitForLive } from './flows.js';
import { startE2E, type E2E } from './harness.js';
import {
  assert,
  assertSameDocument,
  eventually,
  gone,
  markDocument,
  inScenario,
  see,
  threadTexts,
  WAIT,
} from './support.js';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

describe('a live conversation between a service user and a clinician', () => {
  it('exchanges messages both ways without reloading either page', () =>
    inScenario(e2e, 'conversation', async (s) => {
      const { service, clinician } = await setUp(e2e);
      const firstName = `Sam${unique('')}`;
      // Characters that mean something in HTML, which are allowed and must be shown as typed.
      const first = `I feel <3 & "quotes" — can I talk to someone? ${unique()}`;
      const staffReply = `Hello ${firstName}, I am here to help & "listen" <3 ${unique()}`;
      const secondMessage = `Thank you. a < b > c ${unique()}`;

      // The clinician is already looking at the inbox before anyone writes in.
      const desk = await s.desktop();
      await desk.goto('/staff/login');
      await see(desk.getByRole('heading', { level: 1, name: 'Sign in' }), 'the sign-in page');
      await s.axe(desk, 'staff sign-in page');
      await signIn(desk, clinician);
      await waitForLive(desk, 'inbox');
      await see(desk.getByText('Nobody is waiting for a clinician to pick up their conversation.'), 'an empty inbox');
      await s.axe(desk, 'empty inbox');
      const deskMark = await markDocument(desk);

      // The service user starts a conversation on a phone.
      const phone = await s.phone();
      await openServicePage(phone, service);
      await s.axe(phone, 'service page');
      const { code } = await startConversation(phone, { firstName, message: first, baseUrl: e2e.baseUrl });
      assert(!phone.url().includes('#'), `The conversation page URL should carry no token: ${phone.url()}`);
      await see(phone.getByText(code, { exact: true }), 'the short code');
      await see(phone.getByText('Automatic reply', { exact: true }), 'the automatic acknowledgement label');
      await see(
        phone.getByRole('log', { name: 'Messages' }).getByText(service.welcomeMessage, { exact: true }),
        'the automatic acknowledgement text',
      );
      await s.axe(phone, 'conversation with the started panel');
      await phone.getByRole('button', { name: 'I have noted my code' }).click();
      await see(phone.getByRole('heading', { level: 1, name: new RegExp(service.name) }), 'the conversation heading');
      assert(
        !(await phone.getByText(code, { exact: true }).isVisible()),
        'The code should not be shown once dismissed',
      );
      await waitForLive(phone, 'service user');
      await s.axe(phone, 'conversation');
      const phoneMark = await markDocument(phone);

      // Shown as text: the paragraph's text is exactly what was typed, and no element was made from it.
      const firstOnPhone = phone.getByRole('log').getByText(first, { exact: true });
      await see(firstOnPhone, 'the first message shown literally');
      assert((await firstOnPhone.locator('*').count()) === 0, 'The first message was rendered with child elements');

      // It reaches the clinician's inbox live.
      const row = desk.getByRole('link', { name: firstName, exact: true });
      await see(row, `the new conversation from ${firstName} in the inbox, without reload`);
      await assertSameDocument(desk, deskMark, 'inbox');
      // Screen reader users hear about it through the polite live region.
      await desk
        .locator('[aria-live="polite"]')
        .getByText(`New conversation from ${firstName} in ${service.name}.`, { exact: true })
        .waitFor({ state: 'attached', timeout: WAIT });
      await s.axe(desk, 'inbox with a conversation');

      await row.click();
      await see(desk.getByRole('heading', { level: 1, name: new RegExp(firstName) }), 'the staff conversation page');
      const transcript = desk.getByRole('log', { name: 'Transcript' });
      const firstOnDesk = await see(transcript.getByText(first, { exact: true }), 'the first message on staff side');
      assert((await firstOnDesk.locator('*').count()) === 0, 'Staff transcript rendered markup from message text');
      await s.axe(desk, 'staff conversation');

      await desk.getByRole('button', { name: 'Claim this conversation' }).click();
      await see(desk.getByText('Assigned to you.'), 'the conversation assigned to the clinician');

      // A reply with markup is refused by the server, and the refusal shown in an error summary.
      await desk.getByLabel('Reply', { exact: true }).fill('<b>bold</b> from staff');
      await desk.getByRole('button', { name: 'Send reply' }).click();
      const deskAlert = await see(desk.getByRole('alert'), 'the error summary on the staff page');
      await see(
        deskAlert.getByText('Messages cannot contain HTML or other markup.'),
        "the server's markup refusal (staff)",
      );
      await s.axe(desk, 'staff conversation with an error');

      await desk.getByLabel('Reply', { exact: true }).fill(staffReply);
      await desk.getByRole('button', { name: 'Send reply' }).click();
      await see(transcript.getByText(staffReply, { exact: true }), 'the reply in the transcript');
      await gone(desk.getByRole('alert'), 'the error summary after a successful reply');

      // The reply appears on the phone live, with the clinician's name.
      const replyOnPhone = phone.getByRole('log').getByText(staffReply, { exact: true });
      await see(replyOnPhone, 'the clinician reply on the phone, without reload');
      await see(phone.getByRole('log').getByText(clinician.name, { exact: true }), "the clinician's name");
      await assertSameDocument(phone, phoneMark, 'service user conversation');
      assert((await replyOnPhone.locator('*').count()) === 0, 'The reply was rendered with child elements');

      // The service user tries markup: refused, in an error summary that has focus.
      const box = phone.getByLabel('Your message');
      await box.fill('<b>bold</b>');
      await phone.getByRole('button', { name: 'Send', exact: true }).click();
      const alert = await see(phone.getByRole('alert'), 'the error summary on the phone');
      await see(alert.getByText('Messages cannot contain HTML or other markup.'), "the server's markup refusal");
      await eventually(
        () => phone.evaluate(() => document.activeElement?.className ?? ''),
        (c) => c.includes('nhsuk-error-summary'),
        'the error summary to take focus',
      );
      await s.axe(phone, 'conversation with an error');
      const texts = await threadTexts(phone);
      assert(!texts.some((t) => t.includes('bold')), `The refused message is in the thread: ${JSON.stringify(texts)}`);

      // Then replies properly; it reaches the clinician live.
      await box.fill(secondMessage);
      await phone.getByRole('button', { name: 'Send', exact: true }).click();
      await see(phone.getByRole('log').getByText(secondMessage, { exact: true }), 'the second message on the phone');
      await see(transcript.getByText(secondMessage, { exact: true }), "the service user's reply on the staff page");
      await assertSameDocument(desk, deskMark, 'staff conversation');
      await assertSameDocument(phone, phoneMark, 'service user conversation');

      // Order on both sides: message, acknowledgement, reply, second message.
      const phoneThread = await threadTexts(phone);
      assert(
        JSON.stringify(phoneThread) === JSON.stringify([first, service.welcomeMessage, staffReply, secondMessage]),
        `Phone thread out of order: ${JSON.stringify(phoneThread)}`,
      );
      const deskThread = (await threadTexts(desk)).filter((t) => [first, staffReply, secondMessage].includes(t));
      assert(
        JSON.stringify(deskThread) === JSON.stringify([first, staffReply, secondMessage]),
        `Staff transcript out of order: ${JSON.stringify(deskThread)}`,
      );
    }));
});
