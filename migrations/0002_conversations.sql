-- Confidential conversations between service users and a service's clinical team.

CREATE TABLE conversations (
  id uuid PRIMARY KEY,
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  service_id uuid NOT NULL REFERENCES services (id),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  assigned_to uuid REFERENCES staff (id),
  display_name_enc bytea,
  age_range text,
  school_enc bytea,
  -- Only hashes of the service user's credentials: the resume token (SHA-256, high entropy)
  -- and the short resume code (keyed HMAC, throttled).
  access_code_hmac bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_message_at timestamptz NOT NULL DEFAULT now(),
  -- Oldest service-user message not yet answered by staff; null when the team has replied.
  waiting_since timestamptz,
  response_due_at timestamptz,
  last_seq integer NOT NULL DEFAULT 0,
  ended_by_user_at timestamptz,
  out_of_hours_period_start timestamptz,
  closed_at timestamptz,
  closed_by uuid REFERENCES staff (id),
  outcome text,
  recorded_in_clinical_record boolean,
  -- Idempotent start: the client's reference and a keyed hash of what it sent.
  create_ref text,
  create_hash bytea,
  UNIQUE (service_id, create_ref)
);
CREATE INDEX conversations_queue ON conversations (service_id, status, waiting_since);
CREATE INDEX conversations_assigned ON conversations (assigned_to, status);

CREATE TABLE conversation_tokens (
  token_hash bytea PRIMARY KEY,
  conversation_id uuid NOT NULL REFERENCES conversations (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversation_tokens_by_conversation ON conversation_tokens (conversation_id);

-- kind: message (visible to both sides), note (staff only), auto_ack / out_of_hours (system
-- replies shown to the service user), event (assignment, transfer, closure; staff only).
CREATE TABLE messages (
  id uuid PRIMARY KEY,
  conversation_id uuid NOT NULL REFERENCES conversations (id),
  seq integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('message', 'note', 'auto_ack', 'out_of_hours', 'event')),
  author_kind text NOT NULL CHECK (author_kind IN ('service_user', 'staff', 'system')),
  author_staff_id uuid REFERENCES staff (id),
  body_enc bytea NOT NULL,
  client_ref text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (conversation_id, seq),
  UNIQUE (conversation_id, client_ref)
);

CREATE TABLE conversation_reads (
  conversation_id uuid NOT NULL REFERENCES conversations (id),
  staff_id uuid NOT NULL REFERENCES staff (id),
  last_read_seq integer NOT NULL,
  PRIMARY KEY (conversation_id, staff_id)
);
