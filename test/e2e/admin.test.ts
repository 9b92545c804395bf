import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { makeOrganisation, makeService, makeStaff } from '../../src/testing/factories.js';
import { openServicePage, signIn } from './flows.js';
import { startE2E, type E2E } from './harness.js';
import { assert, gone, inScenario, see } from './support.js';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

function londonWeekday(date = new Date()): number {
  const name = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long' }).format(date);
  return DAYS.indexOf(name as (typeof DAYS)[number]);
}

/** The number of weekly periods in the opening hours editor. */
const periodRows = (page: Page) => page.getByRole('table', { name: 'Weekly opening hours' }).locator('tbody tr');

describe('administration', () => {
  it('an organisation admin changes opening hours so the service is closed now, and its page says so', () =>
    inScenario(e2e, 'admin-hours', async (s) => {
      const org = await makeOrganisation(e2e.deps);
      // Open all day every day (the factory default), so "closed now" can only come from the change.
      const service = await makeService(e2e.deps, org.id, { name: `Sexual health ${Date.now()}` });
      const admin = await makeStaff(e2e.deps, org.id, {
        isOrgAdmin: true,
        memberships: [{ serviceId: service.id, role: 'service_admin' }],
      });

      const phone = await s.phone('service user');
      await openServicePage(phone, service);
      await see(phone.getByText('Open now', { exact: true }), 'the "Open now" tag before the change');

      const desk = await s.desktop('admin');
      await signIn(desk, admin);
      await desk.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Administration' }).click();
      await see(desk.getByRole('heading', { level: 1, name: 'Administration' }), 'the administration page');
      const services = await see(desk.getByRole('table', { name: /Services/ }), 'the services table');
      const row = services.getByRole('row', { name: new RegExp(service.name) });
      await see(row.getByText(`/s/${service.slug}`), 'the service’s web address');
      await see(row.getByText('Monday to Sunday: all day.'), 'the opening hours summary');
      await see(desk.getByRole('heading', { name: 'Create a service' }), 'the org admin’s "Create a service" form');
      await s.axe(desk, 'administration home');

      await row.getByRole('link', { name: service.name, exact: true }).click();
      await see(desk.getByRole('heading', { level: 1, name: /Settings/ }), 'the settings page');
      await s.axe(desk, 'service settings');

      await desk
        .getByRole('navigation', { name: 'Service administration' })
        .getByRole('link', { name: 'Opening hours' })
        .click();
      await see(desk.getByRole('heading', { level: 1, name: /Opening hours/ }), 'the opening hours page');
      assert((await periodRows(desk).count()) === 7, `Expected 7 periods, saw ${await periodRows(desk).count()}`);
      await s.axe(desk, 'opening hours');

      // Remove every period, keyboard-style: each removal hands focus to "Add a period".
      while ((await periodRows(desk).count()) > 0) {
        await desk.getByRole('button', { name: 'Remove period 1', exact: true }).click();
      }
      await see(desk.getByText(/There are no opening periods/), 'the empty timetable');
      const add = desk.getByRole('button', { name: 'Add a period' });
      assert(await add.evaluate((el) => el === document.activeElement), 'Focus should be on "Add a period"');

      // One period on the day after tomorrow: closed now, whatever the time of day.
      const day = DAYS[(londonWeekday() + 2) % 7]!;
      await add.click();
      const daySelect = desk.getByLabel('Day, period 1', { exact: true });
      assert(await daySelect.evaluate((el) => el === document.activeElement), 'Focus should move to the new period');
      await daySelect.selectOption({ label: day });
      await desk.getByLabel('Opens, period 1', { exact: true }).fill('09:00');
      await desk.getByLabel('Closes, period 1', { exact: true }).fill('08:00');
      await desk.getByRole('button', { name: 'Save opening hours' }).click();

      // The server's own words, linked to the field.
      const summary = await see(desk.locator('.nhsuk-error-summary'), 'the error summary');
      const problem = summary.getByRole('link', { name: /Period 1 .*end must be after start/ });
      await see(problem, 'the server’s "end must be after start" problem');
      assert((await desk.title()).startsWith('Error: '), `The title should start "Error: ": ${await desk.title()}`);
      await s.axe(desk, 'opening hours with a problem');
      await problem.click();
      const closes = desk.getByLabel('Closes, period 1', { exact: true });
      assert(await closes.evaluate((el) => el === document.activeElement), 'The error link should focus "Closes"');

      await closes.fill('17:00');
      await desk.getByRole('button', { name: 'Save opening hours' }).click();
      const banner = await see(
        desk.getByRole('alert').filter({ hasText: 'Opening hours saved' }),
        'the success banner',
      );
      await see(banner.getByText(`${day}: 9am to 5pm.`), 'the new hours in the banner');
      await gone(desk.locator('.nhsuk-error-summary'), 'the error summary');
      await s.axe(desk, 'opening hours saved');

      await phone.reload();
      await see(phone.getByRole('heading', { level: 1, name: service.name }), 'the service page after the change');
      await see(phone.getByText('Closed now', { exact: true }), 'the "Closed now" tag');
      const next = await see(phone.getByText(/We next open/), 'when the service next opens');
      const said = (await next.textContent()) ?? '';
      assert(said.includes(`${day} `) && said.includes('at 9am'), `Next opening reads: "${said}"`);
      await s.axe(phone, 'service page, closed after the change');
    }));

  it('a clinician has no administration link and the area is not found', () =>
    inScenario(e2e, 'admin-hidden', async (s) => {
      const org = await makeOrganisation(e2e.deps);
      const service = await makeService(e2e.deps, org.id);
      const clinician = await makeStaff(e2e.deps, org.id, {
        memberships: [{ serviceId: service.id, role: 'clinician' }],
      });
      const desk = await s.desktop('clinician');
      await signIn(desk, clinician);
      assert(
        (await desk.getByRole('link', { name: 'Administration' }).count()) === 0,
        'A clinician should not see an Administration link',
      );
      await desk.goto('/staff/admin');
      await see(desk.getByRole('heading', { level: 1, name: 'Page not found' }), '"Page not found" for a clinician');
      await s.axe(desk, 'administration, not found for a clinician');
    }));
});
