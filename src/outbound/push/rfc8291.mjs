// Web Push message encryption (RFC 8291 key derivation, RFC 8188 aes128gcm, one record).
// Plain JavaScript so that the encryption workers load it with no TypeScript loader; the types
// are in rfc8291.d.mts. The same steps web-push takes, without its per-call checks and
// conversions. Where the native addon (native/p256-ecdh) was built, it makes the key pair and
// ECDH (at about half node:crypto's CPU) and the key derivation and seal (at about a third);
// else node:crypto does every step.
import { Buffer } from 'node:buffer';
import { createCipheriv, createECDH, createHmac, getFips, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

/** The record size written in the header: larger than any payload, so there is one record. */
const RECORD_SIZE = 4096;
const KEY_BYTES = 65;
const AUTH_BYTES = 16;
const SALT_BYTES = 16;
const TAG_BYTES = 16;
const HEADER_BYTES = SALT_BYTES + 4 + 1 + KEY_BYTES;
/** A payload that fits in the one record with its delimiter and tag. */
export const MAX_PLAINTEXT_BYTES = RECORD_SIZE - HEADER_BYTES - 1 - TAG_BYTES;

const KEY_INFO = Buffer.from('WebPush: info\0', 'latin1');
// HKDF-Expand to at most one hash length is one HMAC over info || 0x01.
const CEK_INFO = Buffer.from('Content-Encoding: aes128gcm\0\x01', 'latin1');
const NONCE_INFO = Buffer.from('Content-Encoding: nonce\0\x01', 'latin1');
const ONE = Buffer.from([1]);
const LAST_RECORD = Buffer.from([2]);

const hmac = (key, ...parts) => {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest();
};

/** Salts are cut from one draw of random bytes at a time: one call for many messages. */
const SALT_DRAW = SALT_BYTES * 256;
let salts = Buffer.alloc(0);
let saltAt = 0;
function nextSalt() {
  if (saltAt === salts.length) {
    // A fresh buffer each draw, never written again: every salt handed out stays as it was.
    salts = randomBytes(SALT_DRAW);
    saltAt = 0;
  }
  return salts.subarray(saltAt, (saltAt += SALT_BYTES));
}

// One ECDH object per thread, a new key pair generated in it for each message: making the object
// (the curve's set-up) cost about a tenth of a message's encryption.
let sender = null;

/** A new key pair and its ECDH with the browser's key, by node:crypto: [sender public key, secret]. */
function nodeEcdh(uaPublic) {
  sender ??= createECDH('prime256v1');
  // generateKeys replaces the key pair and answers the new public key; computeSecret checks that
  // the browser's key is a point on the curve.
  const senderPublic = sender.generateKeys();
  return [senderPublic, sender.computeSecret(uaPublic)];
}

/** The same through the native addon, which checks the browser's key itself (see its source). */
function nativeEcdhOf(addon) {
  return (uaPublic) => {
    const senderPublic = Buffer.allocUnsafe(KEY_BYTES);
    const secret = Buffer.allocUnsafe(32);
    if (!addon.ephemeralEcdh(uaPublic, senderPublic, secret)) throw new Error('p256dh is not a point on P-256');
    return [senderPublic, secret];
  };
}

/** The rest of the encryption (key derivation and the record's seal) through the addon. */
function nativeSealOf(addon) {
  return (senderPublic, secret, salt, uaPublic, authSecret, plaintext) => {
    const out = Buffer.allocUnsafe(HEADER_BYTES + plaintext.length + 1 + TAG_BYTES);
    let sealed;
    try {
      sealed = addon.sealRecord(secret, salt, uaPublic, senderPublic, authSecret, plaintext, out);
    } finally {
      // The shared secret is not kept; the addon wiped everything it derived from it.
      secret.fill(0);
    }
    if (!sealed) throw new Error('the push payload could not be sealed');
    return out;
  };
}

/**
 * The addon if it was built and agrees with node:crypto: its ECDH on a fresh key, its refusal of a
 * point off the curve, and its seal of a message to the byte. Anything else (not built, built for
 * another Node.js, or wrong) leaves node:crypto doing all the work. Never in FIPS mode, whose
 * provider the addon's calls would go around.
 */
function loadNative() {
  if (getFips() === 1) return null;
  let addon;
  try {
    addon = createRequire(import.meta.url)('../../../native/p256-ecdh/index.cjs');
  } catch {
    return null;
  }
  try {
    const ecdh = nativeEcdhOf(addon);
    const browser = createECDH('prime256v1');
    const uaPublic = browser.generateKeys();
    const [senderPublic, secret] = ecdh(uaPublic);
    if (!browser.computeSecret(senderPublic).equals(secret)) return null;
    const offCurve = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]);
    if (addon.ephemeralEcdh(offCurve, Buffer.alloc(KEY_BYTES), Buffer.alloc(32)) !== false) return null;
    const seal = nativeSealOf(addon);
    const [salt, auth, plaintext] = [randomBytes(SALT_BYTES), randomBytes(AUTH_BYTES), randomBytes(100)];
    const expected = nodeSeal(senderPublic, Buffer.from(secret), salt, uaPublic, auth, plaintext);
    return seal(senderPublic, secret, salt, uaPublic, auth, plaintext).equals(expected) ? { ecdh, seal } : null;
  } catch {
    return null;
  }
}

const native = loadNative();

/** Which implementation makes each message's key pair, ECDH and seal: 'native' or 'node'. */
export const ECDH_IMPLEMENTATION = native ? 'native' : 'node';
/** Each implementation this process has, for tests that run both. */
export const ecdhImplementations = { node: nodeEcdh, ...(native ? { native: native.ecdh } : {}) };
export const sealImplementations = { node: nodeSeal, ...(native ? { native: native.seal } : {}) };

/**
 * Encrypts a payload to a browser's push subscription keys (p256dh: its P-256 public key, 65
 * bytes uncompressed; auth: its 16-byte secret) with a new key pair and salt for this message,
 * as RFC 8291 requires. Throws on keys of the wrong form or a payload too large for one record.
 */
export function encryptPush(
  uaPublic,
  authSecret,
  plaintext,
  ecdh = native?.ecdh ?? nodeEcdh,
  seal = native?.seal ?? nodeSeal,
) {
  checkInputs(uaPublic, authSecret, plaintext);
  const [senderPublic, secret] = ecdh(uaPublic);
  return seal(senderPublic, secret, nextSalt(), uaPublic, authSecret, plaintext);
}

/** encryptPush with the sender's key pair and salt given: for the RFC's published example. */
export function encryptWith(keys, salt, uaPublic, authSecret, plaintext, seal = native?.seal ?? nodeSeal) {
  checkInputs(uaPublic, authSecret, plaintext);
  if (salt.length !== SALT_BYTES) throw new Error(`the salt is not ${SALT_BYTES} bytes`);
  return seal(keys.getPublicKey(), keys.computeSecret(uaPublic), salt, uaPublic, authSecret, plaintext);
}

function checkInputs(uaPublic, authSecret, plaintext) {
  if (uaPublic.length !== KEY_BYTES || uaPublic[0] !== 4) throw new Error('p256dh is not an uncompressed P-256 key');
  if (authSecret.length !== AUTH_BYTES) throw new Error(`auth is not ${AUTH_BYTES} bytes`);
  if (plaintext.length > MAX_PLAINTEXT_BYTES) throw new Error('the payload does not fit in one record');
}

/** The key derivation and the record's seal by node:crypto. */
function nodeSeal(senderPublic, secret, salt, uaPublic, authSecret, plaintext) {
  const prkKey = hmac(authSecret, secret);
  const ikm = hmac(prkKey, KEY_INFO, uaPublic, senderPublic, ONE);
  const prk = hmac(salt, ikm);
  const cekFull = hmac(prk, CEK_INFO);
  const nonceFull = hmac(prk, NONCE_INFO);
  const cek = cekFull.subarray(0, 16);
  const nonce = nonceFull.subarray(0, 12);
  const out = Buffer.allocUnsafe(HEADER_BYTES + plaintext.length + 1 + TAG_BYTES);
  salt.copy(out, 0);
  out.writeUInt32BE(RECORD_SIZE, SALT_BYTES);
  out[SALT_BYTES + 4] = KEY_BYTES;
  senderPublic.copy(out, SALT_BYTES + 5);
  const cipher = createCipheriv('aes-128-gcm', cek, nonce);
  let at = HEADER_BYTES;
  at += cipher.update(plaintext).copy(out, at);
  at += cipher.update(LAST_RECORD).copy(out, at);
  at += cipher.final().copy(out, at);
  cipher.getAuthTag().copy(out, at);
  // This message's keys are not kept: the shared secret and everything derived from it.
  for (const key of [secret, prkKey, ikm, prk, cekFull, nonceFull]) key.fill(0);
  return out;
}
