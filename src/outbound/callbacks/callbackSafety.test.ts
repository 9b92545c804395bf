import { request } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AddressRefused, guardedLookup, isPublicAddress } from './addressGuard.js';
import { signCallback, verifyCallbackSignature } from './signature.js';

describe('callback address guard', () => {
  it('knows public from loopback, link-local, private and reserved addresses', () => {
    for (const a of ['8.8.8.8', '151.101.0.1', '2a00:1450:4009:81f::200e', '::ffff:8.8.8.8']) {
      expect(isPublicAddress(a), a).toBe(true);
    }
    for (const a of [
      '127.0.0.1',
      '127.255.255.254',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '255.255.255.255',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:169.254.169.254',
      '64:ff9b::a9fe:a9fe',
      'not an address',
    ]) {
      expect(isPublicAddress(a), a).toBe(false);
    }
  });

  it('refuses to connect to a host that resolves to loopback unless private addresses are allowed', async () => {
    const server = createServer((_req, res) => res.end('reached'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const get = (allowPrivate: boolean) =>
      new Promise<string>((resolve, reject) => {
        const req = request({ host: 'localhost', port, path: '/', lookup: guardedLookup({ allowPrivate }) }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve(body));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      await expect(get(false)).rejects.toBeInstanceOf(AddressRefused);
      expect(await get(true)).toBe('reached');
    } finally {
      server.close();
    }
  });
});

describe('callback signature', () => {
  it('verifies the body it signed, and nothing else', () => {
    const at = new Date('2026-11-21T09:00:00Z');
    const header = signCallback('secret', '{"a":1}', at);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyCallbackSignature('secret', '{"a":1}', header, at)).toBe(true);
    expect(verifyCallbackSignature('secret', '{"a":2}', header, at)).toBe(false);
    expect(verifyCallbackSignature('other', '{"a":1}', header, at)).toBe(false);
    expect(verifyCallbackSignature('secret', '{"a":1}', header, new Date(at.getTime() + 3_600_000))).toBe(false);
    expect(verifyCallbackSignature('secret', '{"a":1}', 't=1,v1=zz', at)).toBe(false);
  });
});
