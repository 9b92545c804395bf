-- Receipts to post to the client's callback URL: one row per receipt, retried with backoff until
-- delivered or given up. A claimed row's next_attempt_at is pushed past a lease first, so a
-- worker that dies mid-delivery leaves it due again rather than lost or sent twice at once.
CREATE TABLE outbound_callbacks (
  receipt_id uuid PRIMARY KEY REFERENCES outbound_receipts (id),
  client_id uuid NOT NULL REFERENCES api_clients (id),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  delivered_at timestamptz,
  given_up_at timestamptz,
  last_status integer,
  created_at timestamptz NOT NULL
);
CREATE INDEX outbound_callbacks_due ON outbound_callbacks (next_attempt_at)
  WHERE delivered_at IS NULL AND given_up_at IS NULL;
