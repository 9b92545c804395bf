import { importJWK } from 'jose';
import { Invalid } from '../../platform/http/errors.js';
import type { PublicJwk } from './schemas.js';

/** NCSC and NHS guidance: RSA keys of at least 2048 bits. */
const MIN_MODULUS_BITS = 2048;

/**
 * Checks a client's public key before it is stored: it must import as an RSA key and be long
 * enough. The schema has already refused private key members and every algorithm but RS512.
 */
export async function checkPublicJwk(jwk: PublicJwk): Promise<void> {
  const bits = Buffer.from(jwk.n, 'base64url').length * 8;
  if (bits < MIN_MODULUS_BITS) {
    throw new Invalid(
      `Key ${jwk.kid} is ${bits} bits; RSA keys must be at least ${MIN_MODULUS_BITS} bits.`,
      'weak_key',
    );
  }
  try {
    await importJWK({ kty: jwk.kty, n: jwk.n, e: jwk.e }, 'RS512');
  } catch {
    throw new Invalid(`Key ${jwk.kid} is not a valid RSA public key.`, 'invalid_key');
  }
}

/** The members stored and later used for verification: nothing else a client sent. */
export function storedJwk(jwk: PublicJwk): { kty: 'RSA'; kid: string; n: string; e: string } {
  return { kty: jwk.kty, kid: jwk.kid, n: jwk.n, e: jwk.e };
}
