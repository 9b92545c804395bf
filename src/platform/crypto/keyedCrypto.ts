import { createCipheriv, createHmac, getFips, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

/**
 * The native addon `native/keyed-crypto`: HMAC-SHA256 and AES-256-GCM under a key set up once and
 * used for many values, where node:crypto builds and keys a new context for every one (most of
 * the cost for an NHS number or a 700-byte message). Its contexts belong to the thread that made
 * them.
 */
export type KeyedCryptoAddon = {
  hmacSha256Key(key: Buffer): object;
  hmacSha256(keyed: object, value: string | Buffer): Buffer;
  aes256GcmKey(key: Buffer): object;
  /** Every plaintext end to end in one Buffer, with their lengths: nothing the call reads can change under it. */
  aes256GcmSealEach(
    keyed: object,
    header: Buffer,
    ivs: Buffer,
    plaintexts: Buffer,
    lengths: Uint32Array,
    out: Buffer,
  ): boolean;
  aes256GcmOpenKey(key: Buffer): object;
  /** The plaintext of `iv | tag | ciphertext`, or null when it does not authenticate. */
  aes256GcmOpen(keyed: object, aad: Buffer, sealed: Buffer): Buffer | null;
};

/**
 * The addon if it was built and gives node:crypto's answers here (an HMAC of a string near and
 * past its copying limit, of a Buffer, and a seal to the byte): anything else (not built, built
 * for another Node.js, or wrong) leaves node:crypto doing the work. Never in FIPS mode, whose
 * provider the addon's calls would go around. Checked once in each thread that loads it.
 */
function loadKeyedCrypto(): KeyedCryptoAddon | null {
  if (getFips() === 1) return null;
  let addon: KeyedCryptoAddon;
  try {
    addon = createRequire(import.meta.url)('../../../native/keyed-crypto/index.cjs') as KeyedCryptoAddon;
  } catch {
    return null;
  }
  try {
    const key = randomBytes(32);
    const mac = addon.hmacSha256Key(key);
    const values = ['9000000009', `é${'x'.repeat(1021)}`, '😀'.repeat(400), Buffer.from('a buffer')];
    for (const value of values) {
      const expected = createHmac('sha256', key)
        .update(typeof value === 'string' ? Buffer.from(value, 'utf8') : value)
        .digest();
      if (!addon.hmacSha256(mac, value).equals(expected)) return null;
    }
    const header = Buffer.from('header');
    const plaintexts = [Buffer.from('first'), Buffer.alloc(700, 7)];
    const ivs = randomBytes(12 * plaintexts.length);
    const out = Buffer.alloc(plaintexts.reduce((n, p) => n + header.length + 28 + p.length, 0));
    const lengths = Uint32Array.from(plaintexts, (p) => p.length);
    const sealed = addon.aes256GcmSealEach(
      addon.aes256GcmKey(key),
      header,
      ivs,
      Buffer.concat(plaintexts),
      lengths,
      out,
    );
    if (!sealed) return null;
    const expected = Buffer.concat(
      plaintexts.map((p, i) => {
        const iv = ivs.subarray(i * 12, (i + 1) * 12);
        const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(header);
        const ct = Buffer.concat([cipher.update(p), cipher.final()]);
        return Buffer.concat([header, iv, cipher.getAuthTag(), ct]);
      }),
    );
    if (!out.equals(expected)) return null;
    // Each sealed value opens, and one with a byte changed does not.
    const opener = addon.aes256GcmOpenKey(key);
    let at = 0;
    for (const p of plaintexts) {
      const sealedValue = out.subarray(at + header.length, (at += header.length + 28 + p.length));
      if (!addon.aes256GcmOpen(opener, header, sealedValue)?.equals(p)) return null;
      const changed = Buffer.from(sealedValue);
      changed[changed.length - 1]! ^= 1;
      if (addon.aes256GcmOpen(opener, header, changed) !== null) return null;
    }
    return addon;
  } catch {
    return null;
  }
}

/** The addon, or null where node:crypto does the work. */
export const keyedCrypto: KeyedCryptoAddon | null = loadKeyedCrypto();
