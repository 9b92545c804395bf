import { createECDH, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientChain } from '../../identity/patientSignIn/patientChain.js';
import { PATIENT_SESSION_COOKIE } from '../../identity/patientSignIn/patientSessions.js';
import type { TestDevice } from '../../testing/pushService.js';
import { dispatchDuePushes } from './dispatchPushes.js';
import { UNNOTIFIED_REASON } from './pushPayload.js';
import { MAX_DEVICES_PER_PATIENT, subscribePush } from './subscriptions.js';
import { pushTestBed, type PushBed } from './testPushBed.js';

const logLines: string[] = [];
let bed: PushBed;
beforeAll(async () => {
  bed = await pushTestBed({ logLevel: 'trace' }, { logStream: { write: (line) => void logLines.push(line) } });
});
afterAll(async () => {
  await bed?.close();
});

const count = async (sql: string, params: unknown[] = []) =>
  Number((await bed.t.deps.db.query<{ n: number }>(sql, params)).rows[0]!.n);
const writes = async () => ({
  subscriptions: await count('SELECT count(*) AS n FROM push_subscriptions'),
  audit: await count('SELECT count(*) AS n FROM audit_log'),
});
const unsubscribe = (session: string, endpoint: string) =>
  bed.t.app.inject({
    method: 'DELETE',
    url: '/api/patient/push-subscriptions',
    cookies: { [PATIENT_SESSION_COOKIE]: session },
    payload: { endpoint },
  });
const auditOf = async (patientId: string) =>
  (
    await bed.t.deps.db.query<{ action: string; actor_kind: string; target_id: string | null }>(
      'SELECT action, actor_kind, target_id FROM audit_log WHERE chain = $1 ORDER BY position',
      [patientChain(patientId)],
    )
  ).rows;
const subscriptionsOf = async (patientId: string) =>
  (
    await bed.t.deps.db.query<{ id: string }>('SELECT id FROM push_subscriptions WHERE patient_id = $1', [patientId])
  ).rows.map((r) => r.id);

describe('push subscriptions', () => {
  it('stores a P9 patient’s subscription, audited on their chain, and subscribing again keeps one', async () => {
    const patient = await bed.person();
    const device = bed.push.newDevice();
    expect((await bed.subscribe(patient.session, device.subscription)).statusCode).toBe(204);
    // What browsers send: toJSON() includes expirationTime.
    expect((await bed.subscribe(patient.session, { ...device.subscription, expirationTime: null })).statusCode).toBe(
      204,
    );
    const ids = await subscriptionsOf(patient.patientId);
    expect(ids).toHaveLength(1);
    const audit = (await auditOf(patient.patientId)).filter((a) => a.action.startsWith('patient.push'));
    expect(audit).toEqual([
      { action: 'patient.push_subscribe', actor_kind: 'service_user', target_id: expect.any(String) as string },
      { action: 'patient.push_subscribe', actor_kind: 'service_user', target_id: ids[0] },
    ]);
  });

  it('refuses each malformed subscription with a clear 400 and writes nothing', async () => {
    const patient = await bed.person();
    const good = bed.push.newDevice().subscription;
    const offCurve = Buffer.concat([Buffer.from([4]), randomBytes(64)]).toString('base64url');
    const compressed = createECDH('prime256v1');
    compressed.generateKeys();
    const cases: [string, object, RegExp][] = [
      ['no keys', { endpoint: good.endpoint }, /keys/],
      ['no endpoint', { keys: good.keys }, /endpoint/],
      ['an extra field', { ...good, name: 'my phone' }, /additional properties/],
      ['an extra key', { ...good, keys: { ...good.keys, x: 'y' } }, /additional properties/],
      ['endpoint not a URL', { ...good, endpoint: 'push service' }, /endpoint must be the push service URL/],
      ['endpoint not https', { ...good, endpoint: 'ftp://push.example.com/x' }, /endpoint must be an https URL/],
      [
        'endpoint with credentials',
        { ...good, endpoint: good.endpoint.replace('://', '://user:pw@') },
        /endpoint must not contain credentials/,
      ],
      ['endpoint too long', { ...good, endpoint: `https://push.example.com/${'a'.repeat(2100)}` }, /endpoint/],
      ['p256dh too short', { ...good, keys: { ...good.keys, p256dh: good.keys.p256dh.slice(1) } }, /keys\.p256dh/],
      ['p256dh padded', { ...good, keys: { ...good.keys, p256dh: `${good.keys.p256dh}=` } }, /keys\.p256dh/],
      [
        'p256dh in base64, not base64url',
        { ...good, keys: { ...good.keys, p256dh: `+/${good.keys.p256dh.slice(2)}` } },
        /keys\.p256dh must be 65 bytes in unpadded base64url/,
      ],
      ['p256dh off the curve', { ...good, keys: { ...good.keys, p256dh: offCurve } }, /P-256 public key/],
      [
        'p256dh compressed',
        { ...good, keys: { ...good.keys, p256dh: compressed.getPublicKey(null, 'compressed').toString('base64url') } },
        /keys\.p256dh/,
      ],
      ['auth too long', { ...good, keys: { ...good.keys, auth: randomBytes(32).toString('base64url') } }, /keys\.auth/],
      ['auth not a string', { ...good, keys: { ...good.keys, auth: 16 } }, /auth/],
      ['expirationTime not a number', { ...good, expirationTime: 'soon' }, /expirationTime/],
    ];
    const before = await writes();
    for (const [name, body, message] of cases) {
      const res = await bed.subscribe(patient.session, body);
      expect(res.statusCode, name).toBe(400);
      expect(res.json<{ message: string }>().message, name).toMatch(message);
    }
    expect(await writes()).toEqual(before);
  });

  it('needs a P9 session, and a JSON body from this site', async () => {
    const device = bed.push.newDevice();
    const p5 = await bed.person('P5');
    const p9 = await bed.person();
    const before = await writes();
    const anonymous = await bed.t.app.inject({
      method: 'POST',
      url: '/api/patient/push-subscriptions',
      payload: device.subscription,
    });
    expect(anonymous.statusCode).toBe(401);
    const refused = await bed.subscribe(p5.session, device.subscription);
    expect(refused.statusCode).toBe(403);
    expect(refused.json<{ code: string }>().code).toBe('identity_level');
    const form = await bed.t.app.inject({
      method: 'POST',
      url: '/api/patient/push-subscriptions',
      cookies: { [PATIENT_SESSION_COOKIE]: p9.session },
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify(device.subscription),
    });
    expect(form.statusCode).toBe(415);
    const crossSite = await bed.t.app.inject({
      method: 'POST',
      url: '/api/patient/push-subscriptions',
      cookies: { [PATIENT_SESSION_COOKIE]: p9.session },
      headers: { 'sec-fetch-site': 'cross-site' },
      payload: device.subscription,
    });
    expect(crossSite.statusCode).toBe(403);
    expect(await writes()).toEqual(before);
  });

  it('unsubscribes only the patient’s own device, audited, answering alike for any other endpoint', async () => {
    const mine = await bed.person();
    const theirs = await bed.person();
    const myDevice = bed.push.newDevice();
    const theirDevice = bed.push.newDevice();
    await bed.subscribe(mine.session, myDevice.subscription);
    await bed.subscribe(theirs.session, theirDevice.subscription);
    const [myId] = await subscriptionsOf(mine.patientId);

    expect((await unsubscribe(mine.session, theirDevice.subscription.endpoint)).statusCode).toBe(204);
    expect(await subscriptionsOf(theirs.patientId)).toHaveLength(1);
    expect((await unsubscribe(mine.session, myDevice.subscription.endpoint)).statusCode).toBe(204);
    expect(await subscriptionsOf(mine.patientId)).toEqual([]);
    expect((await unsubscribe(mine.session, myDevice.subscription.endpoint)).statusCode).toBe(204);
    expect((await auditOf(mine.patientId)).filter((a) => a.action === 'patient.push_unsubscribe')).toEqual([
      { action: 'patient.push_unsubscribe', actor_kind: 'service_user', target_id: myId },
    ]);
    expect((await auditOf(theirs.patientId)).map((a) => a.action)).not.toContain('patient.push_unsubscribe');
    // Opting out works at any identity level.
    const p5 = await bed.person('P5');
    expect((await unsubscribe(p5.session, myDevice.subscription.endpoint)).statusCode).toBe(204);
  });

  it('moves a browser to whoever subscribed it last', async () => {
    const before = await bed.person();
    const after = await bed.person();
    const shared = bed.push.newDevice();
    await bed.subscribe(before.session, shared.subscription);
    await bed.subscribe(after.session, shared.subscription);
    expect(await subscriptionsOf(before.patientId)).toEqual([]);
    expect(await subscriptionsOf(after.patientId)).toHaveLength(1);
    expect((await auditOf(before.patientId)).at(-1)).toMatchObject({
      action: 'patient.push_unsubscribe',
      actor_kind: 'system',
    });
    const id = await bed.send(before.nhsNumber);
    await dispatchDuePushes(bed.t.deps);
    expect(await bed.receipts(id)).toContainEqual({
      code: 'Unnotified',
      reason: UNNOTIFIED_REASON.noDevice,
      callback: true,
    });
    expect(bed.push.received.filter((r) => r.endpoint === shared.subscription.endpoint)).toEqual([]);
  });

  it(`keeps a patient's ${MAX_DEVICES_PER_PATIENT} most recently subscribed devices`, async () => {
    const patient = await bed.person();
    const start = bed.now();
    const devices: TestDevice[] = [];
    try {
      for (let i = 0; i <= MAX_DEVICES_PER_PATIENT; i++) {
        bed.setClock(start + i * 1000);
        const device = bed.push.newDevice();
        expect((await bed.subscribe(patient.session, device.subscription)).statusCode).toBe(204);
        devices.push(device);
      }
    } finally {
      bed.setClock(start);
    }
    expect(await subscriptionsOf(patient.patientId)).toHaveLength(MAX_DEVICES_PER_PATIENT);
    await bed.send(patient.nhsNumber);
    await dispatchDuePushes(bed.t.deps);
    const reached = (d: TestDevice) => bed.push.received.some((r) => r.endpoint === d.subscription.endpoint);
    expect(reached(devices[0]!)).toBe(false);
    expect(devices.slice(1).every(reached)).toBe(true);
  });

  it('keeps endpoints and keys out of every table and every log line, in clear or as hex', async () => {
    const patient = await bed.person();
    const device = bed.push.newDevice();
    await bed.subscribe(patient.session, device.subscription);
    await bed.send(patient.nhsNumber);
    await dispatchDuePushes(bed.t.deps);
    const { endpoint, keys } = device.subscription;
    const token = endpoint.split('/').at(-1)!;
    const hex = (s: string) => Buffer.from(s).toString('hex');
    const secrets = [endpoint, token, keys.p256dh, keys.auth];
    const forbidden = [...secrets, ...secrets.map(hex), Buffer.from(keys.auth, 'base64url').toString('hex')];
    const tables = await bed.t.deps.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.rows.map((r) => r.table_name)).toContain('push_subscriptions');
    for (const { table_name } of tables.rows) {
      const { rows } = await bed.t.deps.db.query<{ row: string }>(`SELECT t::text AS row FROM "${table_name}" t`);
      const text = rows.map((r) => r.row.toLowerCase()).join('\n');
      for (const f of forbidden) expect(text.includes(f.toLowerCase()), `${table_name} holds ${f}`).toBe(false);
    }
    expect(logLines.length).toBeGreaterThan(0);
    const logs = logLines.join('\n');
    for (const f of forbidden) expect(logs).not.toContain(f);
  });
});

describe('push subscriptions where local endpoints are not allowed', () => {
  let strict: PushBed;
  beforeAll(async () => {
    strict = await pushTestBed({ pushAllowLocalEndpoints: false });
  });
  afterAll(async () => {
    await strict?.close();
  });

  it('refuses plain http and endpoints on private or loopback addresses', async () => {
    const patient = await strict.person();
    const keys = strict.push.newDevice().subscription.keys;
    const cases: [string, RegExp][] = [
      ['http://push.example.com/x', /https/],
      ['https://127.0.0.1/x', /public push service/],
      ['https://localhost:8443/x', /public push service/],
      ['https://[::1]/x', /public push service/],
      ['https://10.1.2.3/x', /public push service/],
      ['https://169.254.169.254/latest', /public push service/],
      ['https://[::ffff:192.168.0.1]/x', /public push service/],
    ];
    for (const [endpoint, message] of cases) {
      const res = await strict.subscribe(patient.session, { endpoint, keys });
      expect(res.statusCode, endpoint).toBe(400);
      expect(res.json<{ message: string }>().message, endpoint).toMatch(message);
    }
    expect(await strict.t.deps.db.query('SELECT 1 FROM push_subscriptions')).toMatchObject({ rows: [] });
    const ok = await strict.subscribe(patient.session, { endpoint: 'https://push.example.com/abc', keys });
    expect(ok.statusCode).toBe(204);
    // Gone again before anything could be dispatched to it: tests make no outside calls.
    await strict.t.deps.db.query('DELETE FROM push_subscriptions');
  });

  it('never connects to a private address, even for a subscription stored before the rule', async () => {
    const patient = await strict.person();
    const literal = strict.push.newDevice().subscription;
    // A host name that resolves to loopback: refused by the address guard when connecting.
    const named = strict.push.newDevice().subscription;
    named.endpoint = named.endpoint.replace('http://127.0.0.1', 'https://localhost');
    // As if written when the deployment allowed it: the rule holds at sending time too.
    for (const subscription of [literal, named]) {
      await subscribePush(
        { ...strict.t.deps, config: { ...strict.t.deps.config, pushAllowLocalEndpoints: true } },
        { patientId: patient.patientId, identityLevel: 'P9' },
        subscription,
        null,
      );
    }
    const id = await strict.send(patient.nhsNumber);
    expect(await dispatchDuePushes(strict.t.deps)).toMatchObject({ retrying: 1 });
    expect(strict.push.connections()).toBe(0);
    expect(strict.push.received).toEqual([]);
    expect(await strict.receipts(id)).toEqual([{ code: 'Delivered', reason: null, callback: true }]);
  });
});
