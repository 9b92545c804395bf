import type { ECDH } from 'node:crypto';

export declare const MAX_PLAINTEXT_BYTES: number;
export declare function encryptPush(uaPublic: Buffer, authSecret: Buffer, plaintext: Buffer): Buffer;
export declare function encryptWith(
  sender: ECDH,
  salt: Buffer,
  uaPublic: Buffer,
  authSecret: Buffer,
  plaintext: Buffer,
): Buffer;
