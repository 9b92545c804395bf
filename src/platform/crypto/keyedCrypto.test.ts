import { createHmac, createSecretKey, getFips, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { open } from './aesGcm.js';
import { keyedCrypto, type KeyedCryptoAddon } from './keyedCrypto.js';
import {
  batchSealerOf,
  CRYPTO_IMPLEMENTATION,
  lookupHasherOf,
  openerOf,
  type CryptoImplementation,
} from './workerKeys.js';

const implementations: CryptoImplementation[] = keyedCrypto ? ['node', 'native'] : ['node'];

const reference = (key: Buffer, value: string) => createHmac('sha256', key).update(Buffer.from(value, 'utf8')).digest();

// Strings about the addon's 1,024-byte copy, with characters of 1 to 4 bytes across it, lone
// surrogates (hashed as U+FFFD, as Buffer.from makes them), the empty string and a long request.
const awkward = [
  '',
  '9434765919',
  'a'.repeat(1019),
  'a'.repeat(1020),
  'a'.repeat(1023),
  'a'.repeat(1024),
  `${'a'.repeat(1021)}é`,
  `${'a'.repeat(1022)}€`,
  `${'a'.repeat(1021)}😀b`,
  '😀'.repeat(255) + 'x',
  'lone \ud800 and \udfff surrogates',
  `outbound-request:${JSON.stringify({ contentString: 'ü'.repeat(5000) })}`,
];

describe.each(implementations)('keyed hashing and sealing (%s)', (implementation) => {
  it('hashes every string as node:crypto hashes its UTF-8', () => {
    const key = randomBytes(32);
    const hash = lookupHasherOf(key, implementation);
    for (const value of awkward) expect(hash(value).equals(reference(key, value)), value.slice(0, 20)).toBe(true);
  });

  it('hashes under a key object as under its bytes, and keeps two keys apart', () => {
    const [k1, k2] = [randomBytes(32), randomBytes(32)];
    const [h1, h2] = [lookupHasherOf(createSecretKey(k1), implementation), lookupHasherOf(k2, implementation)];
    // Interleaved: each keyed context starts from its own key every time.
    for (const value of ['9434765919', '9434765870', '9434765919']) {
      expect(h1(value).equals(reference(k1, value))).toBe(true);
      expect(h2(value).equals(reference(k2, value))).toBe(true);
    }
  });

  it('seals each value to open alone with its header, under a fresh iv each', () => {
    const key = randomBytes(32);
    const header = Buffer.from([1, ...randomBytes(16)]);
    const values = [Buffer.alloc(0), Buffer.from('first'), randomBytes(731), Buffer.from('first')];
    const { bytes, lengths } = batchSealerOf(key, header, implementation)(values);
    expect(lengths).toEqual(values.map((v) => header.length + 28 + v.length));
    expect(bytes.length).toBe(lengths.reduce((n, l) => n + l, 0));
    let at = 0;
    const ivs = new Set<string>();
    values.forEach((value, i) => {
      const sealed = bytes.subarray(at, (at += lengths[i]!));
      expect(sealed.subarray(0, header.length).equals(header)).toBe(true);
      ivs.add(sealed.subarray(header.length, header.length + 12).toString('hex'));
      expect(open(key, sealed.subarray(header.length), header).equals(value)).toBe(true);
      // The header is bound to the value: another header, or a changed byte, does not open.
      expect(() => open(key, sealed.subarray(header.length), Buffer.alloc(header.length))).toThrow();
      const tampered = Buffer.from(sealed.subarray(header.length));
      tampered[tampered.length - 1]! ^= 1;
      expect(() => open(key, tampered, header)).toThrow();
    });
    expect(ivs.size).toBe(values.length);
    expect(batchSealerOf(key, header, implementation)([])).toEqual({ bytes: Buffer.alloc(0), lengths: [] });
  });
});

describe.each(implementations)('opening (%s)', (implementation) => {
  it('opens what either implementation sealed, and nothing changed, short or under another key', () => {
    const key = randomBytes(32);
    const header = Buffer.from([1, ...randomBytes(16)]);
    const opener = openerOf(key, implementation);
    const values = [Buffer.alloc(0), Buffer.from('a message'), randomBytes(5000)];
    for (const sealer of implementations) {
      const { bytes, lengths } = batchSealerOf(key, header, sealer)(values);
      let at = 0;
      values.forEach((value, i) => {
        const sealed = bytes.subarray(at + header.length, (at += lengths[i]!));
        expect(opener(sealed, header).equals(value)).toBe(true);
        // A byte of the iv, of the tag, or of the ciphertext changed.
        for (const at of [0, 11, 12, 27, sealed.length - 1]) {
          if (at >= sealed.length) continue;
          const changed = Buffer.from(sealed);
          changed[at]! ^= 1;
          expect(() => opener(changed, header), `byte ${at}`).toThrow();
        }
        expect(() => opener(sealed, Buffer.alloc(header.length))).toThrow();
        expect(() => openerOf(randomBytes(32), implementation)(sealed, header)).toThrow();
      });
    }
    expect(() => opener(Buffer.alloc(27), header)).toThrow();
  });
});

describe('the native addon', () => {
  const built = existsSync(new URL('../../../native/keyed-crypto/build/Release/keyed_crypto.node', import.meta.url));
  const addon = () => createRequire(import.meta.url)('../../../native/keyed-crypto/index.cjs') as KeyedCryptoAddon;

  // CI installs with a C compiler and Node.js's headers, as a deployment should: the addon must
  // have been built there, and chosen.
  it.runIf(process.env.CI === 'true')('was built and is in use', () => {
    expect(CRYPTO_IMPLEMENTATION).toBe('native');
  });

  // Wherever it was built, its load-time check must have passed: a failing check would otherwise
  // only show as these tests running for node:crypto alone.
  it.runIf(built && getFips() !== 1)('passed its check against node:crypto when it loaded', () => {
    expect(keyedCrypto).not.toBeNull();
  });

  it.runIf(built)('seals within its output and nowhere else', () => {
    const a = addon();
    const key = randomBytes(32);
    const header = Buffer.from('hdr');
    const values = [Buffer.from('one'), Buffer.alloc(0), randomBytes(700)];
    const size = values.reduce((n, v) => n + header.length + 28 + v.length, 0);
    const arena = Buffer.alloc(size + 64, 0xa5);
    const out = arena.subarray(32, 32 + size);
    const lengths = Uint32Array.from(values, (v) => v.length);
    expect(a.aes256GcmSealEach(a.aes256GcmKey(key), header, randomBytes(36), Buffer.concat(values), lengths, out)).toBe(
      true,
    );
    expect(arena.subarray(0, 32).equals(Buffer.alloc(32, 0xa5))).toBe(true);
    expect(arena.subarray(32 + size).equals(Buffer.alloc(32, 0xa5))).toBe(true);
    let at = 0;
    for (const value of values) {
      const sealed = out.subarray(at + header.length, (at += header.length + 28 + value.length));
      expect(open(key, sealed, header).equals(value)).toBe(true);
    }
  });

  it.runIf(built)('refuses what is not its own, sizes that do not add up and shared memory, writing nothing', () => {
    const a = addon();
    const mac = a.hmacSha256Key(randomBytes(32));
    const gcm = a.aes256GcmKey(randomBytes(32));
    expect(() => a.hmacSha256(gcm, 'x')).toThrow(TypeError);
    expect(() => a.hmacSha256({}, 'x')).toThrow(TypeError);
    expect(() => a.hmacSha256(mac, 42 as unknown as string)).toThrow(TypeError);
    expect(() => a.hmacSha256Key(Buffer.alloc(0))).toThrow(TypeError);
    expect(() => a.aes256GcmKey(Buffer.alloc(16))).toThrow(TypeError);
    // A sealing context does not open, nor an opening one seal.
    expect(() => a.aes256GcmOpen(gcm, Buffer.alloc(0), Buffer.alloc(40))).toThrow(TypeError);
    expect(() => a.aes256GcmOpenKey(Buffer.alloc(31))).toThrow(TypeError);
    const header = Buffer.from('h');
    const plain = Buffer.from('abc');
    const ivs = randomBytes(12);
    const one = Uint32Array.of(3);
    const out = Buffer.alloc(header.length + 28 + 3);
    const seal =
      (...args: Parameters<KeyedCryptoAddon['aes256GcmSealEach']>) =>
      () =>
        a.aes256GcmSealEach(...args);
    expect(seal(mac, header, ivs, plain, one, out)).toThrow(TypeError);
    expect(seal(gcm, header, ivs, plain, one, Buffer.alloc(out.length + 1))).toThrow(TypeError);
    expect(seal(gcm, header, ivs, plain, one, out.subarray(1))).toThrow(TypeError);
    expect(seal(gcm, header, randomBytes(11), plain, one, out)).toThrow(TypeError);
    expect(seal(gcm, header, ivs, plain, Uint32Array.of(4), out)).toThrow(TypeError);
    expect(seal(gcm, header, ivs, plain, Uint32Array.of(2), out)).toThrow(TypeError);
    expect(seal(gcm, header, ivs, plain, Int32Array.of(3) as unknown as Uint32Array, out)).toThrow(TypeError);
    expect(seal(gcm, header, ivs, plain, Uint32Array.of(0xffffffff), out)).toThrow(TypeError);
    expect(seal(gcm, header, ivs, plain, Uint32Array.of(1, 0xffffffff), out)).toThrow(TypeError);
    expect(out.equals(Buffer.alloc(out.length))).toBe(true);
    // An output that overlaps an input would overwrite it before it is read.
    const shared = Buffer.alloc(out.length + 3);
    const overlapping = shared.subarray(2, 2 + out.length);
    expect(seal(gcm, header, ivs, shared.subarray(0, 3), one, overlapping)).toThrow(TypeError);
    expect(seal(gcm, header, shared.subarray(0, 12), plain, one, overlapping)).toThrow(TypeError);
    expect(seal(gcm, shared.subarray(0, 1), ivs, plain, one, shared.subarray(0, out.length))).toThrow(TypeError);
    expect(shared.equals(Buffer.alloc(shared.length))).toBe(true);
    // Side by side is not shared.
    expect(seal(gcm, header, ivs, shared.subarray(0, 3), one, shared.subarray(3))()).toBe(true);
  });
});
