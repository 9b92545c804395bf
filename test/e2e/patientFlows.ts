import type { Page } from 'playwright-core';
import { enrolPatient } from '../../src/identity/patients.js';
import type { CommunicationRequestResource } from '../../src/outbound/fhir/communicationResource.js';
import {
  accessTokenFor,
  inAppRequest,
  makeSender,
  testNhsNumber,
  type TestSender,
} from '../../src/outbound/testSenders.js';
import type { E2E } from './harness.js';
import { assert, see } from './support.js';

export type Person = { sub: string; nhsNumber: string; givenName: string };

/** Someone with an NHS login account at the local provider; a P9 person is enrolled so messages can reach them. */
export async function makePerson(e2e: E2E, identityLevel: 'P9' | 'P5'): Promise<Person> {
  assert(e2e.oidc, 'Start the harness with { patientSignIn: true }');
  const nhsNumber = testNhsNumber();
  const givenName = `Robin${Math.random().toString(36).slice(2, 6)}`;
  if (identityLevel === 'P9') await enrolPatient(e2e.deps, { nhsNumber, identityLevel });
  const sub = e2e.oidc.addAccount({ nhsNumber, identityLevel, givenName, familyName: 'Example' });
  return { sub, nhsNumber, givenName };
}

export type Sending = { sender: TestSender; senderName: string; token: string };

/** A sending system registered by its organisation's admin, signed in for the FHIR API. */
export async function makeSending(e2e: E2E): Promise<Sending> {
  const sender = await makeSender(e2e.app, e2e.deps, { allowedLinkDomains: ['www.nhs.uk'] });
  const { rows } = await e2e.deps.db.query<{ name: string }>('SELECT name FROM organisations WHERE id = $1', [
    sender.organisationId,
  ]);
  return { sender, senderName: rows[0]!.name, token: await accessTokenFor(e2e.app, sender) };
}

/**
 * Sends an in-app message over real HTTP, as a sending system would, with any identifiers (a
 * campaign-id, say); returns its id.
 */
export async function sendInApp(
  e2e: E2E,
  sending: Sending,
  nhsNumber: string,
  content: string,
  identifiers: { system: string; value: string }[] = [],
): Promise<string> {
  const res = await fetch(`${e2e.baseUrl}/communication/in-app/FHIR/R4/CommunicationRequest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sending.token}`, 'content-type': 'application/fhir+json' },
    body: JSON.stringify(inAppRequest(nhsNumber, sending.sender.odsCode, { content, identifiers })),
  });
  const text = await res.text();
  assert(res.status === 201, `Sending a message answered ${res.status}: ${text}`);
  const resource = JSON.parse(text) as CommunicationRequestResource;
  return resource.identifier[0]!.value;
}

/**
 * Replaces a stored message's content, sealed as the server seals it, without the checks made at
 * sending: what a bug or a compromised database could leave for the app to show.
 */
export async function overwriteContent(e2e: E2E, sending: Sending, messageId: string, content: string) {
  const { db, keyring } = e2e.deps;
  const { rows } = await db.query<{ resource_enc: unknown }>(
    'SELECT resource_enc FROM outbound_messages WHERE id = $1',
    [messageId],
  );
  const resource = JSON.parse(await keyring.decrypt(rows[0]!.resource_enc)) as CommunicationRequestResource;
  resource.payload = [{ contentString: content }];
  const seal = await keyring.sealer(sending.sender.organisationId);
  await db.query('UPDATE outbound_messages SET resource_enc = $2 WHERE id = $1', [
    messageId,
    seal(JSON.stringify(resource)),
  ]);
}

/** From the signed-out start page, through the provider's login form, back to /inbox. */
export async function signInWithNhsLogin(page: Page, e2e: E2E, person: Person): Promise<void> {
  await page.getByRole('link', { name: 'Sign in with NHS login' }).click();
  const account = await see(page.locator('input[name="account"]'), "the provider's login form");
  assert(
    new URL(page.url()).origin === e2e.oidc!.issuer,
    `The sign-in link should lead to the provider (${e2e.oidc!.issuer}), not ${page.url()}`,
  );
  await account.fill(person.sub);
  await account.press('Enter');
  await page.waitForURL((url) => url.origin === e2e.baseUrl && url.pathname === '/inbox');
}

/** How many times the page has asked to mark each message read. */
export function watchReadRequests(page: Page): Map<string, number> {
  const counts = new Map<string, number>();
  page.on('request', (request) => {
    const match = /^\/api\/patient\/messages\/([^/]+)\/read$/.exec(new URL(request.url()).pathname);
    if (request.method() === 'POST' && match) counts.set(match[1]!, (counts.get(match[1]!) ?? 0) + 1);
  });
  return counts;
}
