import { revokeAllSessions } from '../../identity/revocation.js';
import type { StaffContext } from '../../identity/staffContext.js';
import { appendAudit } from '../../platform/audit/auditLog.js';
import type { Deps } from '../../platform/deps.js';
import { Invalid, NotFound } from '../../platform/http/errors.js';
import { requireOrgAdmin } from './access.js';

/**
 * Disables an account and signs it out everywhere. The two commit separately because
 * revokeAllSessions owns its transaction; that is safe because sessions of a disabled account
 * stop working the moment the first commits (the session lookup and sign-in both refuse
 * disabled accounts), and a retry after a failed revocation simply revokes again.
 */
export async function disableStaff(
  deps: Pick<Deps, 'db' | 'now' | 'bus'>,
  staff: StaffContext,
  staffId: string,
): Promise<{ id: string; disabled: true; sessionsRevoked: number }> {
  requireOrgAdmin(staff);
  // An organisation must not be able to lock out its own administrator by mistake.
  if (staffId === staff.staffId) throw new Invalid('You cannot disable your own account.', 'cannot_disable_self');
  await deps.db.tx(async (q) => {
    const { rows } = await q.query<{ disabled: boolean }>(
      'SELECT disabled FROM staff WHERE id = $1 AND organisation_id = $2 FOR UPDATE',
      [staffId, staff.organisationId],
    );
    if (!rows[0]) throw new NotFound('Staff member');
    await q.query('UPDATE staff SET disabled = true WHERE id = $1', [staffId]);
    await appendAudit(q, {
      chain: staff.organisationId,
      actorKind: 'staff',
      actorId: staff.staffId,
      action: 'staff.disable',
      targetKind: 'staff',
      targetId: staffId,
      ip: staff.ip,
      reason: rows[0].disabled ? 'already disabled' : null,
    });
  });
  const sessionsRevoked = await revokeAllSessions(deps, staffId, { kind: 'staff', id: staff.staffId, ip: staff.ip });
  return { id: staffId, disabled: true, sessionsRevoked };
}
