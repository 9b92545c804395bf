import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asStaff, auditActions, auditCount, makeAdminParties } from '../../organisations/admin/testAdminParties.js';
import { unique } from '../../testing/factories.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';
import { rsaKeyPair } from '../testSenders.js';

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
});
