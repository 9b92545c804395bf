import type { ECDH } from 'node:crypto';

/** A new sender key pair and its ECDH with the browser's public key: [sender public key, secret]. */
export type EphemeralEcdh = (uaPublic: Buffer) => [Buffer, Buffer];
/** RFC 8291's key derivation and the one aes128gcm record: the whole message. Wipes the secret. */
export type SealRecord = (
  senderPublic: Buffer,
  secret: Buffer,
  salt: Buffer,
  uaPublic: Buffer,
  authSecret: Buffer,
  plaintext: Buffer,
) => Buffer;

export declare const MAX_PLAINTEXT_BYTES: number;
export declare const ECDH_IMPLEMENTATION: 'native' | 'node';
export declare const ecdhImplementations: { node: EphemeralEcdh; native?: EphemeralEcdh };
export declare const sealImplementations: { node: SealRecord; native?: SealRecord };
export declare function encryptPush(
  uaPublic: Buffer,
  authSecret: Buffer,
  plaintext: Buffer,
  ecdh?: EphemeralEcdh,
  seal?: SealRecord,
): Buffer;
export declare function encryptWith(
  sender: ECDH,
  salt: Buffer,
  uaPublic: Buffer,
  authSecret: Buffer,
  plaintext: Buffer,
  seal?: SealRecord,
): Buffer;
