import type { IDToken, UserInfoResponse } from 'openid-client';
import { isValidNhsNumber } from '../../outbound/nhsNumber.js';
import { Invalid } from '../../platform/http/errors.js';
import type { IdentityLevel } from '../patients.js';

/** What a sign-in tells us about the person, checked and trimmed; never logged. */
export type SignInClaims = {
  issuer: string;
  subject: string;
  nhsNumber: string;
  identityLevel: IdentityLevel;
  name: string | null;
  email: string | null;
  phone: string | null;
};

const LEVELS = new Set<string>(['P0', 'P5', 'P9']);

function text(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' || trimmed.length > max ? null : trimmed;
}

/**
 * A contact detail is kept only when the provider says it verified it: these addresses receive
 * fallback messages, and an unverified one may belong to somebody else.
 */
function verified(claims: Record<string, unknown>, name: string, flag: string, max: number): string | null {
  return claims[flag] === true ? text(claims[name], max) : null;
}

/**
 * Reads NHS login's claims (any OpenID Connect provider sending the same names works). The
 * UserInfo answer, when there is one, is newer than the ID token and wins; openid-client has
 * already checked that both name the same subject. A missing or unknown identity_proofing_level
 * counts as P0, the level that never receives messages.
 */
export function readSignInClaims(idToken: IDToken, userinfo: UserInfoResponse | null): SignInClaims {
  const claims: Record<string, unknown> = { ...idToken, ...(userinfo ?? {}) };
  const nhsNumber = text(claims.nhs_number, 20);
  if (nhsNumber === null) {
    throw new Invalid(
      'Your NHS login did not share your NHS number, so you cannot sign in here.',
      'nhs_number_missing',
    );
  }
  if (!isValidNhsNumber(nhsNumber)) {
    throw new Invalid('The NHS number from your NHS login is not valid.', 'nhs_number_invalid');
  }
  const level = claims.identity_proofing_level;
  const names = [text(claims.given_name, 100), text(claims.family_name, 100)].filter((n) => n !== null);
  return {
    issuer: idToken.iss,
    subject: idToken.sub,
    nhsNumber,
    identityLevel: typeof level === 'string' && LEVELS.has(level) ? (level as IdentityLevel) : 'P0',
    name: names.length > 0 ? names.join(' ') : text(claims.name, 200),
    email: verified(claims, 'email', 'email_verified', 254),
    phone: verified(claims, 'phone_number', 'phone_number_verified', 32),
  };
}
