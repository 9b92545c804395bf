import { appendAudit } from '../platform/audit/auditLog.js';
import type { Deps } from '../platform/deps.js';
import { AppError, Conflict, Invalid, TooManyRequests, Unauthenticated } from '../platform/http/errors.js';
import { claimAttempt, clearAttempts, recordAccountFailure, type LoginLimiters } from './lockout.js';
import { checkIpThrottle, recordIpFailure } from './login.js';
import { rotateSessionAfterMfa, type StaffSession } from './sessions.js';
import { newTotpSecret, totpStep } from './totp.js';

export class InvalidCode extends AppError {
  constructor(status: 400 | 401) {
    super(status, 'invalid_code', 'That code is not right. Check your authenticator app and try again.');
  }
}

type TotpRow = { totp_secret_enc: unknown; totp_enabled: boolean; totp_last_step: number | string | null };

async function loadTotp(deps: Pick<Deps, 'db'>, staffId: string): Promise<TotpRow> {
  const { rows } = await deps.db.query<TotpRow>(
    'SELECT totp_secret_enc, totp_enabled, totp_last_step FROM staff WHERE id = $1',
    [staffId],
  );
  if (!rows[0]) throw new Unauthenticated();
  return rows[0];
}

/** Starts (or restarts) set-up: a new secret, stored sealed and not yet enforced. */
export async function setupMfa(deps: Deps, session: StaffSession): Promise<{ secret: string; otpauthUrl: string }> {
  const current = await deps.db.query<{ totp_enabled: boolean; email_enc: unknown }>(
    'SELECT totp_enabled, email_enc FROM staff WHERE id = $1',
    [session.staffId],
  );
  const row = current.rows[0];
  if (!row) throw new Unauthenticated();
  // Replacing an active second factor must need more than a session cookie; that is an admin reset.
  if (row.totp_enabled) throw new Conflict('Two-step verification is already turned on.', 'mfa_already_enabled');
  const email = await deps.keyring.decrypt(row.email_enc);
  const created = newTotpSecret(email);
  const seal = await deps.keyring.sealer(session.organisationId);
  await deps.db.tx(async (q) => {
    await q.query('UPDATE staff SET totp_secret_enc = $2, totp_last_step = NULL WHERE id = $1 AND NOT totp_enabled', [
      session.staffId,
      seal(created.secret),
    ]);
    await appendAudit(q, {
      chain: session.organisationId,
      actorKind: 'staff',
      actorId: session.staffId,
      action: 'staff.mfa.setup',
      targetKind: 'staff',
      targetId: session.staffId,
      ip: session.context.ip,
    });
  });
  return created;
}

type CodeCheck = { step: number } | { failure: 'wrong_code' | 'replayed_code' };

/**
 * The shared part of both code checks: IP throttle, an attempt slot on the account (wrong codes
 * count towards the same lockout as wrong passwords), then the code itself.
 */
async function checkCode(
  deps: Deps,
  limiters: LoginLimiters,
  session: StaffSession,
  secretEnc: unknown,
  lastStep: number | null,
  code: string,
  failureAction: string,
): Promise<CodeCheck> {
  await checkIpThrottle(deps, limiters, session.context.ip);
  const audit = {
    chain: session.organisationId,
    actorKind: 'staff',
    actorId: session.staffId,
    targetKind: 'staff',
    targetId: session.staffId,
    ip: session.context.ip,
  } as const;
  const claim = await claimAttempt(deps.db, session.staffId, deps.now(), deps.config);
  if (!claim.ok) {
    await recordIpFailure(deps, limiters, session.context.ip);
    await deps.db.tx(async (q) => {
      if (claim.lockedNow) await appendAudit(q, { ...audit, action: 'staff.login.lockout' });
      await appendAudit(q, { ...audit, action: failureAction, reason: 'locked' });
    });
    throw new TooManyRequests(claim.retryAfterSeconds);
  }
  const secret = await deps.keyring.decrypt(secretEnc);
  const step = totpStep(secret, code, deps.now());
  if (step !== null && (lastStep === null || step > lastStep)) return { step };
  return { failure: step === null ? 'wrong_code' : 'replayed_code' };
}

async function recordCodeFailure(
  deps: Deps,
  limiters: LoginLimiters,
  session: StaffSession,
  action: string,
  reason: string,
): Promise<void> {
  await recordIpFailure(deps, limiters, session.context.ip);
  await deps.db.tx(async (q) => {
    const locked = await recordAccountFailure(q, session.staffId, deps.now(), deps.config);
    const base = {
      chain: session.organisationId,
      actorKind: 'staff',
      actorId: session.staffId,
      targetKind: 'staff',
      targetId: session.staffId,
      ip: session.context.ip,
    } as const;
    await appendAudit(q, { ...base, action, reason });
    if (locked) await appendAudit(q, { ...base, action: 'staff.login.lockout' });
  });
}

export type MfaPassed = { token: string; expiresAt: Date };

/**
 * Accepts the code, records its step (the UPDATE refuses a step already used, even by a
 * concurrent request) and rotates the session token as it becomes fully signed in.
 */
async function acceptCode(
  deps: Deps,
  session: StaffSession,
  step: number,
  action: string,
  enable: boolean,
): Promise<MfaPassed | null> {
  return deps.db.tx(async (q) => {
    const { rowCount } = await q.query(
      `UPDATE staff SET totp_last_step = $2, totp_enabled = totp_enabled OR $3
       WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) AND totp_enabled = NOT $3`,
      [session.staffId, step, enable],
    );
    if (rowCount === 0) return null;
    await clearAttempts(q, session.staffId);
    const rotated = await rotateSessionAfterMfa(q, deps, session.tokenHash);
    if (!rotated) throw new Unauthenticated();
    await appendAudit(q, {
      chain: session.organisationId,
      actorKind: 'staff',
      actorId: session.staffId,
      action,
      targetKind: 'staff',
      targetId: session.staffId,
      ip: session.context.ip,
    });
    return rotated;
  });
}

/**
 * Checks a code against the secret and the last step used, then accepts it (marking the session,
 * and turning TOTP on when enabling) or records the failure; a wrong or replayed code throws.
 */
async function verifyAndAccept(
  deps: Deps,
  limiters: LoginLimiters,
  session: StaffSession,
  secretEnc: unknown,
  lastStepRaw: unknown,
  code: string,
  audit: { success: string; failure: string; enable: boolean; status: 400 | 401 },
): Promise<MfaPassed> {
  const lastStep = lastStepRaw === null ? null : Number(lastStepRaw);
  const check = await checkCode(deps, limiters, session, secretEnc, lastStep, code, audit.failure);
  if ('step' in check) {
    const passed = await acceptCode(deps, session, check.step, audit.success, audit.enable);
    if (passed) return passed;
  }
  await recordCodeFailure(deps, limiters, session, audit.failure, 'failure' in check ? check.failure : 'replayed_code');
  throw new InvalidCode(audit.status);
}

/** Second step of sign-in for someone with TOTP turned on. A wrong or replayed code is 401. */
export async function completeMfaLogin(
  deps: Deps,
  limiters: LoginLimiters,
  session: StaffSession,
  code: string,
): Promise<MfaPassed> {
  const totp = await loadTotp(deps, session.staffId);
  if (!totp.totp_enabled || !totp.totp_secret_enc) throw new Unauthenticated();
  return verifyAndAccept(deps, limiters, session, totp.totp_secret_enc, totp.totp_last_step, code, {
    success: 'staff.login.mfa_success',
    failure: 'staff.login.mfa_failure',
    enable: false,
    status: 401,
  });
}

/** Turns TOTP on once the person proves their app holds the secret; a wrong code is 400. */
export async function enableMfa(
  deps: Deps,
  limiters: LoginLimiters,
  session: StaffSession,
  code: string,
): Promise<MfaPassed> {
  const totp = await loadTotp(deps, session.staffId);
  if (totp.totp_enabled) throw new Conflict('Two-step verification is already turned on.', 'mfa_already_enabled');
  if (!totp.totp_secret_enc) throw new Invalid('Start two-step verification set-up first.', 'mfa_setup_not_started');
  return verifyAndAccept(deps, limiters, session, totp.totp_secret_enc, totp.totp_last_step, code, {
    success: 'staff.mfa.enable',
    failure: 'staff.mfa.enable_failure',
    enable: true,
    status: 400,
  });
}
