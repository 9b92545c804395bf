import type { Queryable } from '../../platform/db/types.js';
import type { Deps } from '../../platform/deps.js';
import type { IdentityLevel } from '../patients.js';
import { hashSessionToken, isSessionTokenShape, newSessionToken, sessionShortId } from '../sessions.js';

export const PATIENT_SESSION_COOKIE = 'confide_patient';

/** last_seen_at is written at most this often, so reading an inbox does not write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export type PatientSession = {
  tokenHash: Buffer;
  /** Non-secret handle for the audit log. */
  id: string;
  patientId: string;
  /** The level this sign-in proved, not the patient's latest: see migrations/0009. */
  identityLevel: IdentityLevel;
};

export type PatientSessionDeps = Pick<Deps, 'db' | 'config' | 'now'>;

/** Inside the caller's transaction; the token is returned once and never stored. */
export async function createPatientSession(
  q: Queryable,
  deps: PatientSessionDeps,
  patientId: string,
  identityLevel: IdentityLevel,
): Promise<{ token: string; expiresAt: Date; id: string }> {
  const { token, tokenHash } = newSessionToken();
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + deps.config.patientSessionAbsoluteHours * 3_600_000);
  await q.query(
    `INSERT INTO patient_sessions (token_hash, patient_id, identity_level, created_at, last_seen_at, absolute_expires_at)
     VALUES ($1, $2, $3, $4, $4, $5)`,
    [tokenHash, patientId, identityLevel, now, expiresAt],
  );
  return { token, expiresAt, id: sessionShortId(tokenHash) };
}

type Row = {
  patient_id: string;
  identity_level: IdentityLevel;
  created_at: Date;
  last_seen_at: Date;
  absolute_expires_at: Date;
};

/** The live session for a cookie value; null for anything else. Times against deps.now(). */
export async function loadPatientSession(deps: PatientSessionDeps, token: string): Promise<PatientSession | null> {
  if (!isSessionTokenShape(token)) return null;
  const tokenHash = hashSessionToken(token);
  const { rows } = await deps.db.query<Row>(
    `SELECT patient_id, identity_level, created_at, last_seen_at, absolute_expires_at
     FROM patient_sessions WHERE token_hash = $1 AND revoked_at IS NULL`,
    [tokenHash],
  );
  const row = rows[0];
  if (!row) return null;
  const now = deps.now().getTime();
  const { patientSessionIdleMinutes, patientSessionAbsoluteHours } = deps.config;
  const lastSeen = new Date(row.last_seen_at).getTime();
  if (now >= new Date(row.absolute_expires_at).getTime()) return null;
  // Also against today's configuration, so shortening the limit applies to existing sessions.
  if (now >= new Date(row.created_at).getTime() + patientSessionAbsoluteHours * 3_600_000) return null;
  if (now - lastSeen > patientSessionIdleMinutes * 60_000) return null;
  if (now - lastSeen >= TOUCH_INTERVAL_MS) {
    await deps.db.query('UPDATE patient_sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $2', [
      tokenHash,
      new Date(now),
    ]);
  }
  return { tokenHash, id: sessionShortId(tokenHash), patientId: row.patient_id, identityLevel: row.identity_level };
}

/** Revokes the session a cookie value belongs to, if it is still live; returns whose it was. */
export async function revokePatientSession(
  q: Queryable,
  deps: Pick<Deps, 'now'>,
  token: string,
): Promise<{ patientId: string; id: string } | null> {
  if (!isSessionTokenShape(token)) return null;
  const tokenHash = hashSessionToken(token);
  const { rows } = await q.query<{ patient_id: string }>(
    `UPDATE patient_sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL RETURNING patient_id`,
    [tokenHash, deps.now()],
  );
  return rows[0] ? { patientId: rows[0].patient_id, id: sessionShortId(tokenHash) } : null;
}
