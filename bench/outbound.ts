/**
 * npm run bench:outbound — the outbound (NHS App–compatible) API against a real server on
 * PostgreSQL: single in-app sends at a steady rate, bulk Bundles, the server's Web Push dispatch to
 * a local push service, and the floor of writing the bulk rows straight to the database. See
 * bench/README.md. Prints exactly one JSON line on stdout;
 * progress goes to stderr. A run that misses its targets still exits 0 (a reader judges).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseFlags, UsageError } from './lib/args.js';
import { runBulkPhase, bulkEntries, type BulkResult } from './lib/bulkPhase.js';
import { Cleanups, runBench } from './lib/cleanups.js';
import { cpuBetween, type CpuFigures, type Snapshot } from './lib/cpuWindow.js';
import { keepAliveAgent } from './lib/http.js';
import { testRangeNhsNumbers } from '../src/testing/nhsNumbers.js';
import { accessToken, CONTENT } from './lib/outboundApi.js';
import { enrolPatients, openBenchDeps, seedSender, settleDatabase } from './lib/outboundSeed.js';
import { RssSampler } from './lib/proc.js';
import { runPushPhase, type PushResult } from './lib/pushPhase.js';
import { runRawInsertPhase, type RawInsertResult } from './lib/rawInsertPhase.js';
import { createBenchDatabase, databaseUrl, dropBenchDatabase } from './lib/seed.js';
import { freePort, startServer, stopServer, waitReady, type ServerProcess } from './lib/server.js';
import { runSinglePhase, type SingleResult } from './lib/singlePhase.js';

const FLAGS = {
  'single-rate': { kind: 'number', default: 2000, help: 'single in-app sends per second (open loop)' },
  'single-duration': { kind: 'number', default: 20, help: 'measured seconds of single sends' },
  'single-warmup': {
    kind: 'number',
    default: 5,
    help: 'seconds of warm-up before measuring, rising from a tenth of the rate to the full rate (excluded)',
  },
  bundles: { kind: 'int', default: 6, help: 'bulk Bundles to send' },
  'bundle-size': { kind: 'int', default: 50_000, help: 'CommunicationRequest entries per Bundle (at most 50,000)' },
  'bulk-concurrency': { kind: 'int', default: 2, help: 'Bundles in flight at once (and rawInsert connections)' },
  patients: { kind: 'int', default: 50_000, help: 'P9 patients enrolled before the load starts' },
  pushes: {
    kind: 'int',
    default: 50_000,
    help: 'push phase: messages written at once, each to a new patient with one device',
  },
  phases: {
    kind: 'string',
    default: 'single,bulk,push,rawInsert',
    help: 'phases to run, comma-separated (rawInsert uses the bulk phase’s sizes)',
  },
  url: { kind: 'string', help: 'use an already-running server (http://host:port) instead of starting one' },
  pid: { kind: 'int', help: 'with --url: the server process id, to read its RSS and CPU' },
  'public-url': { kind: 'string', help: "with --url: the server's PUBLIC_URL, if not --url (the token audience)" },
  'database-url': {
    kind: 'string',
    help: "with --url: the server's DATABASE_URL, for set-up (MASTER_KEY must be in the environment); default $DATABASE_URL",
  },
  'admin-url': {
    kind: 'string',
    default: process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    help: 'PostgreSQL connection used to create and drop the bench database ($BENCH_PG_ADMIN_URL)',
  },
  'keep-db': {
    kind: 'bool',
    default: false,
    help: 'do not drop the bench database at the end',
  },
  'server-node-args': {
    kind: 'string',
    help: 'extra node flags for the started server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof-outbound"',
  },
  'max-sockets': { kind: 'int', default: 256, help: 'keep-alive HTTP connections from the load generator' },
} as const;

/** In the order they run: rawInsert stops the server, so it comes last. */
const PHASES = ['single', 'bulk', 'push', 'rawInsert'] as const;
type PhaseName = (typeof PHASES)[number];

const log = (line: string) => process.stderr.write(`${line}\n`);
const round = (n: number, places = 1) => Math.round(n * 10 ** places) / 10 ** places;
const cleanups = new Cleanups(log);

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2), FLAGS);
  const rate = f['single-rate'] as number;
  const durationS = f['single-duration'] as number;
  const bundleCount = f.bundles as number;
  const bundleSize = f['bundle-size'] as number;
  const concurrency = f['bulk-concurrency'] as number;
  const patients = f.patients as number;
  const pushes = f.pushes as number;
  const adminUrl = f['admin-url'] as string;
  const phases = new Set((f.phases as string).split(',').map((p) => p.trim()));
  for (const p of phases) {
    if (!(PHASES as readonly string[]).includes(p)) throw new UsageError(`--phases: unknown phase "${p}"`);
  }
  const runs = (p: PhaseName) => phases.has(p);
  if (rate <= 0 || durationS <= 0) throw new UsageError('--single-rate and --single-duration must be above 0');
  if (bundleCount < 1 || concurrency < 1) throw new UsageError('--bundles and --bulk-concurrency must be at least 1');
  if (bundleSize < 1 || bundleSize > 50_000) throw new UsageError('--bundle-size must be from 1 to 50,000');
  // Enrolled and unknown numbers are distinct, and the 999 range holds about 909,000 valid ones.
  if (patients < 1 || patients > 450_000) throw new UsageError('--patients must be from 1 to 450,000');
  // The push phase's patients are new numbers after those.
  const pushCount = runs('push') ? pushes : 0;
  if (runs('push') && (pushes < 1 || 2 * patients + pushes > 900_000)) {
    throw new UsageError('--pushes must be from 1 to 900,000 less twice --patients');
  }
  const runTag = randomBytes(4).toString('hex');

  // ---- database ------------------------------------------------------------------------------------
  let dbUrl: string;
  let masterKey: string;
  if (f.url) {
    dbUrl = (f['database-url'] as string | undefined) ?? process.env.DATABASE_URL ?? '';
    masterKey = process.env.MASTER_KEY ?? '';
    if (!dbUrl || !masterKey) {
      throw new UsageError(
        "--url needs the server's database for set-up: pass --database-url (or DATABASE_URL) and MASTER_KEY in the environment",
      );
    }
  } else {
    const name = await createBenchDatabase(adminUrl);
    dbUrl = databaseUrl(adminUrl, name);
    log(`created database ${name}`);
    if (!f['keep-db']) {
      cleanups.add('drop database', async () => {
        await dropBenchDatabase(adminUrl, name);
        log(`dropped database ${name}`);
      });
    }
    masterKey = randomBytes(32).toString('base64');
  }

  // ---- set-up through the project's own functions ----------------------------------------------------
  const deps = await openBenchDeps(dbUrl, masterKey);
  cleanups.add('close bench database pool', () => deps.db.close());
  const sender = await seedSender(deps);
  log(`registered API client ${sender.clientId} for ${sender.odsCode}`);
  const numbers = testRangeNhsNumbers(2 * patients + pushCount);
  const recipients = { enrolled: numbers.slice(0, patients), unknown: numbers.slice(patients, 2 * patients) };
  const pushNumbers = numbers.slice(2 * patients);
  const tEnrol = performance.now();
  await enrolPatients(deps, recipients.enrolled);
  const enrolS = (performance.now() - tEnrol) / 1000;
  log(`enrolled ${patients} P9 patients in ${round(enrolS, 2)} s (${Math.round(patients / enrolS)}/s)`);

  // ---- server ----------------------------------------------------------------------------------------
  let base: URL;
  let serverPid: number | null;
  let server: ServerProcess | null = null;
  if (f.url) {
    base = new URL(f.url as string);
    serverPid = (f.pid as number | undefined) ?? null;
  } else {
    server = startServer({
      databaseUrl: dbUrl,
      masterKey,
      port: await freePort(),
      nodeArgs: ((f['server-node-args'] as string | undefined) ?? '').split(/\s+/).filter(Boolean),
      extraEnv: {
        // Required in production on a plain-http PUBLIC_URL.
        VAPID_SUBJECT: 'mailto:bench@confide.invalid',
        // The push phase's push service is plain http on 127.0.0.1, which the server reaches only
        // with PUSH_ALLOW_LOCAL_ENDPOINTS, and config refuses that under NODE_ENV=production. The
        // server reads NODE_ENV for nothing else (LOG_LEVEL and SECURE_COOKIES are set explicitly),
        // so with the push phase it runs as 'test' and otherwise as in production.
        ...(runs('push') ? { NODE_ENV: 'test', PUSH_ALLOW_LOCAL_ENDPOINTS: 'true' } : {}),
      },
      log,
    });
    const s = server;
    cleanups.add('stop server', () => stopServer(s));
    base = server.url;
    serverPid = server.pid;
    log(`started server pid ${server.pid} on ${base.origin}`);
  }
  const publicUrl = new URL((f['public-url'] as string | undefined) ?? base.origin);
  const rss = serverPid !== null ? new RssSampler(serverPid).start() : null;
  cleanups.add('stop RSS sampler', () => rss?.stop());
  await waitReady(base, server?.exited ?? null);
  const rssAt: Record<string, number | null> = {};
  const stage = (name: string) => {
    const v = rss?.sample() ?? null;
    rssAt[name] = v === null ? null : round(v);
  };
  stage('ready');
  log(`server ready (RSS ${rssAt.ready ?? '?'} MB)`);
  const agent = keepAliveAgent(f['max-sockets'] as number);
  cleanups.add('close HTTP connections', () => agent.destroy());
  // Tokens last ten minutes, so each phase takes a fresh one as a long-running sender would.
  const token = () => accessToken(base, publicUrl, sender, agent);

  // ---- phases ----------------------------------------------------------------------------------------
  const cpu: Partial<Record<PhaseName, CpuFigures>> = {};
  const measured = (phase: PhaseName, window: { start: Snapshot; end: Snapshot }) => {
    const c = cpuBetween(window.start, window.end);
    cpu[phase] = c;
    // Other people's work on the machine takes cores from the server and PostgreSQL alike.
    if (c.otherCpuS !== null && c.cores !== null && c.otherCpuS > 0.1 * c.windowS * c.cores) {
      log(`warning: other processes used ${c.otherCpuS} CPU s in the ${c.windowS} s ${phase} window; not a clean run`);
    }
  };
  const failuresByStatus: Partial<Record<PhaseName, Record<string, number>>> = {};
  let single: SingleResult | null = null;
  let bulk: BulkResult | null = null;
  let rawInsert: RawInsertResult | null = null;
  let push: PushResult | null = null;
  const campaignId = `bench-${runTag}`;

  if (!cleanups.started && runs('single')) {
    await settleDatabase(deps, log);
    const r = await runSinglePhase({
      base,
      agent,
      token: await token(),
      odsCode: sender.odsCode,
      recipients,
      rate,
      durationS,
      warmupS: f['single-warmup'] as number,
      runTag,
      serverPid,
      rss,
      log,
    });
    single = r.result;
    measured('single', r.window);
    failuresByStatus.single = r.failures;
    stage('afterSingle');
  }
  const bulkShape = { recipients, bundles: bundleCount, bundleSize, runTag };
  if (!cleanups.started && runs('bulk')) {
    await settleDatabase(deps, log);
    const r = await runBulkPhase({
      ...bulkShape,
      base,
      agent,
      token: await token(),
      odsCode: sender.odsCode,
      clientId: sender.clientId,
      concurrency,
      campaignId,
      serverPid,
      db: deps.db,
      log,
    });
    bulk = r.result;
    measured('bulk', r.window);
    failuresByStatus.bulk = r.failures;
    stage('afterBulk');
  }
  if (!cleanups.started && runs('push')) {
    const r = await runPushPhase({
      deps,
      databaseUrl: dbUrl,
      sender,
      nhsNumbers: pushNumbers,
      content: CONTENT,
      campaignId: `push-${runTag}`,
      runTag,
      serverPid,
      settle: () => settleDatabase(deps, log),
      stopped: () => cleanups.started,
      log,
    });
    push = r.result;
    measured('push', r.window);
    stage('afterPush');
  }
  stage('final');
  if (!cleanups.started && runs('rawInsert')) {
    // The floor needs no server, and one left running would compete with it (it dispatches the
    // bulk phase's pushes in the background). A server given with --url keeps running.
    if (server) await stopServer(server);
    await settleDatabase(deps, log);
    const r = await runRawInsertPhase({
      deps,
      databaseUrl: dbUrl,
      sender,
      bundles: bulkEntries(bulkShape),
      content: CONTENT,
      campaignId,
      concurrency,
      serverPid,
      log,
    });
    rawInsert = r.result;
    measured('rawInsert', r.window);
  }

  // ---- report ----------------------------------------------------------------------------------------
  // Interrupted: the figures are of a run that did not finish, so none are printed.
  if (cleanups.started) return;
  const perPhase = <K extends keyof CpuFigures>(key: K) =>
    Object.fromEntries(Object.entries(cpu).map(([phase, c]) => [phase, c[key]]));
  const result = {
    bench: 'outbound',
    database: 'postgresql',
    patients,
    enrolSeconds: round(enrolS, 2),
    single,
    bulk,
    rawInsert,
    push,
    serverRssMb: { max: rss?.max != null ? round(rss.max) : null, ...rssAt },
    serverCpuS: perPhase('serverCpuS'),
    postgresCpuS: perPhase('postgresCpuS'),
    clientCpuS: perPhase('clientCpuS'),
    otherCpuS: perPhase('otherCpuS'),
    machineCpuBusyPct: perPhase('machineCpuBusyPct'),
    windowS: perPhase('windowS'),
    cores: Object.values(cpu)[0]?.cores ?? null,
    failuresByStatus,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

runBench('bench:outbound', cleanups, log, main);
