/**
 * The only reader of the environment. Parsed once, synchronously, at start; every problem is
 * collected so an operator sees the whole list at once rather than fixing one variable per restart.
 * Each variable is documented in docs/CONFIGURATION.md — keep the two in step.
 */
import { createPrivateKey } from 'node:crypto';
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
};

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
  const demo = bool('DEMO', false);
  if (demo && nodeEnv === 'production' && databaseUrl) {
    problems.push('DEMO must not be enabled against a production PostgreSQL database');
  }

  const config: Config = {
    env: nodeEnv as Config['env'],
    host,
    port,
    publicUrl: url('PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`,
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
    ...overrides,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
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
