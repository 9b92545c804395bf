import { afterAll, beforeAll, describe, it } from 'vitest';
import { unique } from '../../src/testing/factories.js';
import { CODE_SHAPE, setUp, waitForLive } from './flows.js';
import { startE2E, type E2E } from './harness.js';
import {
  assert,
  assertVisibleFocus,
  byId,
  byName,
  eventually,
  focused,
  inScenario,
  see,
  tabTo,
  type Focused,
} from './support.js';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

describe('keyboard-only use', () => {
  it('a service user starts a conversation and a clinician replies, with the keyboard alone', () =>
    inScenario(e2e, 'keyboard', async (s) => {
      // Age range asked too, so the form has radios to reach and choose.
      const { service, clinician } = await setUp(e2e, { asksAgeRange: true });
      const firstName = `Kai${unique('')}`;
      const message = `Typed without a mouse ${unique()}`;
      const reply = `Replied without a mouse ${unique()}`;

      // ----- Service user, phone: skip link → form → Send, no clicks.
      const phone = await s.phone();
      await phone.goto(`/s/${service.slug}`);
      await see(phone.getByRole('heading', { level: 1, name: service.name }), 'the service page');
      await see(phone.getByLabel('Your message'), 'the start form');

      await phone.keyboard.press('Tab');
      const skip = await assertVisibleFocus(phone, 'first Tab on the service page');
      assert(skip.name === 'Skip to main content', `The first Tab stop should be the skip link, not "${skip.name}"`);
      await phone.keyboard.press('Enter');
      await eventually(
        () => focused(phone),
        (f) => f.id === 'maincontent',
        'the skip link to move focus to <main>',
      );

      // Space opens the opening hours.
      await tabTo(phone, byName('Opening hours'), 'the "Opening hours" summary');
      await phone.keyboard.press('Space');
      await see(phone.getByRole('table', { name: /Opening hours/ }), 'the opening hours, opened with Space');

      // The name, then Tab into the age radios (none chosen: the first takes focus), Space chooses.
      await tabTo(phone, byId('firstName'), 'the first name box');
      await phone.keyboard.type(firstName);
      const chosen = service.ageRanges[0]!;
      const radio = await tabTo(phone, (f) => f.type === 'radio', 'the age range radios', { max: 1 });
      assert(radio.name === chosen, `Tab reached the radio "${radio.name}", expected "${chosen}"`);
      await phone.keyboard.press('Space');
      assert(await phone.getByRole('radio', { name: chosen }).isChecked(), 'Space did not choose the age range');
      await tabTo(phone, byId('message'), 'the message box', { max: 1 });
      await phone.keyboard.type(message);
      // Shift+Tab goes back to the group, onto the chosen radio; the choice is kept.
      const back = await tabTo(phone, (f) => f.type === 'radio', 'the age range radios again', {
        back: true,
        max: 1,
      });
      assert(back.name === chosen, `Shift+Tab reached "${back.name}", expected the chosen "${chosen}"`);
      assert(
        (await phone.getByLabel('Your first name (optional)').inputValue()) === firstName,
        'The typed first name was lost',
      );

      // Forward to the button and press Enter.
      await tabTo(phone, byName('Send message'), 'the Send message button');
      await phone.keyboard.press('Enter');
      const panel = await see(phone.getByRole('region', { name: 'Message sent' }), 'the "Message sent" panel');
      assert(CODE_SHAPE.test(((await panel.locator('#started-code').textContent()) ?? '').trim()), 'No code shown');
      await see(phone.getByRole('log').getByText(message, { exact: true }), 'the message in the thread');
      assert(
        (await phone.evaluate(() => document.activeElement?.id)) === 'maincontent',
        'After the page changes, focus should start at <main>',
      );

      // "I have noted my code" by keyboard: focus goes to the heading rather than being lost.
      await tabTo(phone, byName('I have noted my code'), 'the "I have noted my code" button');
      await phone.keyboard.press('Enter');
      await eventually(
        () => focused(phone),
        (f) => f.id === 'conversation-heading',
        'focus to move to the conversation heading',
      );
      await waitForLive(phone, 'service user');

      // ----- Clinician, desktop: sign in, open the first conversation, reply.
      const desk = await s.desktop();
      await desk.goto('/staff/login');
      await see(desk.getByRole('heading', { level: 1, name: 'Sign in' }), 'the sign-in page');
      await tabTo(desk, byId('email'), 'the email box');
      await desk.keyboard.type(clinician.email);
      await desk.keyboard.press('Tab');
      const pw = await assertVisibleFocus(desk, 'after Tab from email');
      assert(pw.id === 'password', `Tab from email went to ${JSON.stringify(pw)}, not the password`);
      await desk.keyboard.type(clinician.password);
      await desk.keyboard.press('Enter');
      await see(desk.getByRole('heading', { level: 1, name: 'Inbox' }), 'the inbox after signing in by keyboard');
      await see(desk.getByRole('link', { name: firstName, exact: true }), 'the conversation in the inbox');

      const isConversationLink = (f: Focused) => f.tag === 'a' && f.href.startsWith('/staff/conversations/');
      const link = await tabTo(desk, isConversationLink, 'the first conversation in the inbox');
      assert(link.name === firstName, `The first conversation link is "${link.name}", expected "${firstName}"`);
      await desk.keyboard.press('Enter');
      await see(desk.getByRole('heading', { level: 1, name: new RegExp(firstName) }), 'the staff conversation page');

      // Reply is the default choice; the radios are one Tab stop on the way to the box.
      await tabTo(desk, byId('staff-message'), 'the reply box');
      await desk.keyboard.type(reply);
      await tabTo(desk, byName('Send reply'), 'the Send reply button');
      await desk.keyboard.press('Enter');
      await see(
        desk.getByRole('log', { name: 'Transcript' }).getByText(reply, { exact: true }),
        'the reply in the transcript',
      );
      await see(phone.getByRole('log').getByText(reply, { exact: true }), 'the reply on the phone');
    }));
});
