import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../platform/ids/uuidv7.js';
import { useMigratedDatabase } from '../testing/testDatabase.js';
import { chunkStatement } from './bulk.js';
import type { ChunkRows } from './chunkRows.js';

/** The stand-in lookup HMAC of patient n: what the seeded rows hold, computed the same way here. */
const hmacOf = (n: number) => createHash('sha256').update(String(n)).digest();

const PATIENTS = 20_000;

/** A chunk to patients 1..found, then to numbers nobody has; the "sealed" bytes are opaque to SQL. */
function chunk(found: number, missing: number): ChunkRows {
  const count = found + missing;
  const hmacs = Array.from({ length: count }, (_, i) => (i < found ? hmacOf(i + 1) : randomBytes(32)));
  const resource = randomBytes(64);
  return {
    ids: hmacs.map(() => uuidv7()),
    nhsHmacs: Buffer.concat(hmacs),
    requestIds: hmacs.map(() => null),
    requestHmacs: Buffer.alloc(32 * count),
    campaignIds: hmacs.map(() => null),
    sealed: { bytes: Buffer.concat(hmacs.map(() => resource)), lengths: hmacs.map(() => resource.length) },
    fallback: hmacs.map(() => null),
  };
}

describe('the chunk statement', () => {
  const database = useMigratedDatabase();
  const db = () => database().db;
  const client = { id: uuidv7(), callbackUrl: null };

  beforeAll(async () => {
    await db().query(
      `INSERT INTO patients (id, nhs_number_hmac, nhs_number_enc, identity_level, created_at)
       SELECT gen_random_uuid(), sha256(n::text::bytea), '\\x00', 'P9', now() FROM generate_series(1, $1::int) AS n`,
      [PATIENTS],
    );
    await db().exec('ANALYZE patients; ANALYZE push_subscriptions');
  });

  it("finds each message's patient through the NHS-number index, never by reading every patient", async () => {
    // A full chunk, to a service where nobody has a device yet: written as a join, the planner
    // hashed the whole patients table for every chunk, and asked about devices for each patient.
    const { text, values } = chunkStatement(client, 'in_app', null, chunk(1_500, 500), new Date());
    const { rows } = await db().query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, values);
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/Index Scan using patients_nhs_number_hmac_key on patients/);
    expect(plan).not.toMatch(/Seq Scan on patients/);
    // Once per message: not again for each place the statement reads the patient found.
    expect(plan.match(/ on patients /g)).toHaveLength(1);
  });

  it('writes found patients with a device as Delivered, without one as Unnotified, and the rest as Rejected', async () => {
    // Every tenth patient has a device.
    await db().query(
      `INSERT INTO push_subscriptions (id, patient_id, endpoint_hmac, subscription_enc, created_at, updated_at)
       SELECT gen_random_uuid(), p.id, sha256(p.id::text::bytea), '\\x00', now(), now()
       FROM patients p WHERE get_byte(p.nhs_number_hmac, 0) % 10 = 0`,
    );
    const rows = chunk(300, 100);
    const { text, values } = chunkStatement(client, 'in_app', null, rows, new Date());
    const { rows: written } = await db().query<{ id: string; status: string }>(text, values);
    const { rows: expected } = await db().query<{ status: string; n: number }>(
      `SELECT CASE WHEN p.id IS NULL THEN 'Rejected'
                   WHEN EXISTS (SELECT 1 FROM push_subscriptions s WHERE s.patient_id = p.id) THEN 'Delivered'
                   ELSE 'Unnotified' END AS status, count(*)::int AS n
       FROM unnest($1::bytea[]) AS h(hmac) LEFT JOIN patients p ON p.nhs_number_hmac = h.hmac
       GROUP BY 1`,
      [Array.from({ length: 400 }, (_, i) => rows.nhsHmacs.subarray(i * 32, (i + 1) * 32))],
    );
    const counts = (list: { status: string }[]) =>
      list.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
    expect(counts(written)).toEqual(Object.fromEntries(expected.map((r) => [r.status, r.n])));
    expect(counts(written).Delivered).toBeGreaterThan(0);
    expect(counts(written).Rejected).toBe(100);
    // Each found patient's message is theirs, and a rejected one belongs to nobody.
    const { rows: owners } = await db().query<{ found: number; rejected_with_patient: number }>(
      `SELECT count(*) FILTER (WHERE m.patient_id = p.id)::int AS found,
              count(*) FILTER (WHERE m.status = 'Rejected' AND m.patient_id IS NOT NULL)::int AS rejected_with_patient
       FROM outbound_messages m
       -- The i-th message (from 1) went to patient i's stand-in HMAC.
       LEFT JOIN patients p ON p.nhs_number_hmac = sha256(array_position($1::uuid[], m.id)::text::bytea)
       WHERE m.id = ANY($1::uuid[])`,
      [rows.ids],
    );
    expect(owners[0]).toEqual({ found: 300, rejected_with_patient: 0 });
  });
});
