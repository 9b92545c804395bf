import { createHash, randomBytes } from 'node:crypto';
import { asBuffer, type Queryable } from '../platform/db/types.js';
import type { Deps } from '../platform/deps.js';
import type { Role, StaffContext } from './staffContext.js';

export const SESSION_COOKIE = 'confide_session';

/** A password-only session waiting for its code is short-lived: it is only half a sign-in. */
export const MFA_PENDING_MAX_MINUTES = 10;

/** last_seen_at is written at most this often, so an active console does not write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Cookie values that cannot be a token are refused before any hashing or query. */
export function isSessionTokenShape(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

/**
 * full: may use every staff route its roles allow.
 * mfa_pending: password accepted, TOTP code still owed (only /api/staff/login/mfa and logout).
 * mfa_setup: the organisation requires MFA and this person has none yet (set-up, me, logout).
 */
export type SessionStage = 'full' | 'mfa_pending' | 'mfa_setup';

export type StaffSession = {
  tokenHash: Buffer;
  /** Non-secret handle shown in the session list. */
  id: string;
  staffId: string;
  organisationId: string;
  stage: SessionStage;
  context: StaffContext;
};

export type SessionDeps = Pick<Deps, 'db' | 'config' | 'now'>;

export function newSessionToken(): { token: string; tokenHash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashSessionToken(token) };
}

export function hashSessionToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * The first 64 bits of the stored hash: enough to tell one person's sessions apart, and useless
 * as a credential because the cookie must be the hash's preimage.
 */
export function sessionShortId(tokenHash: Buffer): string {
  return tokenHash.subarray(0, 8).toString('hex');
}

type SessionRow = {
  staff_id: string;
  created_at: Date;
  last_seen_at: Date;
  absolute_expires_at: Date;
  mfa_passed: boolean;
  organisation_id: string;
  is_org_admin: boolean;
  totp_enabled: boolean;
  require_mfa: boolean;
  roles: [string, Role][] | string;
};

/**
 * Session, staff, organisation and roles in one round trip: this runs for every signed-in
 * request. Revocation and disabled accounts are decided in SQL; times against deps.now().
 */
const LOAD_SESSION_SQL = `
  SELECT s.staff_id, s.created_at, s.last_seen_at, s.absolute_expires_at, s.mfa_passed,
         st.organisation_id, st.is_org_admin, st.totp_enabled, o.require_mfa,
         (SELECT coalesce(json_agg(json_build_array(m.service_id, m.role)), '[]'::json)
            FROM memberships m WHERE m.staff_id = s.staff_id) AS roles
  FROM sessions s
  JOIN staff st ON st.id = s.staff_id AND NOT st.disabled
  JOIN organisations o ON o.id = st.organisation_id
  WHERE s.token_hash = $1 AND s.revoked_at IS NULL`;

function stageOf(row: Pick<SessionRow, 'mfa_passed' | 'totp_enabled' | 'require_mfa'>): SessionStage {
  if (row.mfa_passed) return 'full';
  if (row.totp_enabled) return 'mfa_pending';
  return row.require_mfa ? 'mfa_setup' : 'full';
}

function expired(row: SessionRow, stage: SessionStage, deps: SessionDeps, now: number): boolean {
  const { sessionIdleMinutes, sessionAbsoluteHours } = deps.config;
  const created = new Date(row.created_at).getTime();
  if (now >= new Date(row.absolute_expires_at).getTime()) return true;
  // Also against today's configuration, so shortening the limit applies to existing sessions.
  if (now >= created + sessionAbsoluteHours * 3_600_000) return true;
  if (now - new Date(row.last_seen_at).getTime() > sessionIdleMinutes * 60_000) return true;
  return stage === 'mfa_pending' && now - created > MFA_PENDING_MAX_MINUTES * 60_000;
}

/** Any usable session for the cookie value, whatever its stage; null for anything else. */
export async function loadSession(
  deps: SessionDeps,
  token: string,
  ip: string | null,
  opts: { touch?: boolean } = {},
): Promise<StaffSession | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const tokenHash = hashSessionToken(token);
  const { rows } = await deps.db.query<SessionRow>(LOAD_SESSION_SQL, [tokenHash]);
  const row = rows[0];
  if (!row) return null;
  const now = deps.now();
  const stage = stageOf(row);
  if (expired(row, stage, deps, now.getTime())) return null;
  // Only a person's requests count as activity: a background check (an open live socket) must not
  // keep an unattended workstation signed in past the idle timeout.
  if (opts.touch !== false && now.getTime() - new Date(row.last_seen_at).getTime() >= TOUCH_INTERVAL_MS) {
    await deps.db.query('UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $2', [
      tokenHash,
      now,
    ]);
  }
  // PGlite parses json; pg does too, but a driver configured otherwise hands back text.
  const roles: [string, Role][] =
    typeof row.roles === 'string' ? (JSON.parse(row.roles) as [string, Role][]) : row.roles;
  return {
    tokenHash,
    id: sessionShortId(tokenHash),
    staffId: row.staff_id,
    organisationId: row.organisation_id,
    stage,
    context: {
      staffId: row.staff_id,
      organisationId: row.organisation_id,
      isOrgAdmin: row.is_org_admin,
      roles: new Map(roles),
      ip,
    },
  };
}

/**
 * For code outside the HTTP hook (the staff WebSocket): the caller's rights for a session
 * cookie value, or null unless the session is fully signed in (MFA passed where required).
 */
export async function authenticateStaffToken(
  deps: SessionDeps,
  token: string,
  ip: string | null = null,
  opts: { touch?: boolean } = {},
): Promise<StaffContext | null> {
  const session = await loadSession(deps, token, ip, opts);
  return session?.stage === 'full' ? session.context : null;
}

/** Inside the caller's transaction; the token is returned once and never stored. */
export async function createSession(
  q: Queryable,
  deps: SessionDeps,
  staffId: string,
): Promise<{ token: string; expiresAt: Date; id: string }> {
  const { token, tokenHash } = newSessionToken();
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + deps.config.sessionAbsoluteHours * 3_600_000);
  await q.query(
    `INSERT INTO sessions (token_hash, staff_id, created_at, last_seen_at, absolute_expires_at, mfa_passed)
     VALUES ($1, $2, $3, $3, $4, false)`,
    [tokenHash, staffId, now, expiresAt],
  );
  return { token, expiresAt, id: sessionShortId(tokenHash) };
}

/**
 * Gives a session a new token as it gains MFA, so a token seen before the second factor (or
 * planted by someone else) is worthless afterwards. The absolute expiry is kept, not extended.
 */
export async function rotateSessionAfterMfa(
  q: Queryable,
  deps: SessionDeps,
  oldHash: Buffer,
): Promise<{ token: string; expiresAt: Date } | null> {
  const { token, tokenHash } = newSessionToken();
  const { rows } = await q.query<{ absolute_expires_at: Date }>(
    `UPDATE sessions SET token_hash = $2, mfa_passed = true, last_seen_at = $3
     WHERE token_hash = $1 AND revoked_at IS NULL RETURNING absolute_expires_at`,
    [oldHash, tokenHash, deps.now()],
  );
  return rows[0] ? { token, expiresAt: new Date(rows[0].absolute_expires_at) } : null;
}

export type SessionSummary = { id: string; createdAt: Date; lastSeenAt: Date; expiresAt: Date; current: boolean };

/** The caller's own live sessions, newest first. */
export async function listOwnSessions(deps: SessionDeps, session: StaffSession): Promise<SessionSummary[]> {
  const now = deps.now();
  const idleCutoff = new Date(now.getTime() - deps.config.sessionIdleMinutes * 60_000);
  const createdCutoff = new Date(now.getTime() - deps.config.sessionAbsoluteHours * 3_600_000);
  const { rows } = await deps.db.query<{
    token_hash: unknown;
    created_at: Date;
    last_seen_at: Date;
    absolute_expires_at: Date;
  }>(
    `SELECT token_hash, created_at, last_seen_at, absolute_expires_at FROM sessions
     WHERE staff_id = $1 AND revoked_at IS NULL AND absolute_expires_at > $2
       AND last_seen_at >= $3 AND created_at > $4
     ORDER BY created_at DESC LIMIT 100`,
    [session.staffId, now, idleCutoff, createdCutoff],
  );
  return rows.map((r) => {
    const hash = asBuffer(r.token_hash);
    return {
      id: sessionShortId(hash),
      createdAt: new Date(r.created_at),
      lastSeenAt: new Date(r.last_seen_at),
      expiresAt: new Date(r.absolute_expires_at),
      current: hash.equals(session.tokenHash),
    };
  });
}
