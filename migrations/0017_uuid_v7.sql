-- Time-ordered ids (UUID version 7, RFC 9562) for rows written in bulk by SQL (receipts): the
-- millisecond time of `at`, then gen_random_uuid()'s random bits with the version set to 7 (its
-- variant bits are already right). Keys written together are neighbours, so the indexes they
-- lead grow at their right-hand edge rather than at a random page per row.
CREATE OR REPLACE FUNCTION uuid_v7(at timestamptz) RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT encode(
    set_bit(set_bit(
      overlay(uuid_send(gen_random_uuid())
        PLACING substring(int8send(floor(extract(epoch FROM at) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
      52, 1), 53, 1),
    'hex')::uuid
$$;
