import { createHmac, createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { IV_BYTES, open, sealEach, TAG_BYTES } from './aesGcm.js';
import { keyedCrypto } from './keyedCrypto.js';

/**
 * What a worker thread needs to hash and seal on the key ring's behalf: the lookup HMAC key and
 * one scope's active data key with its ciphertext header. Raw bytes, because key objects cannot
 * cross threads; they stay inside this process and are never logged or stored.
 */
export type WorkerKeys = { lookupKey: Buffer; sealKey: Buffer; sealHeader: Buffer };

/**
 * Who hashes and seals: the native addon (`native/keyed-crypto`), which keys a context once for
 * many values, where it was built and agreed with node:crypto when it loaded; else node:crypto.
 * The two give the same bytes (tests run both).
 */
export type CryptoImplementation = 'native' | 'node';
export const CRYPTO_IMPLEMENTATION: CryptoImplementation = keyedCrypto ? 'native' : 'node';

/** The lookup HMAC (`KeyRing.lookupHmac`) under a given key, as a synchronous function. */
export function lookupHasherOf(
  key: Buffer | KeyObject,
  implementation: CryptoImplementation = CRYPTO_IMPLEMENTATION,
): (value: string) => Buffer {
  const addon = implementation === 'native' ? keyedCrypto : null;
  if (addon) {
    // A key object's bytes are a copy made for this: wiped once the context is keyed.
    const bytes = key instanceof KeyObject ? key.export() : key;
    let keyed: object;
    try {
      keyed = addon.hmacSha256Key(bytes);
    } finally {
      if (key instanceof KeyObject) bytes.fill(0);
    }
    return (value) => addon.hmacSha256(keyed, value);
  }
  const k = key instanceof KeyObject ? key : createSecretKey(key);
  return (value) => createHmac('sha256', k).update(value, 'utf8').digest();
}

/** `KeyRing.batchSealer` for a given key and header: each value opens with `KeyRing.decrypt`. */
export function batchSealerOf(
  key: Buffer,
  header: Buffer,
  implementation: CryptoImplementation = CRYPTO_IMPLEMENTATION,
): (values: readonly Buffer[]) => { bytes: Buffer; lengths: number[] } {
  const addon = implementation === 'native' ? keyedCrypto : null;
  if (!addon) {
    const k = createSecretKey(key);
    return (values) => sealEach(k, header, values);
  }
  const keyed = addon.aes256GcmKey(key);
  const overhead = header.length + IV_BYTES + TAG_BYTES;
  // The same layout as sealEach, in one call for the lot: the values go end to end in one buffer,
  // which the addon reads with no JavaScript running in between.
  return (values) => {
    const plain = Uint32Array.from(values, (v) => v.length);
    const lengths = values.map((v) => overhead + v.length);
    const bytes = Buffer.allocUnsafe(lengths.reduce((n, l) => n + l, 0));
    const ivs = randomBytes(IV_BYTES * values.length);
    if (!addon.aes256GcmSealEach(keyed, header, ivs, Buffer.concat(values), plain, bytes)) {
      throw new Error('AES-256-GCM sealing failed');
    }
    return { bytes, lengths };
  };
}

/**
 * Opens values sealed under a given key (`iv | tag | ciphertext`, with their header as aad), as
 * `open` in aesGcm.ts does: the plaintext, or a throw when the value does not authenticate.
 */
export function openerOf(
  key: Buffer,
  implementation: CryptoImplementation = CRYPTO_IMPLEMENTATION,
): (sealed: Buffer, aad: Buffer) => Buffer {
  const addon = implementation === 'native' ? keyedCrypto : null;
  if (!addon) return (sealed, aad) => open(key, sealed, aad);
  const keyed = addon.aes256GcmOpenKey(key);
  return (sealed, aad) => {
    const plaintext = addon.aes256GcmOpen(keyed, aad, sealed);
    if (plaintext === null) throw new Error('the value does not open under its key');
    return plaintext;
  };
}
