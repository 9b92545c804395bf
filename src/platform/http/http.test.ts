import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';

describe('HTTP platform', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers health and readiness', async () => {
    expect((await t.app.inject('/health')).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject('/ready')).json()).toEqual({ status: 'ready' });
  });

  it('publishes the OpenAPI document with the conversation routes', async () => {
    const res = await t.app.inject('/docs/json');
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/public/services/{slug}/conversations', '/api/staff/conversations/{id}/close']),
    );
  });

  it('sets security headers on every answer', async () => {
    const res = await t.app.inject('/health');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('answers unknown paths and bad JSON with a coded error', async () => {
    expect((await t.app.inject('/api/nothing-here')).json()).toEqual({ code: 'not_found', message: 'Not found.' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/public/services/x/conversations',
      headers: { 'content-type': 'application/json' },
      payload: '{"message": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ code: string }>().code).toBeTruthy();
    const proto = await t.app.inject({
      method: 'POST',
      url: '/api/public/services/x/conversations',
      headers: { 'content-type': 'application/json' },
      payload: '{"__proto__": {"admin": true}, "message": "hi", "clientRef": "abcdefgh12"}',
    });
    expect(proto.statusCode).toBe(400);
  });
});
