import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';
import { KeyRing } from '../../platform/crypto/keyring.js';
import { loadMasterKeys } from '../../platform/crypto/masterKeys.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';
import { vapidKeys } from './vapidKeys.js';

const publicKeyOf = async (t: TestApp) => {
  const res = await t.app.inject({ method: 'GET', url: '/api/patient/push/vapid-public-key' });
  expect(res.statusCode).toBe(200);
  return res.json<{ publicKey: string }>().publicKey;
};

describe('VAPID keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('are generated once, kept in the database with the private key sealed, and shared by every node', async () => {
    const publicKey = await publicKeyOf(t);
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);
    expect(await publicKeyOf(t)).toBe(publicKey);
    const { rows } = await t.deps.db.query<{ public_key: string; private_key_enc: Uint8Array }>(
      'SELECT public_key, private_key_enc FROM push_vapid_keys',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.public_key).toBe(publicKey);
    // Another node: its own key ring on the same database reads the same pair, and can open it.
    const otherNode = new KeyRing(t.deps.db, loadMasterKeys(t.deps.config));
    const pair = await vapidKeys({ ...t.deps, keyring: otherNode });
    expect(pair.publicKey).toBe(publicKey);
    const sealed = Buffer.from(rows[0]!.private_key_enc);
    expect(sealed.includes(Buffer.from(pair.privateKey))).toBe(false);
    expect(sealed.includes(Buffer.from(pair.privateKey, 'base64url'))).toBe(false);
    // The private key belongs to the public one: web-push signs with it and the token names both.
    const { Authorization } = webpush.getVapidHeaders(
      'https://push.example.com',
      'mailto:a@example.com',
      pair.publicKey,
      pair.privateKey,
      'aes128gcm',
    );
    expect(Authorization).toContain(`k=${publicKey}`);
  });

  it('come from configuration when set, and then nothing is stored', async () => {
    const configured = webpush.generateVAPIDKeys();
    const app = await buildTestApp({ config: { vapidKeys: configured } });
    try {
      expect(await publicKeyOf(app)).toBe(configured.publicKey);
      expect((await app.deps.db.query('SELECT 1 FROM push_vapid_keys')).rows).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

describe('push configuration', () => {
  const base = { NODE_ENV: 'test' };
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig({ ...base, ...env });
      return [];
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
  };
  const pair = webpush.generateVAPIDKeys();
  const other = webpush.generateVAPIDKeys();

  it('takes a matching key pair and a mailto: or https: subject', () => {
    const config = loadConfig({
      ...base,
      VAPID_PUBLIC_KEY: pair.publicKey,
      VAPID_PRIVATE_KEY: pair.privateKey,
      VAPID_SUBJECT: 'mailto:push@example.nhs.uk',
    });
    expect(config.vapidKeys).toEqual(pair);
    expect(config.vapidSubject).toBe('mailto:push@example.nhs.uk');
    expect(loadConfig({ ...base, PUBLIC_URL: 'https://messages.example.nhs.uk' }).vapidSubject).toBe(
      'https://messages.example.nhs.uk',
    );
    expect(loadConfig(base)).toMatchObject({ vapidKeys: null, pushAllowLocalEndpoints: false });
  });

  it('refuses half a pair, a mismatched pair, malformed keys and a bad subject', () => {
    expect(problems({ VAPID_PUBLIC_KEY: pair.publicKey })).toEqual([
      'VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY must be set together (or neither)',
    ]);
    expect(problems({ VAPID_PUBLIC_KEY: pair.publicKey, VAPID_PRIVATE_KEY: other.privateKey })).toEqual([
      'VAPID_PUBLIC_KEY is not the public key of VAPID_PRIVATE_KEY',
    ]);
    expect(problems({ VAPID_PUBLIC_KEY: 'short', VAPID_PRIVATE_KEY: pair.privateKey })[0]).toMatch(
      /VAPID_PUBLIC_KEY must be a P-256 public key/,
    );
    expect(problems({ VAPID_PUBLIC_KEY: pair.publicKey, VAPID_PRIVATE_KEY: `${pair.privateKey}==` })[0]).toMatch(
      /VAPID_PRIVATE_KEY must be a P-256 private key/,
    );
    expect(problems({ VAPID_SUBJECT: 'http://example.com' })[0]).toMatch(/VAPID_SUBJECT must be a mailto: or https:/);
  });

  it('refuses local push endpoints in production, and a missing subject there without an https PUBLIC_URL', () => {
    const production = { NODE_ENV: 'production', MASTER_KEY: Buffer.alloc(32, 1).toString('base64') };
    expect(
      problems({ ...production, VAPID_SUBJECT: 'mailto:a@b.example', PUSH_ALLOW_LOCAL_ENDPOINTS: 'true' }),
    ).toEqual(['PUSH_ALLOW_LOCAL_ENDPOINTS must not be set in production']);
    expect(problems({ ...production, PUBLIC_URL: 'http://10.0.0.1:3000' })).toEqual([
      'VAPID_SUBJECT is required unless PUBLIC_URL is https',
    ]);
    expect(problems({ ...production, PUBLIC_URL: 'https://messages.example.nhs.uk' })).toEqual([]);
  });
});
