import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditActions } from '../../organisations/admin/testAdminParties.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';
import { makeSender, rsaKeyPair, signAssertion, tokenForm, type TestSender } from '../testSenders.js';

describe('POST /oauth2/token (signed JWT client credentials)', () => {
  let t: TestApp;
  let sender: TestSender;
  let tokenUrl: string;
  beforeAll(async () => {
    t = await buildTestApp();
    sender = await makeSender(t.app, t.deps);
    tokenUrl = new URL('/oauth2/token', t.deps.config.publicUrl).toString();
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (form: string, contentType = 'application/x-www-form-urlencoded') =>
    t.app.inject({ method: 'POST', url: '/oauth2/token', headers: { 'content-type': contentType }, payload: form });
  const refused = async (assertion: string, status: number, error: string, mentions: RegExp) => {
    const res = await post(tokenForm(assertion));
    expect(res.statusCode).toBe(status);
    const body = res.json<{ error: string; error_description: string }>();
    expect(body.error).toBe(error);
    expect(body.error_description).toMatch(mentions);
    expect(res.body).not.toContain('access_token');
  };

  it('issues a ten-minute bearer token for a valid assertion, and audits it', async () => {
    const res = await post(tokenForm(await signAssertion(sender, tokenUrl)));
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json<{ access_token: string; expires_in: string; token_type: string; issued_at: string }>();
    expect(body).toMatchObject({ expires_in: '599', token_type: 'Bearer' });
    expect(body.access_token.length).toBeGreaterThan(40);
    expect(Number(body.issued_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(await auditActions(t.deps, sender.id)).toContain('api_client.token');
  });

  it('refuses a replayed jti', async () => {
    const jti = randomUUID();
    expect((await post(tokenForm(await signAssertion(sender, tokenUrl, { jti })))).statusCode).toBe(200);
    await refused(await signAssertion(sender, tokenUrl, { jti }), 401, 'invalid_client', /jti/);
  });

  it('refuses a wrong audience', async () => {
    await refused(
      await signAssertion(sender, tokenUrl, { aud: 'https://api.service.nhs.uk/oauth2/token' }),
      401,
      'invalid_client',
      /'aud'/,
    );
  });

  it('refuses an expired assertion, and one valid for more than five minutes', async () => {
    await refused(await signAssertion(sender, tokenUrl, { expInSeconds: -120 }), 401, 'invalid_client', /expired/);
    await refused(await signAssertion(sender, tokenUrl, { expInSeconds: 600 }), 400, 'invalid_request', /5 minutes/);
  });

  it('refuses an unsigned assertion (alg: none)', async () => {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${part({ alg: 'none', typ: 'JWT', kid: sender.kid })}.${part({
      iss: sender.apiKey,
      sub: sender.apiKey,
      aud: tokenUrl,
      jti: randomUUID(),
      exp: now + 120,
    })}.`;
    await refused(unsigned, 400, 'invalid_request', /RS512/);
  });

  it('refuses HS256 signed with the public key as the secret', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(sender.publicJwk));
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: sender.kid })
      .setIssuer(sender.apiKey)
      .setSubject(sender.apiKey)
      .setAudience(tokenUrl)
      .setJti(randomUUID())
      .setExpirationTime(Math.floor(Date.now() / 1000) + 120)
      .sign(secret);
    await refused(forged, 400, 'invalid_request', /RS512/);
  });

  it('refuses an unknown kid, and a key of the right kid that did not sign it', async () => {
    await refused(await signAssertion(sender, tokenUrl, { kid: 'not-registered' }), 401, 'invalid_client', /kid/);
    const stranger = await rsaKeyPair(sender.kid);
    await refused(
      await signAssertion({ ...sender, privateKey: stranger.privateKey }, tokenUrl),
      401,
      'invalid_client',
      /signature/,
    );
  });

  it('refuses iss and sub that differ or name no client', async () => {
    await refused(await signAssertion(sender, tokenUrl, { sub: 'someone-else' }), 401, 'invalid_client', /'iss'/);
    await refused(
      await signAssertion(sender, tokenUrl, { iss: 'unknown-key', sub: 'unknown-key' }),
      401,
      'invalid_client',
      /'iss'/,
    );
  });

  it('refuses a wrong grant type, assertion type, repeated parameter, missing assertion and JSON body', async () => {
    const assertion = await signAssertion(sender, tokenUrl);
    const cases: [string, number, string][] = [
      [tokenForm(assertion, { grant_type: 'password' }), 400, 'unsupported_grant_type'],
      [tokenForm(assertion, { client_assertion_type: 'urn:other' }), 400, 'invalid_request'],
      [`${tokenForm(assertion)}&grant_type=client_credentials`, 400, 'invalid_request'],
      [tokenForm(''), 400, 'invalid_request'],
      ['not a jwt at all', 400, 'unsupported_grant_type'],
    ];
    for (const [form, status, error] of cases) {
      const res = await post(form);
      expect(res.statusCode, form.slice(0, 40)).toBe(status);
      expect(res.json<{ error: string }>().error).toBe(error);
    }
    const json = await post(JSON.stringify({ grant_type: 'client_credentials' }), 'application/json');
    expect(json.statusCode).toBe(400);
    expect(json.json<{ error: string; error_description: string }>()).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringMatching(/x-www-form-urlencoded/) as unknown,
    });
  });

  it('stops issuing at once for a revoked key and a disabled client, and audits refusals', async () => {
    const other = await makeSender(t.app, t.deps);
    const admin = { cookie: other.adminCookie };
    expect((await post(tokenForm(await signAssertion(other, tokenUrl)))).statusCode).toBe(200);
    const revoked = await t.app.inject({
      method: 'POST',
      url: `/api/admin/api-clients/${other.id}/keys/${other.kid}/revoke`,
      headers: admin,
      payload: {},
    });
    expect(revoked.statusCode).toBe(200);
    await refused(await signAssertion(other, tokenUrl), 401, 'invalid_client', /kid/);
    // Unsigned or wrongly signed attempts are not audited (the API key is public); replays are.
    expect(await auditActions(t.deps, other.id)).not.toContain('api_client.token_refused');
    const jti = randomUUID();
    expect((await post(tokenForm(await signAssertion(sender, tokenUrl, { jti })))).statusCode).toBe(200);
    await refused(await signAssertion(sender, tokenUrl, { jti }), 401, 'invalid_client', /jti/);
    expect(await auditActions(t.deps, sender.id)).toContain('api_client.token_refused');

    const third = await makeSender(t.app, t.deps);
    const disabled = await t.app.inject({
      method: 'POST',
      url: `/api/admin/api-clients/${third.id}/disable`,
      headers: { cookie: third.adminCookie },
      payload: {},
    });
    expect(disabled.json()).toMatchObject({ disabled: true });
    await refused(await signAssertion(third, tokenUrl), 401, 'invalid_client', /'iss'/);
  });
});
