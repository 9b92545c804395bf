-- People who receive outbound messages, identified by NHS number. The number is stored sealed
-- (with the platform data key) and found through its keyed HMAC; only identity level P9 (NHS
-- login's high level) receives messages addressed by NHS number.
CREATE TABLE patients (
  id uuid PRIMARY KEY,
  nhs_number_hmac bytea NOT NULL UNIQUE,
  nhs_number_enc bytea NOT NULL,
  identity_level text NOT NULL CHECK (identity_level IN ('P0', 'P5', 'P9')),
  name_enc bytea,
  email_enc bytea,
  phone_enc bytea,
  created_at timestamptz NOT NULL
);

-- One row per CommunicationRequest accepted: its id is the nhs-app-communication-id. The
-- resource as answered (recipient, content, identifiers) is sealed with the sending client's
-- organisation key; a retry with the same request-id is answered from it.
CREATE TABLE outbound_messages (
  id uuid PRIMARY KEY,
  client_id uuid NOT NULL REFERENCES api_clients (id),
  channel text NOT NULL CHECK (channel IN ('in_app', 'notification')),
  -- Null when no P9 patient has this NHS number: the message was rejected.
  patient_id uuid REFERENCES patients (id),
  request_id text,
  -- Keyed HMAC of the request, so a reused request-id with another body is recognised.
  request_hmac bytea,
  campaign_id text,
  resource_enc bytea NOT NULL,
  status text NOT NULL,
  -- The Bundle a message arrived in, so the audit entry of a bulk send names its messages.
  bundle_id uuid,
  created_at timestamptz NOT NULL,
  read_at timestamptz,
  UNIQUE (client_id, request_id)
);
CREATE INDEX outbound_messages_inbox ON outbound_messages (patient_id, created_at DESC) WHERE patient_id IS NOT NULL;
CREATE INDEX outbound_messages_by_campaign ON outbound_messages (client_id, campaign_id) WHERE campaign_id IS NOT NULL;

-- Receipts (FHIR Task): each status of a message, once. The receipt report pages through a
-- client's receipts of one day in (at, id) order.
CREATE TABLE outbound_receipts (
  id uuid PRIMARY KEY,
  message_id uuid NOT NULL REFERENCES outbound_messages (id),
  client_id uuid NOT NULL REFERENCES api_clients (id),
  code text NOT NULL CHECK (code IN ('Rejected', 'Delivered', 'NotificationAttempted', 'Notified', 'Unnotified', 'Read')),
  reason text,
  at timestamptz NOT NULL,
  UNIQUE (message_id, code)
);
CREATE INDEX outbound_receipts_report ON outbound_receipts (client_id, at, id);
