-- Sending systems of the outbound messaging API. Each belongs to the organisation whose admin
-- registered it and sends as one sending organisation (its own ODS code and name).
CREATE TABLE api_clients (
  id uuid PRIMARY KEY,
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  -- The public identifier a client puts in its assertions' iss and sub; not a secret.
  api_key text NOT NULL UNIQUE,
  name text NOT NULL,
  ods_code text NOT NULL,
  allowed_link_domains text[] NOT NULL DEFAULT '{}',
  rate_limit_per_minute integer NOT NULL CHECK (rate_limit_per_minute > 0),
  callback_url text,
  -- Signs receipt callbacks; sealed with the organisation's data key.
  callback_secret_enc bytea,
  created_at timestamptz NOT NULL,
  created_by uuid NOT NULL REFERENCES staff (id),
  disabled_at timestamptz,
  -- Access tokens issued before this are refused: set when a key is revoked, so a token obtained
  -- with a leaked key dies with the key.
  tokens_valid_after timestamptz
);
CREATE INDEX api_clients_by_organisation ON api_clients (organisation_id);

-- Public keys only (RSA, for RS512 client assertions), one row per kid.
CREATE TABLE api_client_keys (
  client_id uuid NOT NULL REFERENCES api_clients (id),
  kid text NOT NULL,
  public_jwk jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz,
  PRIMARY KEY (client_id, kid)
);

-- Each assertion's jti is accepted once; rows are kept until the assertion would have expired.
CREATE TABLE api_assertion_jtis (
  client_id uuid NOT NULL REFERENCES api_clients (id),
  jti text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (client_id, jti)
);
CREATE INDEX api_assertion_jtis_by_expiry ON api_assertion_jtis (expires_at);
