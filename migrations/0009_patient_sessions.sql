-- Patient sign-in with NHS login (or any OpenID Connect provider).

-- The provider's account (issuer and subject) as a keyed HMAC, never in clear: a patient is found
-- by NHS number, and this records which sign-in account they last came with.
ALTER TABLE patients ADD COLUMN IF NOT EXISTS oidc_subject_hmac bytea UNIQUE;

-- A sign-in between leaving for the provider and coming back: PKCE verifier, state and nonce are
-- kept here, found by the SHA-256 of a random value in a short-lived cookie, and deleted on the
-- first callback that presents it, whatever its outcome.
CREATE TABLE IF NOT EXISTS patient_sign_in_attempts (
  handle_hash bytea PRIMARY KEY,
  state text NOT NULL,
  nonce text NOT NULL,
  code_verifier text NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS patient_sign_in_attempts_expiry ON patient_sign_in_attempts (expires_at);

-- Signed-in patients, as staff sessions: only the SHA-256 of the cookie's token is stored. The
-- identity level is the one this sign-in proved, so a session never gains rights that a later
-- sign-in (perhaps by someone else claiming the same NHS number) proved.
CREATE TABLE IF NOT EXISTS patient_sessions (
  token_hash bytea PRIMARY KEY,
  patient_id uuid NOT NULL REFERENCES patients (id),
  identity_level text NOT NULL CHECK (identity_level IN ('P0', 'P5', 'P9')),
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  absolute_expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX IF NOT EXISTS patient_sessions_by_patient ON patient_sessions (patient_id);
