import { createECDH, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decrypt } from '../../testing/pushService.js';
import { createRequire } from 'node:module';
import {
  ECDH_IMPLEMENTATION,
  ecdhImplementations,
  encryptPush as encryptPushWith,
  encryptWith,
  MAX_PLAINTEXT_BYTES,
  sealImplementations,
} from './rfc8291.mjs';

/** RFC 8291 §5 and Appendix A: the published example, to the byte. */
const RFC = {
  plaintext: 'When I grow up, I want to be a watermelon',
  uaPrivate: 'q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94',
  uaPublic: 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
  authSecret: 'BTBZMqHH6r4Tts7J_aSIgg',
  asPrivate: 'yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw',
  salt: 'DGv6ra1nlYgDCS1FRnbzlw',
  body:
    'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_' +
    'yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
};

describe("the test push service's decryption", () => {
  const receiver = () => {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(RFC.uaPrivate, 'base64url'));
    expect(ecdh.getPublicKey().toString('base64url')).toBe(RFC.uaPublic);
    return ecdh;
  };

  it('opens the RFC 8291 example message', () => {
    const body = Buffer.from(RFC.body, 'base64url');
    expect(decrypt(body, receiver(), Buffer.from(RFC.authSecret, 'base64url'))).toBe(RFC.plaintext);
  });

  it('refuses the example with another auth secret, or with a byte changed', () => {
    const body = Buffer.from(RFC.body, 'base64url');
    expect(() => decrypt(body, receiver(), Buffer.alloc(16, 1))).toThrow();
    const tampered = Buffer.from(body);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => decrypt(tampered, receiver(), Buffer.from(RFC.authSecret, 'base64url'))).toThrow();
  });
});

describe('push payload encryption', () => {
  const b64 = (s: string) => Buffer.from(s, 'base64url');

  it.each(Object.entries(sealImplementations))(
    "gives the RFC 8291 example message to the byte, from the example's key pair and salt (sealed by %s)",
    (_, seal) => {
      const sender = createECDH('prime256v1');
      sender.setPrivateKey(b64(RFC.asPrivate));
      const [salt, ua, auth] = [b64(RFC.salt), b64(RFC.uaPublic), b64(RFC.authSecret)];
      const body = encryptWith(sender, salt, ua, auth, Buffer.from(RFC.plaintext), seal);
      expect(body.toString('base64url')).toBe(RFC.body);
    },
  );

  it.runIf(sealImplementations.native !== undefined)(
    'seals as node:crypto does, to the byte, for payloads from empty to a full record',
    () => {
      const browser = createECDH('prime256v1');
      const uaPublic = browser.generateKeys();
      for (const size of [0, 1, 108, 1000, MAX_PLAINTEXT_BYTES]) {
        const sender = createECDH('prime256v1');
        const senderPublic = sender.generateKeys();
        const secret = sender.computeSecret(uaPublic);
        // Text, as every payload is: the browser's side reads it as UTF-8.
        const plaintext = Buffer.from(randomBytes(size).toString('base64url').slice(0, size));
        const [salt, auth] = [randomBytes(16), randomBytes(16)];
        const native = sealImplementations.native!(senderPublic, Buffer.from(secret), salt, uaPublic, auth, plaintext);
        expect(native.equals(sealImplementations.node(senderPublic, secret, salt, uaPublic, auth, plaintext))).toBe(
          true,
        );
        expect(decrypt(native, browser, auth)).toBe(plaintext.toString());
      }
    },
  );

  it.runIf(sealImplementations.native !== undefined)(
    'native addon: the seal refuses arguments of the wrong size or an output sharing their memory',
    () => {
      const addon = createRequire(import.meta.url)('../../../native/p256-ecdh/index.cjs') as {
        sealRecord: (...args: Buffer[]) => boolean;
      };
      const args = (): [Buffer, Buffer, Buffer, Buffer, Buffer] => [
        randomBytes(32),
        randomBytes(16),
        randomBytes(65),
        randomBytes(65),
        randomBytes(16),
      ];
      const plaintext = Buffer.from('{"tag":"x"}');
      const out = Buffer.alloc(86 + plaintext.length + 17);
      expect(addon.sealRecord(...args(), plaintext, out)).toBe(true);
      const untouched = Buffer.alloc(out.length);
      expect(() => addon.sealRecord(...args(), plaintext, untouched.subarray(1))).toThrow(TypeError);
      expect(() => addon.sealRecord(...args(), plaintext)).toThrow(TypeError);
      const [secret, salt, ua, sender, auth] = args();
      expect(() => addon.sealRecord(secret.subarray(1), salt, ua, sender, auth, plaintext, untouched)).toThrow(
        TypeError,
      );
      expect(() => addon.sealRecord(secret, salt, ua, sender, auth.subarray(1), plaintext, untouched)).toThrow(
        TypeError,
      );
      expect(() =>
        addon.sealRecord(secret, salt, ua, sender, auth, Buffer.alloc(MAX_PLAINTEXT_BYTES + 1), Buffer.alloc(4097)),
      ).toThrow(TypeError);
      expect(untouched.equals(Buffer.alloc(untouched.length))).toBe(true);
      // The payload inside the output it is sealed into.
      const shared = Buffer.alloc(out.length);
      expect(() => addon.sealRecord(secret, salt, ua, sender, auth, shared.subarray(90, 101), shared)).toThrow(
        TypeError,
      );
    },
  );

  // CI installs with a C compiler and Node.js's headers, as a deployment should: the addon must
  // have been built there, and chosen.
  it.runIf(process.env.CI === 'true')('makes key pairs and ECDHs with the native addon where it could be built', () => {
    expect(ECDH_IMPLEMENTATION).toBe('native');
  });

  it.runIf(ecdhImplementations.native !== undefined)('native addon: refuses arguments of the wrong kind', () => {
    const addon = createRequire(import.meta.url)('../../../native/p256-ecdh/index.cjs') as {
      ephemeralEcdh: (...args: unknown[]) => boolean;
    };
    const uaPublic = createECDH('prime256v1').generateKeys();
    expect(() => addon.ephemeralEcdh(uaPublic, Buffer.alloc(65))).toThrow(TypeError);
    expect(() => addon.ephemeralEcdh('key', Buffer.alloc(65), Buffer.alloc(32))).toThrow(TypeError);
    expect(() => addon.ephemeralEcdh(uaPublic, Buffer.alloc(64), Buffer.alloc(32))).toThrow(TypeError);
    expect(() => addon.ephemeralEcdh(uaPublic, Buffer.alloc(65), Buffer.alloc(31))).toThrow(TypeError);
    // A key of the wrong length or not on the curve is an answer, not an error: false, nothing written.
    const [senderPublic, secret] = [Buffer.alloc(65), Buffer.alloc(32)];
    expect(addon.ephemeralEcdh(uaPublic.subarray(1), senderPublic, secret)).toBe(false);
    expect(addon.ephemeralEcdh(Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]), senderPublic, secret)).toBe(
      false,
    );
    expect(senderPublic.equals(Buffer.alloc(65)) && secret.equals(Buffer.alloc(32))).toBe(true);
    expect(addon.ephemeralEcdh(uaPublic, senderPublic, secret)).toBe(true);
  });

  it.runIf(ecdhImplementations.native !== undefined)(
    "native addon: a refused key leaves nothing behind for the thread's next node:crypto call",
    () => {
      // OpenSSL notes why it refused a point on the thread's error queue; left there, it would be
      // reported by the next unrelated call, such as signing a VAPID token with a PEM key.
      const { privateKey } = generateKeyPairSync('ec', {
        namedCurve: 'prime256v1',
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      });
      const offCurve = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]);
      for (let i = 0; i < 3; i++) {
        expect(() => encryptPushWith(offCurve, randomBytes(16), Buffer.from('x'), ecdhImplementations.native)).toThrow(
          /not a point/,
        );
        expect(sign('sha256', Buffer.from('claims'), privateKey).length).toBeGreaterThan(0);
      }
    },
  );
});

const combinations = Object.entries(ecdhImplementations).flatMap(([e, ecdh]) =>
  Object.entries(sealImplementations).map(([k, seal]) => [e, k, ecdh, seal] as const),
);

describe.each(combinations)(
  'push payload encryption, key pairs and ECDHs by %s, sealed by %s',
  (_e, _k, ecdh, seal) => {
    const encryptPush = (uaPublic: Buffer, auth: Buffer, plaintext: Buffer) =>
      encryptPushWith(uaPublic, auth, plaintext, ecdh, seal);

    it('uses a new key pair and salt for every message, each opened by the browser', () => {
      const browser = createECDH('prime256v1');
      const uaPublic = browser.generateKeys();
      const auth = randomBytes(16);
      const a = encryptPush(uaPublic, auth, Buffer.from('{"tag":"a"}'));
      const b = encryptPush(uaPublic, auth, Buffer.from('{"tag":"a"}'));
      // salt (16 bytes), then the record size, key length and the sender's public key (65 bytes).
      expect(a.subarray(0, 16).equals(b.subarray(0, 16))).toBe(false);
      expect(a.subarray(21, 86).equals(b.subarray(21, 86))).toBe(false);
      expect(decrypt(a, browser, auth)).toBe('{"tag":"a"}');
      expect(decrypt(b, browser, auth)).toBe('{"tag":"a"}');
      // Salts are cut from draws of random bytes, and one key object makes every key pair: across
      // several draws, no salt and no key repeats, and every message opens.
      const many = Array.from({ length: 600 }, (_, i) => encryptPush(uaPublic, auth, Buffer.from(`{"tag":"${i}"}`)));
      expect(new Set(many.map((m) => m.subarray(0, 16).toString('hex'))).size).toBe(many.length);
      expect(new Set(many.map((m) => m.subarray(21, 86).toString('hex'))).size).toBe(many.length);
      many.forEach((m, i) => expect(decrypt(m, browser, auth)).toBe(`{"tag":"${i}"}`));
    });

    it('refuses keys of the wrong form and a payload too large for one record', () => {
      const uaPublic = createECDH('prime256v1').generateKeys();
      const auth = randomBytes(16);
      const ok = Buffer.from('x');
      expect(() => encryptPush(uaPublic.subarray(1), auth, ok)).toThrow(/p256dh/);
      expect(() => encryptPush(uaPublic, auth.subarray(1), ok)).toThrow(/auth/);
      // 65 bytes starting 0x04 that are not a point on the curve.
      expect(() => encryptPush(Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]), auth, ok)).toThrow();
      expect(() => encryptPush(uaPublic, auth, Buffer.alloc(MAX_PLAINTEXT_BYTES + 1))).toThrow(/one record/);
      expect(encryptPush(uaPublic, auth, Buffer.alloc(MAX_PLAINTEXT_BYTES)).length).toBe(4096);
    });

    it('goes on with a new key pair and salt for each message after one that failed', () => {
      const browser = createECDH('prime256v1');
      const uaPublic = browser.generateKeys();
      const auth = randomBytes(16);
      const notOnCurve = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]);
      const sent: Buffer[] = [];
      for (let i = 0; i < 20; i++) {
        // A worker encrypts for many devices in turn, and one device's bad keys must not spoil the next.
        expect(() => encryptPush(notOnCurve, auth, Buffer.from('x'))).toThrow();
        expect(() => encryptPush(uaPublic, auth.subarray(1), Buffer.from('x'))).toThrow(/auth/);
        sent.push(encryptPush(uaPublic, auth, Buffer.from(`{"tag":"${i}"}`)));
      }
      sent.forEach((m, i) => expect(decrypt(m, browser, auth)).toBe(`{"tag":"${i}"}`));
      expect(new Set(sent.map((m) => m.subarray(0, 16).toString('hex'))).size).toBe(sent.length);
      expect(new Set(sent.map((m) => m.subarray(21, 86).toString('hex'))).size).toBe(sent.length);
    });
  },
);
