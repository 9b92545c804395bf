import { createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { open } from './aesGcm.js';
import { keyedCrypto, type KeyedCryptoAddon } from './keyedCrypto.js';
import { batchSealerOf, CRYPTO_IMPLEMENTATION, lookupHasherOf, type CryptoImplementation } from './workerKeys.js';

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

describe('the native addon', () => {
  // CI installs with a C compiler and Node.js's headers, as a deployment should: the addon must
  // have been built there, and chosen.
  it.runIf(process.env.CI === 'true')('was built and is in use', () => {
    expect(CRYPTO_IMPLEMENTATION).toBe('native');
  });

  it.runIf(keyedCrypto !== null)('refuses what is not its own, and output of the wrong size, writing nothing', () => {
    const addon = createRequire(import.meta.url)('../../../native/keyed-crypto/index.cjs') as KeyedCryptoAddon;
    const mac = addon.hmacSha256Key(randomBytes(32));
    const gcm = addon.aes256GcmKey(randomBytes(32));
    expect(() => addon.hmacSha256(gcm, 'x')).toThrow(TypeError);
    expect(() => addon.hmacSha256({}, 'x')).toThrow(TypeError);
    expect(() => addon.hmacSha256(mac, 42 as unknown as string)).toThrow(TypeError);
    expect(() => addon.hmacSha256Key(Buffer.alloc(0))).toThrow(TypeError);
    expect(() => addon.aes256GcmKey(Buffer.alloc(16))).toThrow(TypeError);
    const header = Buffer.from('h');
    const values = [Buffer.from('abc')];
    const ivs = randomBytes(12);
    const out = Buffer.alloc(header.length + 28 + 3 + 1);
    expect(() => addon.aes256GcmSealEach(gcm, header, ivs, values, out)).toThrow(TypeError);
    expect(() => addon.aes256GcmSealEach(mac, header, ivs, values, out.subarray(1))).toThrow(TypeError);
    expect(() => addon.aes256GcmSealEach(gcm, header, randomBytes(11), values, out.subarray(1))).toThrow(TypeError);
    expect(() => addon.aes256GcmSealEach(gcm, header, ivs, ['abc' as unknown as Buffer], out.subarray(1))).toThrow(
      TypeError,
    );
    expect(out.equals(Buffer.alloc(out.length))).toBe(true);
  });
});
