import { Secret, TOTP } from 'otpauth';

/** RFC 6238 defaults, which every authenticator app supports. */
const PERIOD_SECONDS = 30;
const DIGITS = 6;
/** One step either side allows for clock drift and a code typed as it changes. */
const WINDOW = 1;
const ISSUER = 'Confide';

function totpFor(secretBase32: string, label = 'staff'): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: DIGITS,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** A fresh 160-bit secret (RFC 4226's recommended length) and the URL an authenticator app scans. */
export function newTotpSecret(label: string): { secret: string; otpauthUrl: string } {
  const secret = new Secret({ size: 20 }).base32;
  return { secret, otpauthUrl: totpFor(secret, label).toString() };
}

/**
 * The time-step the code belongs to, or null when it is not valid now. Callers refuse a step at
 * or before the last one accepted, which stops replay of a code within its lifetime.
 */
export function totpStep(secretBase32: string, code: string, now: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const timestamp = now.getTime();
  const delta = totpFor(secretBase32).validate({ token: code, timestamp, window: WINDOW });
  if (delta === null) return null;
  return Math.floor(timestamp / 1000 / PERIOD_SECONDS) + delta;
}

/** For tests and tooling: the code an authenticator app would show at `now`. */
export function totpCode(secretBase32: string, now: Date): string {
  return totpFor(secretBase32).generate({ timestamp: now.getTime() });
}
