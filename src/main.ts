#!/usr/bin/env node
/**
 * The command line: start | migrate | seed | audit verify | keys rotate.
 * Exit codes: 0 success, 1 a check failed (e.g. audit verify), 2 usage or configuration error.
 */
import './platform/runtime/gcTuning.js';
import { build } from './app.js';
import { startCallbackRunner } from './outbound/callbacks/callbackRunner.js';
import { startFallbackRunner } from './outbound/fallback/fallbackRunner.js';
import { startPushRunner } from './outbound/push/pushRunner.js';
import { startCredentialSweeper } from './identity/expiredCredentials.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { DEMO_PATIENTS, seedDemo } from './demo/seedDemo.js';
import { verifyAudit } from './platform/audit/auditLog.js';
import { KeyRing, rotateKeys } from './platform/crypto/keyring.js';
import { CRYPTO_IMPLEMENTATION } from './platform/crypto/workerKeys.js';
import { loadMasterKeys } from './platform/crypto/masterKeys.js';
import { migrate } from './platform/db/migrate.js';
import { openDatabase } from './platform/db/open.js';

const USAGE = `usage: confide <command>
  start [--demo]          run the server (--demo seeds and prints demo logins)
  migrate                 apply database migrations
  seed                    create the demo organisation, services and staff
  audit verify            check the audit log's hash chains; exit 1 naming the first bad entry
  keys rotate [--new-data-keys]
                          re-wrap data keys under MASTER_KEY (old key in MASTER_KEY_PREVIOUS)`;

async function withDatabase<T>(
  config: Config,
  fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
): Promise<T> {
  const db = await openDatabase(config);
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function start(config: Config): Promise<void> {
  const app = await build(config);
  if (config.demo) {
    const creds = await seedDemo(app.deps);
    const base = config.publicUrl;
    // Demo mode only: printed so a newcomer can sign in straight away.
    process.stdout.write(
      `\nConfide demo is running.\n  Service user pages: ${creds.servicePaths.map((p) => base + p).join('  ')}\n` +
        `  Staff console:      ${base}/staff/login\n  Clinician login:    ${creds.email}\n` +
        `  Supervisor login:   ${creds.supervisorEmail}\n  Password (both):    ${creds.password}\n` +
        `  Test patients:      ${DEMO_PATIENTS.map((p) => `${p.nhsNumber} (${p.identityLevel})`).join(', ')}\n` +
        `  API documentation:  ${base}/docs\n\n`,
    );
  }
  // Operators should know when the native addon is not in use: bulk sends then cost more CPU.
  if (CRYPTO_IMPLEMENTATION === 'native') app.log.info('hashing and sealing: keyed contexts by the native addon');
  else
    app.log.warn(
      'hashing and sealing: the native addon (native/keyed-crypto) is not built, or did not agree with node:crypto; node:crypto does it, slower',
    );
  const callbacks = startCallbackRunner(app.deps, app.log);
  const pushes = startPushRunner(app.deps, app.log);
  const fallbacks = startFallbackRunner(app.deps, app.log);
  const sweeper = startCredentialSweeper(app.deps, app.log);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    Promise.all([callbacks.stop(), pushes.stop(), fallbacks.stop(), sweeper.stop()])
      .then(() => app.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          app.log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  await app.listen({ host: config.host, port: config.port });
}

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  const flags = new Set([sub, ...rest].filter((a): a is string => a?.startsWith('--') ?? false));
  let config: Config;
  try {
    config = loadConfig(undefined, flags.has('--demo') ? { demo: true } : {});
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee docs/CONFIGURATION.md.\n`);
      return 2;
    }
    throw err;
  }
  switch (command ?? '') {
    case 'start':
      await start(config);
      return -1;
    case 'migrate': {
      const db = await openDatabase(config);
      try {
        const { applied } = await migrate(db);
        process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'migrations up to date\n');
      } finally {
        await db.close();
      }
      return 0;
    }
    case 'seed': {
      const app = await build(config);
      try {
        const creds = await seedDemo(app.deps);
        process.stdout.write(`demo data ready; staff logins ${creds.email}, ${creds.supervisorEmail}\n`);
      } finally {
        await app.close();
      }
      return 0;
    }
    case 'audit':
      if (sub !== 'verify') break;
      return withDatabase(config, async (db) => {
        const key = await new KeyRing(db, loadMasterKeys(config)).auditKey();
        const result = await verifyAudit(db, key);
        if (result.ok) {
          process.stdout.write(`audit log intact: ${result.entries} entries in ${result.chains} chains\n`);
          return 0;
        }
        process.stderr.write(
          `audit log check FAILED: chain ${result.chain}, entry ${result.position}${result.id ? ` (row id ${result.id})` : ''}: ${result.problem}\n`,
        );
        return 1;
      });
    case 'keys':
      if (sub !== 'rotate') break;
      return withDatabase(config, async (db) => {
        const result = await rotateKeys(db, loadMasterKeys(config), { newDataKeys: flags.has('--new-data-keys') });
        process.stdout.write(`re-wrapped ${result.rewrapped} data keys; created ${result.created} new data keys\n`);
        return 0;
      });
    default:
      break;
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
