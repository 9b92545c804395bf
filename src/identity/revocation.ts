import { appendAudit } from '../platform/audit/auditLog.js';
import type { Queryable } from '../platform/db/types.js';
import type { Deps } from '../platform/deps.js';
import {
  hashSessionToken,
  isSessionTokenShape,
  sessionShortId,
  type SessionDeps,
  type StaffSession,
} from './sessions.js';

/** Revokes the session the token belongs to, if any; returns its owner for the audit record. */
export async function revokeSessionByToken(
  q: Queryable,
  deps: Pick<Deps, 'now'>,
  token: string,
): Promise<{ staffId: string; organisationId: string; id: string } | null> {
  if (!isSessionTokenShape(token)) return null;
  const tokenHash = hashSessionToken(token);
  const { rows } = await q.query<{ staff_id: string; organisation_id: string }>(
    `UPDATE sessions s SET revoked_at = $2 FROM staff st
     WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND st.id = s.staff_id
     RETURNING s.staff_id, st.organisation_id`,
    [tokenHash, deps.now()],
  );
  const r = rows[0];
  return r ? { staffId: r.staff_id, organisationId: r.organisation_id, id: sessionShortId(tokenHash) } : null;
}

/** Logout: revokes the cookie's session if it is still live. */
export async function signOut(deps: Pick<Deps, 'db' | 'now' | 'bus'>, token: string, ip: string | null): Promise<void> {
  const ended = await deps.db.tx(async (q) => {
    const revoked = await revokeSessionByToken(q, deps, token);
    if (!revoked) return null;
    await appendAudit(q, {
      chain: revoked.organisationId,
      actorKind: 'staff',
      actorId: revoked.staffId,
      action: 'staff.logout',
      targetKind: 'session',
      targetId: revoked.id,
      ip,
    });
    return revoked;
  });
  if (ended) deps.bus.publish({ type: 'staff.sessions_ended', staffId: ended.staffId, sessionId: ended.id });
}

/** Revokes one of the caller's own sessions by its short id; false when there is none (404). */
export async function revokeOwnSession(
  deps: SessionDeps & Pick<Deps, 'bus'>,
  session: StaffSession,
  id: string,
): Promise<boolean> {
  const revoked = await deps.db.tx(async (q) => {
    const { rowCount } = await q.query(
      `UPDATE sessions SET revoked_at = $3
       WHERE staff_id = $1 AND substring(token_hash from 1 for 8) = $2 AND revoked_at IS NULL`,
      [session.staffId, Buffer.from(id, 'hex'), deps.now()],
    );
    if (rowCount === 0) return false;
    await appendAudit(q, {
      chain: session.organisationId,
      actorKind: 'staff',
      actorId: session.staffId,
      action: 'staff.session.revoke',
      targetKind: 'session',
      targetId: id,
      ip: session.context.ip,
    });
    return true;
  });
  if (revoked) deps.bus.publish({ type: 'staff.sessions_ended', staffId: session.staffId, sessionId: id });
  return revoked;
}

/** Signs someone out everywhere (an admin disabling an account, a suspected compromise). */
export async function revokeAllSessions(
  deps: Pick<Deps, 'db' | 'now' | 'bus'>,
  staffId: string,
  actor: { kind: 'staff' | 'system'; id: string | null; ip?: string | null } = { kind: 'system', id: null },
): Promise<number> {
  const count = await deps.db.tx(async (q) => {
    const staff = await q.query<{ organisation_id: string }>('SELECT organisation_id FROM staff WHERE id = $1', [
      staffId,
    ]);
    const organisationId = staff.rows[0]?.organisation_id;
    if (!organisationId) return 0;
    const { rowCount } = await q.query(
      'UPDATE sessions SET revoked_at = $2 WHERE staff_id = $1 AND revoked_at IS NULL',
      [staffId, deps.now()],
    );
    await appendAudit(q, {
      chain: organisationId,
      actorKind: actor.kind,
      actorId: actor.id,
      action: 'staff.session.revoke_all',
      targetKind: 'staff',
      targetId: staffId,
      ip: actor.ip ?? null,
      reason: `${rowCount} session(s)`,
    });
    return rowCount;
  });
  // Always: a disabled account's sockets must close even if its sessions had already expired.
  deps.bus.publish({ type: 'staff.sessions_ended', staffId });
  return count;
}
