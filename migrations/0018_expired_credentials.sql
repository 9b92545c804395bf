-- Expired sign-in sessions (staff and patient) are swept a day after their absolute expiry
-- (src/identity/expiredCredentials.ts); these indexes let the sweep find them without a scan.
CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions (absolute_expires_at);
CREATE INDEX IF NOT EXISTS patient_sessions_by_expiry ON patient_sessions (absolute_expires_at);
