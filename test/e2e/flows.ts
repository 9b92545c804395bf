import type { Page } from 'playwright-core';
import type { Service } from '../../src/organisations/services.js';
import type { Organisation } from '../../src/organisations/organisations.js';
import { makeOrganisation, makeService, makeStaff } from '../../src/testing/factories.js';
import type { E2E } from './harness.js';
import { assert, see } from './support.js';

export type Staff = Awaited<ReturnType<typeof makeStaff>>;
export type Setup = { org: Organisation; service: Service; clinician: Staff };

/** An organisation, one service and a clinician in it: the only things set up without the UI. */
export async function setUp(e2e: E2E, service: Parameters<typeof makeService>[2] = {}): Promise<Setup> {
  const org = await makeOrganisation(e2e.deps);
  const svc = await makeService(e2e.deps, org.id, service);
  const clinician = await makeStaff(e2e.deps, org.id, { memberships: [{ serviceId: svc.id, role: 'clinician' }] });
  return { org, service: svc, clinician };
}

export const CODE_SHAPE = /^[A-Z0-9]{5}-[A-Z0-9]{5}$/;

/** The service page has loaded (its h1 is the service's name). */
export async function openServicePage(page: Page, service: Service): Promise<void> {
  await page.goto(`/s/${service.slug}`);
  await see(page.getByRole('heading', { level: 1, name: service.name }), `the service page heading "${service.name}"`);
  await see(page.getByRole('heading', { name: 'Send us a message' }), 'the start form');
}

/** The "Message sent" banner shown once after the first message: its code and resume link. */
export async function readStartedPanel(page: Page, baseUrl: string): Promise<{ code: string; resumeUrl: string }> {
  const panel = await see(page.getByRole('region', { name: 'Message sent' }), 'the "Message sent" panel');
  const code = (await panel.locator('#started-code').textContent())?.trim() ?? '';
  assert(CODE_SHAPE.test(code), `The short code "${code}" does not look like K7M2P-Q9XRT`);
  const link = await see(panel.getByText(`${baseUrl}/c#`), 'the resume link text');
  const resumeUrl = (await link.textContent())?.trim() ?? '';
  assert(
    new RegExp(`^${baseUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/c#[A-Za-z0-9_-]{20,}$`).test(resumeUrl),
    `The resume link "${resumeUrl}" is not <public URL>/c#<token>`,
  );
  return { code, resumeUrl };
}

/** Fills the start form and sends; returns once the conversation page shows the first message. */
export async function startConversation(
  page: Page,
  opts: { firstName?: string; message: string; baseUrl: string },
): Promise<{ code: string; resumeUrl: string }> {
  if (opts.firstName) await page.getByLabel('Your first name (optional)').fill(opts.firstName);
  await page.getByLabel('Your message').fill(opts.message);
  await page.getByRole('button', { name: 'Send message' }).click();
  const started = await readStartedPanel(page, opts.baseUrl);
  await see(
    page.getByRole('log', { name: 'Messages' }).getByText(opts.message, { exact: true }),
    'the first message in the thread',
  );
  return started;
}

/** Signs in at /staff/login and waits for the inbox. */
export async function signIn(page: Page, staff: Staff): Promise<void> {
  await page.goto('/staff/login');
  await see(page.getByRole('heading', { level: 1, name: 'Sign in' }), 'the sign-in page');
  await page.getByLabel('Email address').fill(staff.email);
  await page.getByLabel('Password').fill(staff.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await see(page.getByRole('heading', { level: 1, name: 'Inbox' }), 'the inbox after signing in');
}

/** The live status line says the socket is connected. */
export async function waitForLive(page: Page, who: string): Promise<void> {
  await see(page.getByText('Live: new messages appear here automatically.'), `${who}: the live connection`);
}
