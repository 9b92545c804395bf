-- Appends entries to one audit chain inside the statement that makes the change they record, so a
-- batch of writes and its audit trail commit together in a single round trip. The hashes are the
-- ones a one-by-one append computes: HMAC-SHA-256 over the previous hash and the entry's canonical
-- bytes (built by the application, which also passes the HMAC key's inner and outer pads, as the
-- single-entry append does). The chain head is locked, so concurrent writers of one chain queue.
CREATE OR REPLACE FUNCTION audit_append_batch(
  p_chain text, p_ipad bytea, p_opad bytea, p_at timestamptz, p_actor_kind text, p_actor_id text,
  p_action text, p_target_kind text, p_target_ids text[], p_ips text[], p_canonical bytea[]
) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  n integer := coalesce(array_length(p_canonical, 1), 0);
  start_position bigint;
  prev bytea;
  before bytea;
  hashes bytea[] := ARRAY[]::bytea[];
  prevs bytea[] := ARRAY[]::bytea[];
BEGIN
  IF n = 0 THEN
    RETURN 0;
  END IF;
  INSERT INTO audit_heads (chain, position, prev_hash, hash)
  VALUES (p_chain, 0, decode(repeat('00', 32), 'hex'), decode(repeat('00', 32), 'hex'))
  ON CONFLICT (chain) DO NOTHING;
  SELECT position, hash INTO start_position, prev FROM audit_heads WHERE chain = p_chain FOR UPDATE;
  FOR i IN 1..n LOOP
    prevs := prevs || prev;
    before := prev;
    prev := sha256(p_opad || sha256(p_ipad || prev || p_canonical[i]));
    hashes := hashes || prev;
  END LOOP;
  INSERT INTO audit_log (chain, position, at, actor_kind, actor_id, action, target_kind, target_id, ip, reason, prev_hash, hash)
  SELECT p_chain, start_position + t.i, p_at, p_actor_kind, p_actor_id, p_action, p_target_kind, t.target_id, t.ip, NULL,
    t.prev_hash, t.hash
  FROM unnest(p_target_ids, p_ips, prevs, hashes) WITH ORDINALITY AS t(target_id, ip, prev_hash, hash, i);
  UPDATE audit_heads SET position = start_position + n, prev_hash = before, hash = prev WHERE chain = p_chain;
  RETURN n;
END
$$;
