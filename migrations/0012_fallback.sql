-- Fallback to SMS or email through GOV.UK Notify when an in-app message is not notified or not
-- read in time. Each client names its own Notify templates.
ALTER TABLE api_clients ADD COLUMN IF NOT EXISTS notify_sms_template_id uuid;
ALTER TABLE api_clients ADD COLUMN IF NOT EXISTS notify_email_template_id uuid;

-- The caller's own windows (seconds), or none to use the defaults (1 hour not notified, 24 hours
-- unread, 4 hours when time-sensitive); fallback_off when the caller asked for no fallback.
ALTER TABLE outbound_messages ADD COLUMN IF NOT EXISTS fallback_not_notified_s integer;
ALTER TABLE outbound_messages ADD COLUMN IF NOT EXISTS fallback_unread_s integer;
ALTER TABLE outbound_messages ADD COLUMN IF NOT EXISTS fallback_off boolean NOT NULL DEFAULT false;
CREATE INDEX IF NOT EXISTS outbound_messages_fallback_scan ON outbound_messages (created_at)
  WHERE patient_id IS NOT NULL AND channel = 'in_app' AND read_at IS NULL;

-- One row per message that needed a fallback: its primary key is what makes it once only. A row
-- left 'claimed' by a worker that died is taken again after a lease, and Notify is asked by
-- reference whether the first attempt got through before anything is sent again.
CREATE TABLE IF NOT EXISTS outbound_fallbacks (
  message_id uuid PRIMARY KEY REFERENCES outbound_messages (id),
  state text NOT NULL CHECK (state IN ('claimed', 'sent', 'no_channel', 'failed')),
  reason text NOT NULL CHECK (reason IN ('not_notified', 'unread')),
  attempts integer NOT NULL DEFAULT 1,
  claimed_at timestamptz NOT NULL,
  channel text CHECK (channel IN ('sms', 'email')),
  notify_id text,
  notify_status text,
  sent_at timestamptz,
  last_error text
);
CREATE INDEX IF NOT EXISTS outbound_fallbacks_claimed ON outbound_fallbacks (claimed_at) WHERE state = 'claimed';
