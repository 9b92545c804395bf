import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from 'node:crypto';

export const IV_BYTES = 12;
export const TAG_BYTES = 16;

/** AES-256-GCM: iv | tag | ciphertext. The optional aad binds the ciphertext to its header. */
export function seal(key: Buffer, plaintext: Buffer, aad?: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  if (aad) cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]);
}

/**
 * Seals many values under one key into one buffer, each as `header | iv | tag | ciphertext` with
 * the header as its aad (what `KeyRing.sealer` makes of one value). One allocation and one draw of
 * randomness for the lot: a bulk send seals tens of thousands of messages a second. Returns each
 * sealed value's length, in order.
 */
export function sealEach(
  key: KeyObject,
  header: Buffer,
  plaintexts: readonly Buffer[],
): { bytes: Buffer; lengths: number[] } {
  const overhead = header.length + IV_BYTES + TAG_BYTES;
  let total = 0;
  for (const p of plaintexts) total += overhead + p.length;
  const bytes = Buffer.allocUnsafe(total);
  const ivs = randomBytes(IV_BYTES * plaintexts.length);
  const lengths = new Array<number>(plaintexts.length);
  let at = 0;
  for (let i = 0; i < plaintexts.length; i++) {
    const p = plaintexts[i]!;
    const iv = ivs.subarray(i * IV_BYTES, (i + 1) * IV_BYTES);
    header.copy(bytes, at);
    iv.copy(bytes, at + header.length);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(header);
    const ct = cipher.update(p);
    // GCM is a stream mode: all the ciphertext comes from update, nothing from final. The buffer
    // was sized on that, so anything else is a fault to stop on, not to write past.
    if (ct.length !== p.length || cipher.final().length !== 0) throw new Error('unexpected AES-GCM output length');
    ct.copy(bytes, at + overhead);
    cipher.getAuthTag().copy(bytes, at + header.length + IV_BYTES);
    lengths[i] = overhead + p.length;
    at += lengths[i]!;
  }
  return { bytes, lengths };
}

export function open(key: Buffer, sealed: Buffer, aad?: Buffer): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}
