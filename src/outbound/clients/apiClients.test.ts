import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asStaff, auditActions, auditCount, makeAdminParties } from '../../organisations/admin/testAdminParties.js';
import { unique } from '../../testing/factories.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';
import { accessTokenFor, inAppRequest, makeSender, rsaKeyPair, testNhsNumber } from '../testSenders.js';

describe('API client administration', () => {
  let t: TestApp;
  let p: Awaited<ReturnType<typeof makeAdminParties>>;
  beforeAll(async () => {
    t = await buildTestApp();
    p = await makeAdminParties(t.app, t.deps);
  });
  afterAll(async () => {
    await t.close();
  });

  const body = async (change: Record<string, unknown> = {}, odsCode = p.org.odsCode) => {
    const { publicJwk } = await rsaKeyPair(unique('kid-'));
    return {
      name: 'Beech Tree Medical Centre',
      odsCode,
      allowedLinkDomains: ['www.nhs.uk', 'beechtree.example.org'],
      rateLimitPerMinute: 1200,
      callbackUrl: 'https://receipts.example.org/FHIR/R4/Task',
      jwks: { keys: [publicJwk] },
      ...change,
    };
  };

  it('registers a client with an API key, shows the callback secret once, lists it and audits', async () => {
    const admin = asStaff(t.app, p.orgAdmin.cookie);
    const res = await admin.post('/api/admin/api-clients', await body());
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const created = res.json<{ id: string; apiKey: string; callbackSecret: string; keys: { kid: string }[] }>();
    expect(created.apiKey).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(created.callbackSecret.length).toBeGreaterThanOrEqual(40);
    expect(created.keys).toHaveLength(1);
    const list = (await admin.get('/api/admin/api-clients')).json<{ clients: Record<string, unknown>[] }>();
    const listed = list.clients.find((c) => c.id === created.id)!;
    expect(listed).toMatchObject({ odsCode: p.org.odsCode, disabled: false, rateLimitPerMinute: 1200 });
    expect(listed).not.toHaveProperty('callbackSecret');
    expect(JSON.stringify(list)).not.toContain(created.callbackSecret);
    expect(await auditActions(t.deps, created.id)).toContain('api_client.register');
    // The secret is stored sealed, never as text.
    const raw = await t.deps.db.query<{ t: string }>(
      'SELECT callback_secret_enc::text AS t FROM api_clients WHERE id = $1',
      [created.id],
    );
    expect(raw.rows[0]!.t).not.toContain(Buffer.from(created.callbackSecret).toString('hex'));
  });

  it('refuses private key material, weak keys, repeated kids, http callbacks and bad ODS codes, writing nothing', async () => {
    const admin = asStaff(t.app, p.orgAdmin.cookie);
    const before = await auditCount(t.deps, p.org.id);
    const good = await body();
    const jwk = good.jwks.keys[0]!;
    // jose will not even make a 1024-bit key; node:crypto will, as an old client's tooling might.
    const weak = {
      ...generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }),
      kid: 'weak',
    };
    const cases: [string, unknown, string?][] = [
      ['private member d', { ...good, jwks: { keys: [{ ...jwk, d: 'AQAB' }] } }],
      ['EC key', { ...good, jwks: { keys: [{ kty: 'EC', kid: 'x', crv: 'P-256', x: 'AA', y: 'AA' }] } }],
      ['HS alg', { ...good, jwks: { keys: [{ ...jwk, alg: 'HS256' }] } }],
      ['weak key', { ...good, jwks: { keys: [weak] } }, 'weak_key'],
      ['repeated kid', { ...good, jwks: { keys: [jwk, jwk] } }, 'duplicate_kid'],
      ['http callback', { ...good, callbackUrl: 'http://receipts.example.org/' }, 'invalid_callback_url'],
      ['callback with credentials', { ...good, callbackUrl: 'https://a:b@example.org/' }, 'invalid_callback_url'],
      ['lower-case ODS', { ...good, odsCode: p.org.odsCode.toLowerCase() }],
      ["another organisation's ODS code", { ...good, odsCode: p.otherOrg.odsCode }, 'not_your_ods_code'],
      ['link domain with a scheme', { ...good, allowedLinkDomains: ['https://www.nhs.uk'] }],
      ['unknown field', { ...good, secret: 'x' }],
    ];
    for (const [what, payload, code] of cases) {
      const res = await admin.post('/api/admin/api-clients', payload);
      expect(res.statusCode, what).toBe(400);
      if (code) expect(res.json<{ code: string }>().code, what).toBe(code);
    }
    expect(await auditCount(t.deps, p.org.id)).toBe(before);
  });

  it('is invisible to everyone but organisation admins, and to other organisations', async () => {
    const created = (await asStaff(t.app, p.orgAdmin.cookie).post('/api/admin/api-clients', await body())).json<{
      id: string;
      keys: { kid: string }[];
    }>();
    for (const who of [p.serviceAdmin, p.clinician, p.supervisor]) {
      const s = asStaff(t.app, who.cookie);
      expect((await s.get('/api/admin/api-clients')).statusCode).toBe(404);
      expect((await s.post('/api/admin/api-clients', await body())).statusCode).toBe(404);
      expect((await s.post(`/api/admin/api-clients/${created.id}/disable`)).statusCode).toBe(404);
    }
    const other = asStaff(t.app, p.otherOrgAdmin.cookie);
    expect((await other.get('/api/admin/api-clients')).json<{ clients: unknown[] }>().clients).toEqual([]);
    expect((await other.post(`/api/admin/api-clients/${created.id}/disable`)).statusCode).toBe(404);
    const { publicJwk } = await rsaKeyPair('intruder');
    expect((await other.post(`/api/admin/api-clients/${created.id}/keys`, publicJwk)).statusCode).toBe(404);
    expect(
      (await other.post(`/api/admin/api-clients/${created.id}/keys/${created.keys[0]!.kid}/revoke`)).statusCode,
    ).toBe(404);
    expect((await asStaff(t.app).get('/api/admin/api-clients')).statusCode).toBe(401);
  });

  it('adds and revokes keys, refusing a kid already in use', async () => {
    const admin = asStaff(t.app, p.orgAdmin.cookie);
    const created = (await admin.post('/api/admin/api-clients', await body())).json<{
      id: string;
      keys: { kid: string }[];
    }>();
    const next = await rsaKeyPair(unique('kid-'));
    const added = await admin.post(`/api/admin/api-clients/${created.id}/keys`, next.publicJwk);
    expect(added.statusCode).toBe(200);
    expect(added.json<{ keys: unknown[] }>().keys).toHaveLength(2);
    expect((await admin.post(`/api/admin/api-clients/${created.id}/keys`, next.publicJwk)).statusCode).toBe(409);
    const revoked = await admin.post(`/api/admin/api-clients/${created.id}/keys/${created.keys[0]!.kid}/revoke`);
    expect(revoked.json<{ keys: { kid: string; revoked: boolean }[] }>().keys).toContainEqual(
      expect.objectContaining({ kid: created.keys[0]!.kid, revoked: true }),
    );
    expect(
      (await admin.post(`/api/admin/api-clients/${created.id}/keys/${created.keys[0]!.kid}/revoke`)).statusCode,
    ).toBe(404);
    expect(await auditActions(t.deps, created.id)).toEqual(
      expect.arrayContaining(['api_client.key_add', 'api_client.key_revoke']),
    );
  });
  it('changes a client: link domains, rate and templates at once, and a first callback URL with its secret shown once', async () => {
    const admin = asStaff(t.app, p.orgAdmin.cookie);
    const created = (await admin.post('/api/admin/api-clients', await body({ callbackUrl: null }))).json<{
      id: string;
      callbackSecret: string | null;
    }>();
    expect(created.callbackSecret).toBeNull();
    const url = `/api/admin/api-clients/${created.id}`;
    const template = '6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    const changed = await admin.patch(url, {
      name: 'Beech Tree Surgery',
      allowedLinkDomains: ['www.nhs.uk'],
      rateLimitPerMinute: 60,
      notifySmsTemplateId: template,
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({
      name: 'Beech Tree Surgery',
      allowedLinkDomains: ['www.nhs.uk'],
      rateLimitPerMinute: 60,
      notifySmsTemplateId: template,
      notifyEmailTemplateId: null,
      callbackUrl: null,
      callbackSecret: null,
    });
    const secretOf = async () =>
      (
        await t.deps.db.query<{ s: Buffer | null }>('SELECT callback_secret_enc AS s FROM api_clients WHERE id = $1', [
          created.id,
        ])
      ).rows[0]!.s;
    // A first callback URL comes with a secret, shown this once; a new URL keeps it; none drops it.
    const first = (await admin.patch(url, { callbackUrl: 'https://receipts.example.org/Task' })).json<{
      callbackUrl: string;
      callbackSecret: string | null;
    }>();
    expect(first.callbackUrl).toBe('https://receipts.example.org/Task');
    expect(first.callbackSecret!.length).toBeGreaterThanOrEqual(40);
    const sealed = await secretOf();
    expect(sealed).not.toBeNull();
    const moved = (await admin.patch(url, { callbackUrl: 'https://receipts2.example.org/Task' })).json<{
      callbackSecret: string | null;
    }>();
    expect(moved.callbackSecret).toBeNull();
    expect(Buffer.compare(Buffer.from((await secretOf())!), Buffer.from(sealed!))).toBe(0);
    expect(JSON.stringify((await admin.get('/api/admin/api-clients')).json())).not.toContain(first.callbackSecret);
    // Asked for, a new secret replaces the old at once, shown this once too.
    const rotated = await admin.patch(url, { rotateCallbackSecret: true });
    expect(rotated.headers['cache-control']).toBe('no-store');
    const renewed = rotated.json<{ callbackSecret: string | null }>().callbackSecret;
    expect(renewed!.length).toBeGreaterThanOrEqual(40);
    expect(renewed).not.toBe(first.callbackSecret);
    expect(Buffer.compare(Buffer.from((await secretOf())!), Buffer.from(sealed!))).not.toBe(0);
    expect((await admin.patch(url, { callbackUrl: null })).json()).toMatchObject({ callbackUrl: null });
    expect(await secretOf()).toBeNull();
    // No URL, nothing to sign for.
    const nothingToSign = await admin.patch(url, { rotateCallbackSecret: true });
    expect(nothingToSign.statusCode).toBe(400);
    expect(nothingToSign.json()).toMatchObject({ code: 'no_callback_url' });
    // Audited with what changed, never the values.
    const audited = await t.deps.db.query<{ reason: string }>(
      "SELECT reason FROM audit_log WHERE target_id = $1 AND action = 'api_client.update' ORDER BY position",
      [created.id],
    );
    expect(audited.rows.map((r) => r.reason)).toEqual([
      'allowedLinkDomains, name, notifySmsTemplateId, rateLimitPerMinute',
      'callbackUrl',
      'callbackUrl',
      'rotateCallbackSecret',
      'callbackUrl',
    ]);
  });

  it('refuses an empty change, an ODS code or key, a bad domain and an http callback, writing nothing; others see no client', async () => {
    const admin = asStaff(t.app, p.orgAdmin.cookie);
    const created = (await admin.post('/api/admin/api-clients', await body())).json<{ id: string }>();
    const url = `/api/admin/api-clients/${created.id}`;
    const before = await auditCount(t.deps, p.org.id);
    const { publicJwk } = await rsaKeyPair(unique('kid-'));
    const refusals = [
      {},
      { odsCode: 'B82041' },
      { jwks: { keys: [publicJwk] } },
      { allowedLinkDomains: ['https://www.nhs.uk'] },
      { allowedLinkDomains: ['www.nhs.uk', 'www.nhs.uk'] },
      { rateLimitPerMinute: 0 },
      { callbackUrl: 'http://receipts.example.org/Task' },
      { callbackUrl: 'https://user:pw@receipts.example.org/Task' },
      { notifySmsTemplateId: 'not-a-uuid' },
      { rotateCallbackSecret: false },
      { callbackUrl: null, rotateCallbackSecret: true },
    ];
    for (const change of refusals) {
      const res = await admin.patch(url, change);
      expect(res.statusCode, JSON.stringify(change)).toBe(400);
    }
    expect(await auditCount(t.deps, p.org.id)).toBe(before);
    expect(
      (await admin.get('/api/admin/api-clients')).json<{ clients: Record<string, unknown>[] }>().clients,
    ).toContainEqual(
      expect.objectContaining({
        id: created.id,
        rateLimitPerMinute: 1200,
        callbackUrl: 'https://receipts.example.org/FHIR/R4/Task',
      }),
    );
    for (const who of [p.serviceAdmin, p.clinician, p.otherOrgAdmin]) {
      expect((await asStaff(t.app, who.cookie).patch(url, { rateLimitPerMinute: 1 })).statusCode).toBe(404);
    }
    expect((await asStaff(t.app).patch(url, { rateLimitPerMinute: 1 })).statusCode).toBe(401);
  });

  it('a changed client sends under its new link domains and rate at once', async () => {
    const sender = await makeSender(t.app, t.deps, { allowedLinkDomains: ['www.nhs.uk'] });
    const token = await accessTokenFor(t.app, sender);
    const send = () =>
      t.app.inject({
        method: 'POST',
        url: '/communication/in-app/FHIR/R4/CommunicationRequest',
        headers: { authorization: `Bearer ${token}` },
        payload: inAppRequest(testNhsNumber(), sender.odsCode, {
          content: 'Book at [Beech Tree](https://beechtree.example.org/book).',
        }),
      });
    expect((await send()).statusCode).toBe(400);
    const res = await asStaff(t.app, sender.adminCookie).patch(`/api/admin/api-clients/${sender.id}`, {
      allowedLinkDomains: ['www.nhs.uk', 'beechtree.example.org'],
      rateLimitPerMinute: 2,
    });
    expect(res.statusCode).toBe(200);
    // The refused request counts in this minute too: one more is allowed, then 429.
    expect([(await send()).statusCode, (await send()).statusCode]).toEqual([201, 429]);
  });
});
