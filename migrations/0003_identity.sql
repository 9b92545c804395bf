-- Staff sign-in: TOTP replay protection.
-- totp_last_step is the 30-second time-step of the last TOTP code accepted for this member of
-- staff; a code from that step or an earlier one is refused, so an overheard code cannot be replayed.
ALTER TABLE staff ADD COLUMN IF NOT EXISTS totp_last_step bigint;
