/**
 * The only reader of the environment. Parsed once, synchronously, at start; every problem is
 * collected so an operator sees the whole list at once rather than fixing one variable per restart.
 * Each variable is documented in docs/CONFIGURATION.md — keep the two in step.
 */
import { createECDH, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export type Config = {
  /** 'development' enables pretty defaults only; security behaviour is identical in every mode. */
  env: 'production' | 'development' | 'test';
  host: string;
  port: number;
  /** Public origin used in resume links, e.g. https://chat.example.nhs.uk */
  publicUrl: string;
  /** PostgreSQL connection string; absent means the embedded PGlite database in dataDir. */
  databaseUrl: string | null;
  /** Folder for the embedded database and the generated master key file. */
  dataDir: string;
  /** Base64 of 32 bytes; absent in embedded mode means a generated 0600 key file in dataDir. */
  masterKey: string | null;
  /** Earlier master keys, still able to unwrap data keys until `keys rotate` has run. */
  previousMasterKeys: string[];
  natsUrl: string | null;
  redisUrl: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Seeds and prints demo credentials at start. Never enable on a live service. */
  demo: boolean;
  /**
   * Lets organisation admins enrol test patients (NHS numbers starting 999) through the admin API.
   * Always on in demo mode.
   */
  testPatients: boolean;
  /**
   * Lets receipt callbacks go to loopback, link-local and private addresses, and over plain http:
   * local development, or a receiver inside the same private network. Off by default (SSRF guard).
   */
  allowPrivateCallbacks: boolean;
  /** GOV.UK Notify for SMS and email fallback; null turns fallback off. */
  /** timeoutMs: how long one Notify request may take before it counts as failed (tried again later). */
  notify: { apiKey: string; baseUrl: string; timeoutMs: number } | null;
  /** Sets the Secure flag on cookies; off only for plain-http local development. */
  secureCookies: boolean;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  loginMaxFailures: number;
  loginLockoutMinutes: number;
  /** Serve the built web app from dist/web when present. */
  serveWeb: boolean;
  trustProxy: boolean;
  /** Patient sign-in with NHS login or another OpenID Connect provider; null turns it off (404). */
  patientOidc: PatientOidcConfig | null;
  patientSessionIdleMinutes: number;
  patientSessionAbsoluteHours: number;
  /** The Web Push (VAPID) key pair, base64url as web-push prints it; null: generated once, kept in the database. */
  vapidKeys: VapidKeyPair | null;
  /** The contact push services see in each VAPID token: a mailto: or https: URL. */
  vapidSubject: string;
  /** Tests and local development only: push subscriptions over plain http and on private addresses. */
  pushAllowLocalEndpoints: boolean;
};

export type VapidKeyPair = { publicKey: string; privateKey: string };

export type PatientOidcConfig = {
  issuer: string;
  clientId: string;
  /** PEM PKCS#8 RSA private key that signs the private_key_jwt client assertion (RS512). */
  privateKeyPem: string;
  kid: string | null;
  scopes: string;
  /** NHS login's vector of trust request, a JSON array as sent, e.g. ["P9.Cp.Cd","P9.Cp.Ck","P9.Cm"]. */
  vtr: string | null;
  /** Tests only: a plain-http issuer on this machine. */
  allowHttp: boolean;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];
  const str = (name: string, fallback: string) => {
    const v = env[name];
    return v === undefined || v === '' ? fallback : v;
  };
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  };
  const bool = (name: string, fallback: boolean) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
    if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };
  const url = (name: string, protocols: string[]) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return null;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) {
        problems.push(`${name} must use ${protocols.join(' or ')} (got ${u.protocol})`);
      }
      return raw;
    } catch {
      problems.push(`${name} is not a valid URL`);
      return null;
    }
  };
  const key = (name: string, raw: string | undefined) => {
    if (raw === undefined || raw === '') return null;
    if (Buffer.from(raw, 'base64').length !== 32) {
      problems.push(`${name} must be base64 of exactly 32 random bytes (openssl rand -base64 32)`);
    }
    return raw;
  };

  const nodeEnv = str('NODE_ENV', 'development');
  if (!['production', 'development', 'test'].includes(nodeEnv)) {
    problems.push(`NODE_ENV must be production, development or test (got "${nodeEnv}")`);
  }
  const logLevel = str('LOG_LEVEL', nodeEnv === 'test' ? 'silent' : 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent`);
  }
  const port = int('PORT', 3000, 0, 65535);
  const host = str('HOST', '127.0.0.1');
  const databaseUrl = url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const masterKey = key('MASTER_KEY', env.MASTER_KEY);
  const previousMasterKeys = (env.MASTER_KEY_PREVIOUS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((k, i) => key(`MASTER_KEY_PREVIOUS[${i}]`, k) ?? '');
  if (databaseUrl && !masterKey && nodeEnv === 'production') {
    problems.push('MASTER_KEY is required with DATABASE_URL in production');
  }
  const publicUrl = url('PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`;
  const pushAllowLocalEndpoints = bool('PUSH_ALLOW_LOCAL_ENDPOINTS', false);
  if (pushAllowLocalEndpoints && nodeEnv === 'production') {
    problems.push('PUSH_ALLOW_LOCAL_ENDPOINTS must not be set in production');
  }
  // A Notify API key is `<name>-<service id>-<secret>`, the last two UUIDs (73 characters).
  const notifyConfig = (): Config['notify'] => {
    const apiKey = env.NOTIFY_API_KEY;
    if (!apiKey) return null;
    if (!/[0-9a-f-]{36}-[0-9a-f-]{36}$/i.test(apiKey)) {
      problems.push('NOTIFY_API_KEY must be a GOV.UK Notify API key (ending in the service id and the secret)');
      return null;
    }
    return {
      apiKey,
      baseUrl: url('NOTIFY_BASE_URL', ['https:', 'http:']) ?? 'https://api.notifications.service.gov.uk',
      timeoutMs: int('NOTIFY_TIMEOUT_MS', 10_000, 100, 120_000),
    };
  };
  const demo = bool('DEMO', false);
  if (demo && nodeEnv === 'production' && databaseUrl) {
    problems.push('DEMO must not be enabled against a production PostgreSQL database');
  }

  const config: Config = {
    env: nodeEnv as Config['env'],
    host,
    port,
    publicUrl,
    databaseUrl,
    dataDir: path.resolve(str('DATA_DIR', './data')),
    masterKey,
    previousMasterKeys,
    natsUrl: url('NATS_URL', ['nats:', 'tls:']),
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:']),
    logLevel: logLevel as Config['logLevel'],
    demo,
    testPatients: bool('TEST_PATIENTS', false),
    allowPrivateCallbacks: bool('OUTBOUND_ALLOW_PRIVATE_CALLBACKS', false),
    notify: notifyConfig(),
    secureCookies: bool('SECURE_COOKIES', nodeEnv === 'production'),
    sessionIdleMinutes: int('SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
    sessionAbsoluteHours: int('SESSION_ABSOLUTE_HOURS', 12, 1, 7 * 24),
    loginMaxFailures: int('LOGIN_MAX_FAILURES', 5, 1, 100),
    loginLockoutMinutes: int('LOGIN_LOCKOUT_MINUTES', 15, 1, 24 * 60),
    serveWeb: bool('SERVE_WEB', true),
    trustProxy: bool('TRUST_PROXY', false),
    patientOidc: patientOidcConfig(env, nodeEnv, bool('PATIENT_OIDC_ALLOW_HTTP', false), problems),
    patientSessionIdleMinutes: int('PATIENT_SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
    patientSessionAbsoluteHours: int('PATIENT_SESSION_ABSOLUTE_HOURS', 12, 1, 7 * 24),
    vapidKeys: vapidKeyPair(env, problems),
    vapidSubject: vapidSubject(env, publicUrl, nodeEnv, problems),
    pushAllowLocalEndpoints,
    ...overrides,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Both keys or neither. A configured pair is checked at start: a typo would otherwise surface only
 * as every push being refused by the push services.
 */
function vapidKeyPair(env: Env, problems: string[]): VapidKeyPair | null {
  const publicKey = env.VAPID_PUBLIC_KEY ?? '';
  const privateKey = env.VAPID_PRIVATE_KEY ?? '';
  if (publicKey === '' && privateKey === '') return null;
  if (publicKey === '' || privateKey === '') {
    problems.push('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY must be set together (or neither)');
    return null;
  }
  const pub = BASE64URL.test(publicKey) ? Buffer.from(publicKey, 'base64url') : Buffer.alloc(0);
  const priv = BASE64URL.test(privateKey) ? Buffer.from(privateKey, 'base64url') : Buffer.alloc(0);
  if (pub.length !== 65 || pub[0] !== 0x04) {
    problems.push(
      'VAPID_PUBLIC_KEY must be a P-256 public key, base64url (65 bytes, as web-push generate-vapid-keys prints)',
    );
    return null;
  }
  if (priv.length !== 32) {
    problems.push('VAPID_PRIVATE_KEY must be a P-256 private key, base64url (32 bytes)');
    return null;
  }
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(priv);
    if (!ecdh.getPublicKey().equals(pub)) problems.push('VAPID_PUBLIC_KEY is not the public key of VAPID_PRIVATE_KEY');
  } catch {
    problems.push('VAPID_PRIVATE_KEY is not a valid P-256 private key');
  }
  return { publicKey, privateKey };
}

/** Push services contact this address about problems; PUBLIC_URL serves when it is https. */
function vapidSubject(env: Env, publicUrl: string, nodeEnv: string, problems: string[]): string {
  const raw = env.VAPID_SUBJECT ?? '';
  if (raw !== '') {
    try {
      const u = new URL(raw);
      if (u.protocol === 'mailto:' || u.protocol === 'https:') return raw;
    } catch {
      // reported below
    }
    problems.push('VAPID_SUBJECT must be a mailto: or https: URL, e.g. mailto:push-admin@example.nhs.uk');
    return raw;
  }
  if (publicUrl.startsWith('https:')) return publicUrl;
  if (nodeEnv === 'production') problems.push('VAPID_SUBJECT is required unless PUBLIC_URL is https');
  return 'mailto:push@localhost.invalid';
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The key is given inline (PEM) or as a path to a file holding it, so it can come from a secrets
 * manager's variable or a mounted secret file; either way it is checked here, at start.
 */
function readPrivateKey(raw: string, problems: string[]): string | null {
  let pem = raw;
  if (!raw.trimStart().startsWith('-----BEGIN')) {
    try {
      pem = readFileSync(raw, 'utf8');
    } catch {
      problems.push('PATIENT_OIDC_PRIVATE_KEY is neither a PEM key nor a readable file');
      return null;
    }
  }
  if (!pem.includes('-----BEGIN PRIVATE KEY-----')) {
    problems.push('PATIENT_OIDC_PRIVATE_KEY must be a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)');
    return null;
  }
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa' || (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
      problems.push('PATIENT_OIDC_PRIVATE_KEY must be an RSA key of at least 2048 bits (it signs with RS512)');
      return null;
    }
  } catch {
    problems.push('PATIENT_OIDC_PRIVATE_KEY is not a valid private key');
    return null;
  }
  return pem;
}

function patientOidcConfig(
  env: Env,
  nodeEnv: string,
  allowHttp: boolean,
  problems: string[],
): PatientOidcConfig | null {
  const issuer = env.PATIENT_OIDC_ISSUER;
  if (issuer === undefined || issuer === '') return null;
  if (allowHttp && nodeEnv === 'production') problems.push('PATIENT_OIDC_ALLOW_HTTP must not be set in production');
  try {
    const u = new URL(issuer);
    const localHttp = allowHttp && u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname);
    if (u.protocol !== 'https:' && !localHttp) problems.push('PATIENT_OIDC_ISSUER must use https:');
  } catch {
    problems.push('PATIENT_OIDC_ISSUER is not a valid URL');
  }
  const clientId = env.PATIENT_OIDC_CLIENT_ID ?? '';
  if (clientId === '') problems.push('PATIENT_OIDC_CLIENT_ID is required with PATIENT_OIDC_ISSUER');
  const rawKey = env.PATIENT_OIDC_PRIVATE_KEY ?? '';
  if (rawKey === '') problems.push('PATIENT_OIDC_PRIVATE_KEY is required with PATIENT_OIDC_ISSUER');
  const privateKeyPem = rawKey === '' ? null : readPrivateKey(rawKey, problems);
  const scopes = (env.PATIENT_OIDC_SCOPES || 'openid profile email phone').trim().split(/\s+/);
  if (!scopes.includes('openid')) problems.push('PATIENT_OIDC_SCOPES must include openid');
  const vtr = env.PATIENT_OIDC_VTR || null;
  if (vtr !== null && !isStringArrayJson(vtr)) {
    problems.push('PATIENT_OIDC_VTR must be a JSON array of strings, e.g. ["P9.Cp.Cd","P9.Cp.Ck","P9.Cm"]');
  }
  return {
    issuer,
    clientId,
    privateKeyPem: privateKeyPem ?? '',
    kid: env.PATIENT_OIDC_KID || null,
    scopes: scopes.join(' '),
    vtr,
    allowHttp,
  };
}

function isStringArrayJson(raw: string): boolean {
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) && parsed.length > 0 && parsed.every((v) => typeof v === 'string');
  } catch {
    return false;
  }
}
