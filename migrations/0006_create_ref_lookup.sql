-- A retried start is looked up by its client reference across the organisation (it may have been
-- transferred to another service since), which the (service_id, create_ref) constraint cannot serve.
CREATE INDEX IF NOT EXISTS conversations_by_create_ref ON conversations (create_ref);
