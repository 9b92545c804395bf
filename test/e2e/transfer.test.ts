import { afterAll, beforeAll, describe, it } from 'vitest';
import { makeService, makeStaff, unique } from '../../src/testing/factories.js';
import { openServicePage, setUp, signIn, startConversation } from './flows.js';
import { expectAccessible, startE2E, type E2E } from './harness.js';
import { assert, eventually, inScenario, see } from './support.js';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

describe('transferring a conversation', () => {
  it('moves it to another team, who find it in their queue with the reason', () =>
    inScenario(e2e, 'transfer', async (s) => {
      const { org, service, clinician } = await setUp(e2e);
      const sexualHealth = await makeService(e2e.deps, org.id, { name: `Sexual health ${unique()}` });
      const receiver = await makeStaff(e2e.deps, org.id, {
        memberships: [{ serviceId: sexualHealth.id, role: 'clinician' }],
      });
      const firstName = `Sam${unique('')}`;

      const phone = await s.phone();
      await openServicePage(phone, service);
      await startConversation(phone, {
        firstName,
        message: `Where can I get the pill? ${unique()}`,
        baseUrl: e2e.baseUrl,
      });

      const desk = await s.desktop();
      await signIn(desk, clinician);
      await desk.getByRole('link', { name: firstName, exact: true }).click();
      await see(desk.getByRole('heading', { name: 'Transfer to another service' }), 'transfer panel');
      await expectAccessible(desk, 'conversation with transfer panel');
      await desk.getByRole('button', { name: 'Transfer' }).click();
      await see(desk.locator('.nhsuk-error-summary'), 'error summary for an empty transfer');
      await desk.locator('#transfer-to').selectOption({ label: sexualHealth.name });
      await desk.locator('#transfer-reason').fill('Contraception is the sexual health team');
      await desk.getByRole('button', { name: 'Transfer' }).click();
      await eventually(
        async () => new URL(desk.url()).pathname,
        (path) => path === '/staff',
        'back to the inbox after transfer',
      );

      const other = await s.desktop('receiver');
      await signIn(other, receiver);
      await other.getByRole('link', { name: firstName, exact: true }).click();
      await see(other.getByText('Reason: Contraception is the sexual health team'), 'transfer event in the transcript');
      const { rows } = await e2e.deps.db.query<{ service_id: string }>(
        'SELECT service_id FROM conversations WHERE display_name_enc IS NOT NULL AND service_id = $1',
        [sexualHealth.id],
      );
      assert(rows.length === 1, 'the conversation now belongs to the receiving service');
    }));
});
