/**
 * The only reader of the environment. Parsed once, synchronously, at start; every problem is
 * collected so an operator sees the whole list at once rather than fixing one variable per restart.
 * Each variable is documented in docs/CONFIGURATION.md — keep the two in step.
 */
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
  /** Sets the Secure flag on cookies; off only for plain-http local development. */
  secureCookies: boolean;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  loginMaxFailures: number;
  loginLockoutMinutes: number;
  /** Serve the built web app from dist/web when present. */
  serveWeb: boolean;
  trustProxy: boolean;
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
    secureCookies: bool('SECURE_COOKIES', nodeEnv === 'production'),
    sessionIdleMinutes: int('SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
    sessionAbsoluteHours: int('SESSION_ABSOLUTE_HOURS', 12, 1, 7 * 24),
    loginMaxFailures: int('LOGIN_MAX_FAILURES', 5, 1, 100),
    loginLockoutMinutes: int('LOGIN_LOCKOUT_MINUTES', 15, 1, 24 * 60),
    serveWeb: bool('SERVE_WEB', true),
    trustProxy: bool('TRUST_PROXY', false),
    ...overrides,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
