-- Foundation: organisations, services and calendars, encryption keys, audit chain, staff and sessions.
-- Columns ending _enc hold AES-256-GCM ciphertext under the organisation's data key;
-- columns ending _hmac hold a keyed HMAC used for exact-match lookups without storing plaintext.

CREATE TABLE organisations (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  ods_code text NOT NULL UNIQUE,
  require_mfa boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Data keys are wrapped by the master key; scope is an organisation id or 'platform'
-- (the platform key covers lookups that happen before the organisation is known, e.g. sign-in).
CREATE TABLE data_keys (
  id uuid PRIMARY KEY,
  scope text NOT NULL,
  wrapped_key bytea NOT NULL,
  master_key_id text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  rewrapped_at timestamptz
);
CREATE UNIQUE INDEX data_keys_one_active_per_scope ON data_keys (scope) WHERE active;

CREATE TABLE services (
  id uuid PRIMARY KEY,
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  slug text NOT NULL UNIQUE,
  name text NOT NULL,
  audience text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  contact_promise text NOT NULL DEFAULT 'We reply within one working day.',
  nation text NOT NULL DEFAULT 'england-and-wales'
    CHECK (nation IN ('england-and-wales', 'scotland', 'northern-ireland')),
  asks_first_name boolean NOT NULL DEFAULT true,
  asks_age_range boolean NOT NULL DEFAULT false,
  asks_school boolean NOT NULL DEFAULT false,
  age_ranges text[] NOT NULL DEFAULT ARRAY['11-13', '14-16', '17-19']::text[],
  outcomes text[] NOT NULL DEFAULT ARRAY[
    'Advice given', 'Signposted', 'Referred', 'Safeguarding referral', 'No response needed'
  ]::text[],
  welcome_message text NOT NULL,
  out_of_hours_message text NOT NULL,
  response_target_working_hours numeric NOT NULL DEFAULT 8,
  weekly_hours jsonb NOT NULL DEFAULT '[]'::jsonb,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX services_by_organisation ON services (organisation_id);

CREATE TABLE service_closures (
  id uuid PRIMARY KEY,
  service_id uuid NOT NULL REFERENCES services (id),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  reason text NOT NULL DEFAULT '',
  CHECK (ends_at > starts_at)
);
CREATE INDEX service_closures_by_service ON service_closures (service_id, ends_at);

CREATE TABLE staff (
  id uuid PRIMARY KEY,
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  email_hmac bytea NOT NULL UNIQUE,
  email_enc bytea NOT NULL,
  name_enc bytea NOT NULL,
  password_hash text,
  totp_secret_enc bytea,
  totp_enabled boolean NOT NULL DEFAULT false,
  is_org_admin boolean NOT NULL DEFAULT false,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staff_by_organisation ON staff (organisation_id);

CREATE TABLE memberships (
  staff_id uuid NOT NULL REFERENCES staff (id),
  service_id uuid NOT NULL REFERENCES services (id),
  role text NOT NULL CHECK (role IN ('clinician', 'supervisor', 'service_admin')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (staff_id, service_id)
);
CREATE INDEX memberships_by_service ON memberships (service_id);

-- The cookie holds a random token; only its SHA-256 is stored, so a database read yields no session.
CREATE TABLE sessions (
  token_hash bytea PRIMARY KEY,
  staff_id uuid NOT NULL REFERENCES staff (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  absolute_expires_at timestamptz NOT NULL,
  mfa_passed boolean NOT NULL DEFAULT false,
  revoked_at timestamptz
);
CREATE INDEX sessions_by_staff ON sessions (staff_id);

-- Hash-chained audit log: one chain per organisation plus 'platform'. audit_heads holds each
-- chain's tip so that deleting the newest entries is detected as well as editing any entry.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  chain text NOT NULL,
  position bigint NOT NULL,
  at timestamptz NOT NULL,
  actor_kind text NOT NULL,
  actor_id text,
  action text NOT NULL,
  target_kind text,
  target_id text,
  ip text,
  reason text,
  prev_hash bytea NOT NULL,
  hash bytea NOT NULL,
  UNIQUE (chain, position)
);
CREATE INDEX audit_log_by_target ON audit_log (target_kind, target_id);

CREATE TABLE audit_heads (
  chain text PRIMARY KEY,
  position bigint NOT NULL,
  hash bytea NOT NULL
);
