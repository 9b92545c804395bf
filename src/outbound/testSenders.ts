import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { Deps } from '../platform/deps.js';
import { makeOrganisation, makeStaff, unique } from '../testing/factories.js';
import { loginAs } from '../testing/login.js';
import { CURRENT_STATUS_JOIN, CURRENT_STATUS_SQL } from './receipts/recordReceipt.js';

/**
 * Test parties of the outbound API: an organisation admin who registers a sending system with a
 * real RSA key pair, and helpers that sign client assertions as that system would.
 */
export type TestSender = {
  id: string;
  apiKey: string;
  odsCode: string;
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  adminCookie: string;
  organisationId: string;
  /** Shown once at registration; null without a callback URL. */
  callbackSecret: string | null;
};

export async function rsaKeyPair(kid: string): Promise<{ privateKey: CryptoKey; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('RS512', { modulusLength: 2048, extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS512', use: 'sig' } };
}

export async function makeSender(
  app: FastifyInstance,
  deps: Deps,
  opts: {
    allowedLinkDomains?: string[];
    rateLimitPerMinute?: number;
    callbackUrl?: string;
    notifyTemplates?: { sms?: string; email?: string };
  } = {},
): Promise<TestSender> {
  const org = await makeOrganisation(deps);
  const admin = await makeStaff(deps, org.id, { isOrgAdmin: true });
  const adminCookie = await loginAs(app, admin);
  const kid = unique('kid-');
  const { privateKey, publicJwk } = await rsaKeyPair(kid);
  // A client sends as its own organisation.
  const odsCode = org.odsCode;
  const res = await app.inject({
    method: 'POST',
    url: '/api/admin/api-clients',
    headers: { cookie: adminCookie },
    payload: {
      name: `Sender ${odsCode}`,
      odsCode,
      allowedLinkDomains: opts.allowedLinkDomains ?? ['www.nhs.uk'],
      rateLimitPerMinute: opts.rateLimitPerMinute ?? 100_000,
      ...(opts.callbackUrl ? { callbackUrl: opts.callbackUrl } : {}),
      ...(opts.notifyTemplates?.sms ? { notifySmsTemplateId: opts.notifyTemplates.sms } : {}),
      ...(opts.notifyTemplates?.email ? { notifyEmailTemplateId: opts.notifyTemplates.email } : {}),
      jwks: { keys: [publicJwk] },
    },
  });
  if (res.statusCode !== 201) throw new Error(`makeSender: ${res.statusCode} ${res.body}`);
  const body = res.json<{ id: string; apiKey: string; callbackSecret: string | null }>();
  return {
    id: body.id,
    apiKey: body.apiKey,
    odsCode,
    kid,
    privateKey,
    publicJwk,
    adminCookie,
    organisationId: org.id,
    callbackSecret: body.callbackSecret,
  };
}

/** A client assertion as the NHS API platform asks for it; `change` bends one rule per test. */
export async function signAssertion(
  sender: Pick<TestSender, 'apiKey' | 'kid' | 'privateKey'>,
  tokenUrl: string,
  change: { iss?: string; sub?: string; aud?: string; jti?: string; expInSeconds?: number; kid?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS512', typ: 'JWT', kid: change.kid ?? sender.kid })
    .setIssuer(change.iss ?? sender.apiKey)
    .setSubject(change.sub ?? sender.apiKey)
    .setAudience(change.aud ?? tokenUrl)
    .setJti(change.jti ?? randomUUID())
    .setExpirationTime(now + (change.expInSeconds ?? 240))
    .sign(sender.privateKey);
}

export function tokenForm(assertion: string, overrides: Record<string, string> = {}): string {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
    ...overrides,
  }).toString();
}

/** Signs in as the sender and returns a bearer token for the FHIR routes. */
export async function accessTokenFor(app: FastifyInstance, sender: TestSender): Promise<string> {
  const tokenUrl = new URL('/oauth2/token', app.deps.config.publicUrl).toString();
  const res = await app.inject({
    method: 'POST',
    url: '/oauth2/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: tokenForm(await signAssertion(sender, tokenUrl)),
  });
  if (res.statusCode !== 200) throw new Error(`accessTokenFor: ${res.statusCode} ${res.body}`);
  return res.json<{ access_token: string }>().access_token;
}

/** A random NHS number with a valid Modulus 11 check digit, in the 999 range kept for testing. */
export function testNhsNumber(): string {
  for (;;) {
    const nine = [9, 9, 9, ...Array.from({ length: 6 }, () => Math.floor(Math.random() * 10))];
    const sum = nine.reduce((s, d, i) => s + d * (10 - i), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return [...nine, check === 11 ? 0 : check].join('');
  }
}

/** An in-app CommunicationRequest as the NHS App API's own example has it. */
export function inAppRequest(
  nhsNumber: string,
  odsCode: string,
  change: { content?: string; identifiers?: { system: string; value: string }[] } = {},
): Record<string, unknown> {
  return {
    resourceType: 'CommunicationRequest',
    identifier: change.identifiers ?? [],
    status: 'active',
    payload: [
      {
        contentString:
          change.content ?? 'You have a new appointment. Open [your appointments](https://www.nhs.uk/appointments).',
      },
    ],
    recipient: [{ type: 'Patient', identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber } }],
    requester: {
      type: 'Organization',
      identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: odsCode },
    },
  };
}

/** A FHIR batch Bundle posting each resource as a CommunicationRequest, as a bulk send is made. */
export function batchBundle(resources: readonly unknown[]): Record<string, unknown> {
  return {
    resourceType: 'Bundle',
    type: 'batch',
    entry: resources.map((resource) => ({ resource, request: { method: 'POST', url: 'CommunicationRequest' } })),
  };
}

/** A message's current status: the one it moved on to, else the one it was written with. */
export async function currentStatus(db: Pick<Deps['db'], 'query'>, messageId: string): Promise<string> {
  const { rows } = await db.query<{ status: string }>(
    `SELECT ${CURRENT_STATUS_SQL} AS status FROM outbound_messages m ${CURRENT_STATUS_JOIN} WHERE m.id = $1`,
    [messageId],
  );
  return rows[0]!.status;
}

/** A bearer token with the first character of its MAC changed: always a different MAC. */
export function forgedToken(token: string): string {
  const at = token.indexOf('.') + 1;
  return `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
}
