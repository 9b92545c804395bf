-- The fallback's channel status, as GOV.UK Notify reports it. notify_status is the latest status
-- seen and notify_status_at when Confide first saw it; status_check_at is when Notify is next to be
-- asked (null once the status is final, or the fallback is too old to watch). A worker claims a
-- due row by moving status_check_at a lease ahead, so concurrent workers never ask twice and a
-- worker that dies leaves its rows to be asked again when the lease ends. Only the status word is
-- kept: never what Notify says of the text or the recipient.
ALTER TABLE outbound_fallbacks ADD COLUMN IF NOT EXISTS notify_status_at timestamptz;
ALTER TABLE outbound_fallbacks ADD COLUMN IF NOT EXISTS status_check_at timestamptz;
CREATE INDEX IF NOT EXISTS outbound_fallbacks_status_check ON outbound_fallbacks (status_check_at)
  WHERE status_check_at IS NOT NULL;
-- Fallbacks sent before this migration: their status was 'created' when sent. Those still in
-- progress are asked about at once; the job stops watching any that are already too old.
UPDATE outbound_fallbacks SET notify_status_at = sent_at WHERE state = 'sent' AND notify_status_at IS NULL;
UPDATE outbound_fallbacks SET status_check_at = sent_at
  WHERE state = 'sent' AND notify_id IS NOT NULL AND notify_status IN ('created', 'sending', 'pending');

-- Notification-only messages (push alone, never in an inbox) get the not-notified fallback too,
-- so the scan's partial index takes both channels. read_at stays null on a notification, so the
-- index holds every notification to a patient; a message whose sender turned the fallback off
-- is left out of it altogether.
DROP INDEX IF EXISTS outbound_messages_fallback_scan;
CREATE INDEX IF NOT EXISTS outbound_messages_fallback_due ON outbound_messages (created_at)
  WHERE patient_id IS NOT NULL AND read_at IS NULL AND NOT fallback_off;
