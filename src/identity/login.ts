import { verify } from '@node-rs/argon2';
import { appendAudit, recordAudit } from '../platform/audit/auditLog.js';
import { PLATFORM_SCOPE } from '../platform/crypto/keyring.js';
import type { Deps } from '../platform/deps.js';
import { AppError, TooManyRequests } from '../platform/http/errors.js';
import { claimAttempt, clearAttempts, recordAccountFailure, releaseAttempt, type LoginLimiters } from './lockout.js';
import { revokeSessionByToken } from './revocation.js';
import { createSession } from './sessions.js';
import { normaliseEmail } from './staffAccounts.js';

/**
 * Verified when there is no real hash to check (unknown email, account without a password), so
 * every failure costs the same argon2id work and response time does not reveal which emails exist.
 * The password behind it was random and discarded. Same parameters as ARGON2_OPTIONS.
 */
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$wTV4vAvYs2TGRNzvfD7JNw$XJH+ASm2eiXijIgs+3pbPuKT80Y91HyWkQiyEUK7xNc';

export class InvalidCredentials extends AppError {
  constructor() {
    super(401, 'invalid_credentials', 'Email or password is incorrect.');
  }
}

export type LoginInput = {
  email: string;
  password: string;
  ip: string | null;
  /** The cookie the browser already held, revoked so that a sign-in never reuses a session. */
  previousToken?: string | null;
};

export type LoginResult = {
  token: string;
  expiresAt: Date;
  mfaRequired: boolean;
  mfaSetupRequired: boolean;
};

type StaffRow = {
  id: string;
  organisation_id: string;
  password_hash: string | null;
  totp_enabled: boolean;
  disabled: boolean;
  require_mfa: boolean;
};

async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  try {
    const ok = await verify(hash ?? DUMMY_HASH, password);
    return ok && hash !== null;
  } catch {
    // A malformed stored hash must not become a 500 that tells an attacker the account exists.
    return false;
  }
}

function ipKey(ip: string | null): string {
  return `ip:${ip ?? 'unknown'}`;
}

/** Refuses a client address that has failed too often, before any work is spent on it. */
export async function checkIpThrottle(deps: Pick<Deps, 'now'>, limiters: LoginLimiters, ip: string | null) {
  const wait = await limiters.byIp.retryAfter(ipKey(ip), deps.now());
  if (wait > 0) throw new TooManyRequests(wait);
}

export async function recordIpFailure(deps: Pick<Deps, 'now'>, limiters: LoginLimiters, ip: string | null) {
  await limiters.byIp.recordFailure(ipKey(ip), deps.now());
}

/**
 * Password sign-in. Every failure answers the same 401 whether or not the email exists; a
 * locked account (or an unknown email that has failed as often) answers 429 with Retry-After.
 */
export async function login(deps: Deps, limiters: LoginLimiters, input: LoginInput): Promise<LoginResult> {
  await checkIpThrottle(deps, limiters, input.ip);
  const emailHmac = await deps.keyring.lookupHmac(normaliseEmail(input.email));
  const { rows } = await deps.db.query<StaffRow>(
    `SELECT st.id, st.organisation_id, st.password_hash, st.totp_enabled, st.disabled, o.require_mfa
     FROM staff st JOIN organisations o ON o.id = st.organisation_id WHERE st.email_hmac = $1`,
    [emailHmac],
  );
  const staff = rows[0];
  if (!staff) return failUnknown(deps, limiters, input, emailHmac.toString('hex'));

  const audit = { chain: staff.organisation_id, targetKind: 'staff', targetId: staff.id, ip: input.ip };
  const claim = await claimAttempt(deps.db, staff.id, deps.now(), deps.config);
  if (!claim.ok) {
    await recordIpFailure(deps, limiters, input.ip);
    await deps.db.tx(async (q) => {
      if (claim.lockedNow)
        await appendAudit(q, { ...audit, actorKind: 'anonymous', actorId: null, action: 'staff.login.lockout' });
      await appendAudit(q, {
        ...audit,
        actorKind: 'anonymous',
        actorId: null,
        action: 'staff.login.failure',
        reason: 'locked',
      });
    });
    throw new TooManyRequests(claim.retryAfterSeconds);
  }

  const passwordOk = await verifyPassword(staff.password_hash, input.password);
  if (!passwordOk || staff.disabled) {
    const reason = staff.disabled ? 'disabled' : staff.password_hash === null ? 'no_password' : 'wrong_password';
    await recordIpFailure(deps, limiters, input.ip);
    await deps.db.tx(async (q) => {
      const locked = await recordAccountFailure(q, staff.id, deps.now(), deps.config);
      await appendAudit(q, { ...audit, actorKind: 'anonymous', actorId: null, action: 'staff.login.failure', reason });
      if (locked)
        await appendAudit(q, { ...audit, actorKind: 'anonymous', actorId: null, action: 'staff.login.lockout' });
    });
    throw new InvalidCredentials();
  }

  const mfaRequired = staff.totp_enabled;
  const mfaSetupRequired = !staff.totp_enabled && staff.require_mfa;
  return deps.db.tx(async (q) => {
    if (input.previousToken) await revokeSessionByToken(q, deps, input.previousToken);
    // Failures are forgiven only once sign-in is complete; a code is still owed when MFA is on.
    if (mfaRequired) await releaseAttempt(q, staff.id);
    else await clearAttempts(q, staff.id);
    const session = await createSession(q, deps, staff.id);
    await appendAudit(q, {
      ...audit,
      actorKind: 'staff',
      actorId: staff.id,
      action: 'staff.login.success',
      reason: mfaRequired ? 'mfa code required' : mfaSetupRequired ? 'mfa set-up required' : null,
    });
    return { token: session.token, expiresAt: session.expiresAt, mfaRequired, mfaSetupRequired };
  });
}

async function failUnknown(deps: Deps, limiters: LoginLimiters, input: LoginInput, key: string): Promise<never> {
  const now = deps.now();
  const wait = await limiters.unknownAccount.retryAfter(key, now);
  const base = {
    chain: PLATFORM_SCOPE,
    actorKind: 'anonymous',
    actorId: null,
    action: 'staff.login.failure',
    ip: input.ip,
  } as const;
  await recordIpFailure(deps, limiters, input.ip);
  if (wait > 0) {
    await recordAudit(deps.db, { ...base, reason: 'unknown account (locked)' });
    throw new TooManyRequests(wait);
  }
  await verifyPassword(null, input.password);
  await limiters.unknownAccount.recordFailure(key, now);
  await recordAudit(deps.db, { ...base, reason: 'unknown account' });
  throw new InvalidCredentials();
}
