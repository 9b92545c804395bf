import { randomBytes, randomUUID } from 'node:crypto';
import type { StaffContext } from '../../identity/staffContext.js';
import { appendAudit } from '../../platform/audit/auditLog.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import type { Deps } from '../../platform/deps.js';
import { Conflict, Invalid, NotFound } from '../../platform/http/errors.js';
import { requireOrgAdmin } from '../../organisations/admin/access.js';
import { checkPublicJwk, storedJwk } from './publicKeys.js';
import type { ApiClientCreate, ApiClientUpdate, ApiClientView, PublicJwk } from './schemas.js';

/** What the token endpoint and the FHIR routes need of a client, cached per node. */
export type ApiClient = {
  id: string;
  organisationId: string;
  apiKey: string;
  name: string;
  odsCode: string;
  allowedLinkDomains: string[];
  rateLimitPerMinute: number;
  callbackUrl: string | null;
  disabled: boolean;
  /** Access tokens issued before this are refused (a key was revoked). */
  tokensValidAfter: Date | null;
};

type ClientRow = {
  id: string;
  organisation_id: string;
  api_key: string;
  name: string;
  ods_code: string;
  allowed_link_domains: string[];
  rate_limit_per_minute: number;
  callback_url: string | null;
  created_at: Date;
  disabled_at: Date | null;
  tokens_valid_after: Date | null;
  notify_sms_template_id: string | null;
  notify_email_template_id: string | null;
};

const CLIENT_COLUMNS = `id, organisation_id, api_key, name, ods_code, allowed_link_domains, rate_limit_per_minute,
  callback_url, created_at, disabled_at, tokens_valid_after, notify_sms_template_id, notify_email_template_id`;

/**
 * A disabled client or a revoked key stops working on this node at once and on every other node
 * within this long; access tokens are checked against the cached client on every request.
 */
export const CLIENT_CACHE_TTL_MS = 15_000;

function toClient(r: ClientRow): ApiClient {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    apiKey: r.api_key,
    name: r.name,
    odsCode: r.ods_code,
    allowedLinkDomains: r.allowed_link_domains,
    rateLimitPerMinute: r.rate_limit_per_minute,
    callbackUrl: r.callback_url,
    disabled: r.disabled_at !== null,
    tokensValidAfter: r.tokens_valid_after ? new Date(r.tokens_valid_after) : null,
  };
}

/**
 * Receipts are posted to this address: https only (http too where private callbacks are allowed,
 * for local development), no credentials in the URL. Where it resolves is checked at each delivery.
 */
function checkCallbackUrl(url: string, allowHttp: boolean): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Invalid('callbackUrl is not a URL.', 'invalid_callback_url');
  }
  if (parsed.protocol !== 'https:' && !(allowHttp && parsed.protocol === 'http:')) {
    throw new Invalid('callbackUrl must use https.', 'invalid_callback_url');
  }
  if (parsed.username || parsed.password) {
    throw new Invalid('callbackUrl must not contain credentials.', 'invalid_callback_url');
  }
  return parsed.toString();
}

function checkDistinctKids(keys: PublicJwk[]): void {
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) {
    throw new Invalid('Each key needs its own kid.', 'duplicate_kid');
  }
}

export async function registerApiClient(
  deps: Pick<Deps, 'db' | 'keyring' | 'now'> & Partial<Pick<Deps, 'config'>>,
  staff: StaffContext,
  body: ApiClientCreate,
): Promise<ApiClientView & { callbackSecret: string | null }> {
  requireOrgAdmin(staff);
  // A client sends as the organisation that registered it, never as another one.
  const own = await deps.db.query<{ ods_code: string }>('SELECT ods_code FROM organisations WHERE id = $1', [
    staff.organisationId,
  ]);
  if (own.rows[0]?.ods_code !== body.odsCode) {
    throw new Invalid("odsCode must be your organisation's own ODS code.", 'not_your_ods_code');
  }
  checkDistinctKids(body.jwks.keys);
  for (const k of body.jwks.keys) await checkPublicJwk(k);
  const callbackUrl = body.callbackUrl
    ? checkCallbackUrl(body.callbackUrl, deps.config?.allowPrivateCallbacks ?? false)
    : null;
  const callbackSecret = callbackUrl ? randomBytes(32).toString('base64url') : null;
  const sealedSecret = callbackSecret ? await deps.keyring.encrypt(staff.organisationId, callbackSecret) : null;
  const id = randomUUID();
  const apiKey = randomBytes(24).toString('base64url');
  const now = deps.now();
  await deps.db.tx(async (q) => {
    await q.query(
      `INSERT INTO api_clients (id, organisation_id, api_key, name, ods_code, allowed_link_domains, rate_limit_per_minute,
         callback_url, callback_secret_enc, created_at, created_by, notify_sms_template_id, notify_email_template_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        id,
        staff.organisationId,
        apiKey,
        body.name,
        body.odsCode,
        body.allowedLinkDomains,
        body.rateLimitPerMinute,
        callbackUrl,
        sealedSecret,
        now,
        staff.staffId,
        body.notifySmsTemplateId ?? null,
        body.notifyEmailTemplateId ?? null,
      ],
    );
    for (const k of body.jwks.keys) {
      await q.query('INSERT INTO api_client_keys (client_id, kid, public_jwk, created_at) VALUES ($1, $2, $3, $4)', [
        id,
        k.kid,
        JSON.stringify(storedJwk(k)),
        now,
      ]);
    }
    await appendAudit(q, {
      chain: staff.organisationId,
      actorKind: 'staff',
      actorId: staff.staffId,
      action: 'api_client.register',
      targetKind: 'api_client',
      targetId: id,
      ip: staff.ip,
    });
  });
  const [view] = await loadViews(deps, staff.organisationId, [id]);
  return { ...view!, callbackSecret };
}

async function loadViews(deps: Pick<Deps, 'db'>, organisationId: string, onlyIds?: string[]): Promise<ApiClientView[]> {
  const { rows } = await deps.db.query<ClientRow>(
    `SELECT ${CLIENT_COLUMNS} FROM api_clients WHERE organisation_id = $1 AND ($2::uuid[] IS NULL OR id = ANY($2::uuid[]))
     ORDER BY name, id`,
    [organisationId, onlyIds ?? null],
  );
  const keys = await deps.db.query<{ client_id: string; kid: string; created_at: Date; revoked_at: Date | null }>(
    `SELECT client_id, kid, created_at, revoked_at FROM api_client_keys WHERE client_id = ANY($1::uuid[])
     ORDER BY created_at, kid`,
    [rows.map((r) => r.id)],
  );
  return rows.map((r) => {
    const c = toClient(r);
    return {
      id: c.id,
      apiKey: c.apiKey,
      name: c.name,
      odsCode: c.odsCode,
      allowedLinkDomains: c.allowedLinkDomains,
      rateLimitPerMinute: c.rateLimitPerMinute,
      callbackUrl: c.callbackUrl,
      notifySmsTemplateId: r.notify_sms_template_id,
      notifyEmailTemplateId: r.notify_email_template_id,
      disabled: c.disabled,
      createdAt: new Date(r.created_at).toISOString(),
      keys: keys.rows
        .filter((k) => k.client_id === r.id)
        .map((k) => ({ kid: k.kid, createdAt: new Date(k.created_at).toISOString(), revoked: k.revoked_at !== null })),
    };
  });
}

export async function listApiClients(deps: Pick<Deps, 'db'>, staff: StaffContext): Promise<ApiClientView[]> {
  requireOrgAdmin(staff);
  return loadViews(deps, staff.organisationId);
}

/** A client of the caller's organisation, locked for a change; another organisation's is missing. */
async function requireOwnClient(q: Pick<Deps['db'], 'query'>, staff: StaffContext, clientId: string): Promise<void> {
  const { rows } = await q.query('SELECT 1 FROM api_clients WHERE id = $1 AND organisation_id = $2 FOR UPDATE', [
    clientId,
    staff.organisationId,
  ]);
  if (!rows[0]) throw new NotFound('API client');
}

async function changeClient(
  deps: Pick<Deps, 'db' | 'cache'>,
  staff: StaffContext,
  clientId: string,
  action: string,
  reason: string | null,
  change: (q: Pick<Deps['db'], 'query'>) => Promise<void>,
): Promise<ApiClientView> {
  requireOrgAdmin(staff);
  await deps.db.tx(async (q) => {
    await requireOwnClient(q, staff, clientId);
    await change(q);
    await appendAudit(q, {
      chain: staff.organisationId,
      actorKind: 'staff',
      actorId: staff.staffId,
      action,
      targetKind: 'api_client',
      targetId: clientId,
      ip: staff.ip,
      reason,
    });
  });
  await forgetClient(deps, clientId);
  return (await loadViews(deps, staff.organisationId, [clientId]))[0]!;
}

export async function addApiClientKey(
  deps: Pick<Deps, 'db' | 'cache' | 'now'>,
  staff: StaffContext,
  clientId: string,
  jwk: PublicJwk,
): Promise<ApiClientView> {
  requireOrgAdmin(staff);
  await checkPublicJwk(jwk);
  try {
    return await changeClient(deps, staff, clientId, 'api_client.key_add', `kid ${jwk.kid}`, async (q) => {
      await q.query('INSERT INTO api_client_keys (client_id, kid, public_jwk, created_at) VALUES ($1, $2, $3, $4)', [
        clientId,
        jwk.kid,
        JSON.stringify(storedJwk(jwk)),
        deps.now(),
      ]);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict('This client already has a key with that kid.', 'duplicate_kid');
    throw err;
  }
}

export async function revokeApiClientKey(
  deps: Pick<Deps, 'db' | 'cache' | 'now'>,
  staff: StaffContext,
  clientId: string,
  kid: string,
): Promise<ApiClientView> {
  return changeClient(deps, staff, clientId, 'api_client.key_revoke', `kid ${kid}`, async (q) => {
    const { rowCount } = await q.query(
      'UPDATE api_client_keys SET revoked_at = $3 WHERE client_id = $1 AND kid = $2 AND revoked_at IS NULL',
      [clientId, kid, deps.now()],
    );
    if (rowCount === 0) throw new NotFound('Key');
    await q.query('UPDATE api_clients SET tokens_valid_after = $2 WHERE id = $1', [clientId, deps.now()]);
  });
}

/**
 * Changes a client's name, link domains, rate limit, callback URL or Notify templates, or gives it
 * a new callback signing secret. A client given its first callback URL gets a secret; one whose URL
 * changes keeps its secret unless it asks for a new one (`rotateCallbackSecret`); one whose URL is
 * removed loses it. A new secret is shown in this answer only. Link domains apply to messages sent
 * from now on, and to every message's links as the inbox shows them. Audited with the names of the
 * fields given, never their values.
 */
export async function updateApiClient(
  deps: Pick<Deps, 'db' | 'cache' | 'keyring'> & Partial<Pick<Deps, 'config'>>,
  staff: StaffContext,
  clientId: string,
  body: ApiClientUpdate,
): Promise<ApiClientView & { callbackSecret: string | null }> {
  requireOrgAdmin(staff);
  const callbackUrl =
    typeof body.callbackUrl === 'string'
      ? checkCallbackUrl(body.callbackUrl, deps.config?.allowPrivateCallbacks ?? false)
      : body.callbackUrl;
  const rotate = body.rotateCallbackSecret === true;
  if (rotate && callbackUrl === null) {
    throw new Invalid('A callback secret needs a callback URL to sign for.', 'no_callback_url');
  }
  // Sealed before the transaction; stored only if the client is to have a new secret.
  const newSecret = randomBytes(32).toString('base64url');
  const sealedNewSecret = await deps.keyring.encrypt(staff.organisationId, newSecret);
  let issued: string | null = null;
  const fields = Object.keys(body).sort().join(', ');
  const view = await changeClient(deps, staff, clientId, 'api_client.update', fields, async (q) => {
    const { rows } = await q.query<{ url: string | null; fresh: boolean }>(
      `UPDATE api_clients c SET
         name = coalesce($2, c.name),
         allowed_link_domains = coalesce($3, c.allowed_link_domains),
         rate_limit_per_minute = coalesce($4, c.rate_limit_per_minute),
         callback_url = next.url,
         callback_secret_enc = CASE WHEN next.url IS NULL THEN NULL
                                    WHEN $8 THEN $7
                                    ELSE coalesce(c.callback_secret_enc, $7) END,
         notify_sms_template_id = CASE WHEN $9 THEN $10::uuid ELSE c.notify_sms_template_id END,
         notify_email_template_id = CASE WHEN $11 THEN $12::uuid ELSE c.notify_email_template_id END
       FROM (SELECT CASE WHEN $5 THEN $6::text ELSE callback_url END AS url,
                    callback_secret_enc IS NULL AS had_none
             FROM api_clients WHERE id = $1) next
       WHERE c.id = $1
       RETURNING next.url, next.url IS NOT NULL AND ($8 OR next.had_none) AS fresh`,
      [
        clientId,
        body.name ?? null,
        body.allowedLinkDomains ?? null,
        body.rateLimitPerMinute ?? null,
        body.callbackUrl !== undefined,
        callbackUrl ?? null,
        sealedNewSecret,
        rotate,
        body.notifySmsTemplateId !== undefined,
        body.notifySmsTemplateId ?? null,
        body.notifyEmailTemplateId !== undefined,
        body.notifyEmailTemplateId ?? null,
      ],
    );
    if (rotate && rows[0]!.url === null) {
      throw new Invalid('A callback secret needs a callback URL to sign for.', 'no_callback_url');
    }
    if (rows[0]!.fresh) issued = newSecret;
  });
  return { ...view, callbackSecret: issued };
}

export async function disableApiClient(
  deps: Pick<Deps, 'db' | 'cache' | 'now'>,
  staff: StaffContext,
  clientId: string,
): Promise<ApiClientView> {
  return changeClient(deps, staff, clientId, 'api_client.disable', null, async (q) => {
    await q.query('UPDATE api_clients SET disabled_at = coalesce(disabled_at, $2) WHERE id = $1', [
      clientId,
      deps.now(),
    ]);
  });
}

const byApiKey = (apiKey: string) => `api-client:key:${apiKey}`;
const byId = (id: string) => `api-client:id:${id}`;
const publicKey = (id: string, kid: string) => `api-client:jwk:${id}:${kid}`;

/** After a change: this node forgets the client and every key of it at once. */
async function forgetClient(deps: Pick<Deps, 'db' | 'cache'>, clientId: string): Promise<void> {
  const { rows } = await deps.db.query<{ api_key: string; kid: string | null }>(
    `SELECT c.api_key, k.kid FROM api_clients c LEFT JOIN api_client_keys k ON k.client_id = c.id WHERE c.id = $1`,
    [clientId],
  );
  deps.cache.delete(byId(clientId));
  for (const r of rows) {
    deps.cache.delete(byApiKey(r.api_key));
    if (r.kid) deps.cache.delete(publicKey(clientId, r.kid));
  }
}

async function loadClient(deps: Pick<Deps, 'db'>, where: 'api_key' | 'id', value: string): Promise<ApiClient | null> {
  const { rows } = await deps.db.query<ClientRow>(`SELECT ${CLIENT_COLUMNS} FROM api_clients WHERE ${where} = $1`, [
    value,
  ]);
  return rows[0] ? toClient(rows[0]) : null;
}

export function cachedClientByApiKey(deps: Pick<Deps, 'db' | 'cache'>, apiKey: string): Promise<ApiClient | null> {
  return deps.cache.get(byApiKey(apiKey), CLIENT_CACHE_TTL_MS, () => loadClient(deps, 'api_key', apiKey));
}

export function cachedClientById(deps: Pick<Deps, 'db' | 'cache'>, id: string): Promise<ApiClient | null> {
  return deps.cache.get(byId(id), CLIENT_CACHE_TTL_MS, () => loadClient(deps, 'id', id));
}

/** The client's current (unrevoked) public key with this kid, or null. */
export function cachedPublicKey(
  deps: Pick<Deps, 'db' | 'cache'>,
  clientId: string,
  kid: string,
): Promise<{ kty: 'RSA'; n: string; e: string } | null> {
  return deps.cache.get(publicKey(clientId, kid), CLIENT_CACHE_TTL_MS, async () => {
    const { rows } = await deps.db.query<{ public_jwk: { kty: 'RSA'; n: string; e: string } | string }>(
      'SELECT public_jwk FROM api_client_keys WHERE client_id = $1 AND kid = $2 AND revoked_at IS NULL',
      [clientId, kid],
    );
    const jwk = rows[0]?.public_jwk;
    return typeof jwk === 'string' ? (JSON.parse(jwk) as { kty: 'RSA'; n: string; e: string }) : (jwk ?? null);
  });
}
