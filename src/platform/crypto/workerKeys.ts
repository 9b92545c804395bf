import { createHmac, createSecretKey, KeyObject } from 'node:crypto';
import { sealEach } from './aesGcm.js';

/**
 * What a worker thread needs to hash and seal on the key ring's behalf: the lookup HMAC key and
 * one scope's active data key with its ciphertext header. Raw bytes, because key objects cannot
 * cross threads; they stay inside this process and are never logged or stored.
 */
export type WorkerKeys = { lookupKey: Buffer; sealKey: Buffer; sealHeader: Buffer };

/** The lookup HMAC (`KeyRing.lookupHmac`) under a given key, as a synchronous function. */
export function lookupHasherOf(key: Buffer | KeyObject): (value: string) => Buffer {
  const k = key instanceof KeyObject ? key : createSecretKey(key);
  return (value) => createHmac('sha256', k).update(value, 'utf8').digest();
}

/** `KeyRing.batchSealer` for a given key and header: each value opens with `KeyRing.decrypt`. */
export function batchSealerOf(
  key: Buffer,
  header: Buffer,
): (values: readonly Buffer[]) => { bytes: Buffer; lengths: number[] } {
  const k = createSecretKey(key);
  return (values) => sealEach(k, header, values);
}
