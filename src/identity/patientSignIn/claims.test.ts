import type { IDToken } from 'openid-client';
import { describe, expect, it } from 'vitest';
import { testNhsNumber } from '../../outbound/testSenders.js';
import { Invalid } from '../../platform/http/errors.js';
import { readSignInClaims } from './claims.js';

const idToken = (extra: Record<string, unknown> = {}): IDToken => ({
  iss: 'https://auth.login.nhs.uk',
  sub: 'b9d3f4a2-0c1e-4c55-9a8e-2f1f0d6b7e01',
  aud: 'confide',
  iat: 1_700_000_000,
  exp: 1_700_000_300,
  ...extra,
});

describe('readSignInClaims', () => {
  it("reads NHS login's claims, preferring UserInfo to the ID token", () => {
    const nhsNumber = testNhsNumber();
    const claims = readSignInClaims(idToken({ identity_proofing_level: 'P5', nhs_number: nhsNumber }), {
      sub: 'b9d3f4a2-0c1e-4c55-9a8e-2f1f0d6b7e01',
      nhs_number: nhsNumber,
      identity_proofing_level: 'P9',
      given_name: ' Grace ',
      family_name: 'Hopper',
      email: 'grace@example.com',
      email_verified: true,
      phone_number: '+447700900123',
      phone_number_verified: true,
    });
    expect(claims).toEqual({
      issuer: 'https://auth.login.nhs.uk',
      subject: 'b9d3f4a2-0c1e-4c55-9a8e-2f1f0d6b7e01',
      nhsNumber,
      identityLevel: 'P9',
      name: 'Grace Hopper',
      email: 'grace@example.com',
      phone: '+447700900123',
    });
  });

  it('works from the ID token alone, and falls back to the name claim', () => {
    const nhsNumber = testNhsNumber();
    const claims = readSignInClaims(
      idToken({ nhs_number: nhsNumber, identity_proofing_level: 'P5', name: 'G H' }),
      null,
    );
    expect(claims).toMatchObject({ nhsNumber, identityLevel: 'P5', name: 'G H', email: null, phone: null });
  });

  it('counts a missing or unknown identity level as P0, which receives nothing', () => {
    const nhsNumber = testNhsNumber();
    expect(readSignInClaims(idToken({ nhs_number: nhsNumber }), null).identityLevel).toBe('P0');
    expect(
      readSignInClaims(idToken({ nhs_number: nhsNumber, identity_proofing_level: 'P7' }), null).identityLevel,
    ).toBe('P0');
  });

  it('keeps contact details only when the provider verified them', () => {
    const claims = readSignInClaims(
      idToken({
        nhs_number: testNhsNumber(),
        email: 'unverified@example.com',
        email_verified: false,
        phone_number: '+447700900999',
      }),
      null,
    );
    expect(claims).toMatchObject({ email: null, phone: null });
  });

  it('refuses a sign-in without a valid NHS number', () => {
    const refusal = (extra: Record<string, unknown>) => {
      try {
        readSignInClaims(idToken(extra), null);
      } catch (err) {
        return err instanceof Invalid ? err.code : 'other';
      }
      return 'accepted';
    };
    expect(refusal({})).toBe('nhs_number_missing');
    expect(refusal({ nhs_number: '' })).toBe('nhs_number_missing');
    expect(refusal({ nhs_number: 9434765919 })).toBe('nhs_number_missing');
    expect(refusal({ nhs_number: '9434765918' })).toBe('nhs_number_invalid');
    expect(refusal({ nhs_number: '943 476 5919' })).toBe('nhs_number_invalid');
  });
});
