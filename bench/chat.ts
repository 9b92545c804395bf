/**
 * npm run bench:chat — end-to-end chat throughput and delivery latency against a real server on
 * PostgreSQL. See bench/README.md. Prints exactly one JSON line on stdout; progress goes to stderr.
 * Exits non-zero when set-up fails; a run that misses its targets still exits 0 (a reader judges).
 */
import { randomBytes } from 'node:crypto';
import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';
import type WebSocket from 'ws';
import { parseFlags, UsageError } from './lib/args.js';
import { keepAliveAgent, mapLimit, request } from './lib/http.js';
import { openPublicSocket, openStaffSocket } from './lib/live.js';
import { readCpuSeconds, readMachineCpu, readPostgresCpuSeconds, RssSampler, ticksPerSecond } from './lib/proc.js';
import {
  createBenchDatabase,
  databaseName,
  databaseUrl,
  dropBenchDatabase,
  readDatabaseStats,
  seedOrganisations,
  type SeededService,
} from './lib/seed.js';
import { freePort, startServer, stopServer, waitReady, type ServerProcess } from './lib/server.js';

const FLAGS = {
  conversations: {
    kind: 'int',
    default: 1000,
    help: 'concurrent conversations (each with a live service-user socket)',
  },
  services: { kind: 'int', default: 50, help: 'services, one clinician (and one staff socket) each' },
  organisations: {
    kind: 'int',
    default: 1,
    help: 'organisations the services are spread over (each has its own audit chain and data key)',
  },
  rate: { kind: 'number', default: 500, help: 'messages per second, all conversations together (open loop)' },
  duration: { kind: 'number', default: 60, help: 'measured seconds' },
  warmup: { kind: 'number', default: 5, help: 'seconds of load before measuring (excluded from the figures)' },
  'timeout-ms': { kind: 'int', default: 5000, help: 'a message not delivered within this long counts as a timeout' },
  url: { kind: 'string', help: 'use an already-running server (http://host:port) instead of starting one' },
  pid: { kind: 'int', help: 'with --url: the server process id, to read its RSS and CPU' },
  'database-url': {
    kind: 'string',
    help: "with --url: the server's DATABASE_URL, for set-up (MASTER_KEY must be in the environment); default $DATABASE_URL",
  },
  'admin-url': {
    kind: 'string',
    default: process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    help: 'PostgreSQL connection used to create and drop the bench database ($BENCH_PG_ADMIN_URL)',
  },
  'keep-db': { kind: 'bool', default: false, help: 'do not drop the bench database at the end' },
  'server-node-args': {
    kind: 'string',
    help: 'extra node flags for the started server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/confide-prof"',
  },
  'max-sockets': { kind: 'int', default: 256, help: 'keep-alive HTTP connections from the load generator' },
} as const;

type Direction = 'staff' | 'public';
type Conversation = {
  id: string;
  /** Pre-built so the hot path allocates as little as possible. */
  publicHeaders: Record<string, string>;
  staffHeaders: Record<string, string>;
  staffPath: string;
  next: Direction;
};
type Pending = { to: Direction; conversationId: string; t0: number; measured: boolean };

const log = (line: string) => process.stderr.write(`${line}\n`);
const round = (n: number, places = 2) => Math.round(n * 10 ** places) / 10 ** places;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Everything set-up creates is undone here, newest first, on success, error and SIGINT alike.
const cleanups: { name: string; fn: () => Promise<void> | void }[] = [];
let cleaningUp: Promise<boolean> | null = null;
function runCleanups(): Promise<boolean> {
  cleaningUp ??= (async () => {
    let ok = true;
    for (const c of cleanups.reverse()) {
      try {
        await c.fn();
      } catch (err) {
        ok = false;
        log(`clean-up "${c.name}" failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return ok;
  })();
  return cleaningUp;
}

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2), FLAGS);
  const conversationsWanted = f.conversations as number;
  const serviceCount = f.services as number;
  const rate = f.rate as number;
  const durationS = f.duration as number;
  const warmupS = f.warmup as number;
  const timeoutMs = f['timeout-ms'] as number;
  const adminUrl = f['admin-url'] as string;
  if (serviceCount < 1 || conversationsWanted < 1 || rate <= 0 || durationS <= 0) {
    throw new UsageError('--services, --conversations, --rate and --duration must be above 0');
  }
  const runTag = randomBytes(4).toString('hex');

  // ---- database and server -------------------------------------------------------------------
  let dbUrl: string;
  let masterKey: string;
  let server: ServerProcess | null = null;
  let base: URL;
  let serverPid: number | null;
  if (f.url) {
    base = new URL(f.url as string);
    serverPid = (f.pid as number | undefined) ?? null;
    const given = (f['database-url'] as string | undefined) ?? process.env.DATABASE_URL;
    masterKey = process.env.MASTER_KEY ?? '';
    if (!given || !masterKey) {
      throw new UsageError(
        "--url needs the server's database for set-up: pass --database-url (or DATABASE_URL) and MASTER_KEY in the environment",
      );
    }
    dbUrl = given;
  } else {
    const name = await createBenchDatabase(adminUrl);
    dbUrl = databaseUrl(adminUrl, name);
    log(`created database ${name}`);
    if (!f['keep-db']) {
      cleanups.push({
        name: 'drop database',
        fn: async () => {
          await dropBenchDatabase(adminUrl, name);
          log(`dropped database ${name}`);
        },
      });
    }
    masterKey = randomBytes(32).toString('base64');
    base = new URL('http://127.0.0.1');
    serverPid = null;
  }

  const seedStart = performance.now();
  const organisationCount = f.organisations as number;
  if (organisationCount < 1 || organisationCount > serviceCount) {
    throw new UsageError('--organisations must be from 1 to --services');
  }
  const seeded = await seedOrganisations(dbUrl, masterKey, organisationCount, serviceCount, log);
  log(
    `seeded ${organisationCount} organisation(s) and ${serviceCount} services in ${round((performance.now() - seedStart) / 1000, 1)} s`,
  );

  if (!f.url) {
    const port = await freePort();
    server = startServer({
      databaseUrl: dbUrl,
      masterKey,
      port,
      nodeArgs: ((f['server-node-args'] as string | undefined) ?? '').split(/\s+/).filter(Boolean),
      log,
    });
    const s = server;
    cleanups.push({ name: 'stop server', fn: () => stopServer(s) });
    base = server.url;
    serverPid = server.pid;
    log(`started server pid ${server.pid} on ${base.origin}`);
  }
  const rss = serverPid !== null ? new RssSampler(serverPid).start() : null;
  cleanups.push({ name: 'stop RSS sampler', fn: () => rss?.stop() });
  await waitReady(base, server?.exited ?? null);
  // RSS at each stage of set-up, to tell start-up cost from per-connection and per-message cost.
  const rssAt: Record<string, number | null> = {};
  const stage = (name: string) => {
    const v = rss?.sample() ?? null;
    rssAt[name] = v === null ? null : round(v, 1);
  };
  stage('ready');
  log(`server ready (RSS ${rssAt.ready ?? '?'} MB)`);

  const agent = keepAliveAgent(f['max-sockets'] as number);
  const setupAgent = keepAliveAgent(32);
  const sockets: WebSocket[] = [];
  cleanups.push({
    name: 'close sockets',
    fn: () => {
      for (const s of sockets) s.terminate();
      agent.destroy();
      setupAgent.destroy();
    },
  });

  // ---- staff sign in and open their consoles -----------------------------------------------------
  const t = performance.now();
  const cookies = await mapLimit(seeded.services, 2, async (svc: SeededService) => {
    const res = await request(
      base,
      'POST',
      '/api/staff/login',
      { email: svc.staff.email, password: svc.staff.password },
      { agent: setupAgent, readBody: true },
    );
    const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    const cookie = set.map((c) => /^(confide_session=[^;]+)/.exec(c)?.[1]).find(Boolean);
    if (res.status !== 200 || !cookie) throw new Error(`staff login answered ${res.status} ${res.body.slice(0, 200)}`);
    if ((JSON.parse(res.body) as { mfaRequired?: boolean }).mfaRequired) throw new Error('staff login wants MFA');
    return cookie;
  });
  log(`${cookies.length} staff signed in in ${round((performance.now() - t) / 1000, 1)} s`);
  stage('afterLogins');

  // Staff sockets hear every message of their service; the service user's own echo is skipped.
  const pending = new Map<number, Pending>();
  const hist = createHistogram();
  let secondHist: RecordableHistogram = createHistogram();
  let delivered = 0;
  let deliveredAll = 0;
  const MARK = /~m(\d+)~/;
  const onFrame = (to: Direction, data: Buffer) => {
    const s = data.toString('utf8');
    if (!s.startsWith('{"type":"message"')) return;
    const m = MARK.exec(s);
    if (!m) return;
    const id = Number(m[1]);
    const p = pending.get(id);
    if (!p || p.to !== to) return; // an echo of the sender's own message
    const latencyUs = Math.max(1, Math.round((performance.now() - p.t0) * 1000));
    pending.delete(id);
    deliveredAll++;
    secondHist.record(latencyUs);
    if (p.measured) {
      hist.record(latencyUs);
      delivered++;
    }
  };

  await mapLimit(cookies, 10, async (cookie) => {
    const ws = await openStaffSocket(base, cookie);
    sockets.push(ws);
    ws.on('message', (data: Buffer) => onFrame('staff', data));
  });
  log(`${cookies.length} staff live sockets open`);

  // ---- service users start conversations and open their sockets ------------------------------------
  // Starting is limited to 20 a minute per client address. Every 127/8 address reaches the
  // loopback server, so set-up spreads its requests over source addresses, 10 to each.
  const loopback = /^127\.\d+\.\d+\.\d+$/.test(base.hostname);
  if (!loopback && conversationsWanted > 20) {
    log(
      `warning: ${base.hostname} is not an IPv4 loopback address; starting more than 20 conversations will be throttled`,
    );
  }
  const sourceAddress = (i: number) => {
    const k = Math.floor(i / 10);
    return `127.0.${1 + Math.floor(k / 250)}.${1 + (k % 250)}`;
  };
  const t2 = performance.now();
  let started = 0;
  const conversations = await mapLimit(
    Array.from({ length: conversationsWanted }, (_, i) => i),
    16,
    async (i): Promise<Conversation & { token: string }> => {
      const svcIndex = i % serviceCount;
      const svc = seeded.services[svcIndex]!;
      const res = await request(
        base,
        'POST',
        `/api/public/services/${svc.slug}/conversations`,
        { message: 'Hello, I would like some advice please.', clientRef: `start-${runTag}-${i}` },
        { agent: setupAgent, readBody: true, ...(loopback ? { localAddress: sourceAddress(i) } : {}) },
      );
      if (res.status !== 201) throw new Error(`start conversation answered ${res.status} ${res.body.slice(0, 200)}`);
      const body = JSON.parse(res.body) as { conversationId: string; token: string };
      if (++started % 200 === 0) log(`started ${started}/${conversationsWanted} conversations`);
      return {
        id: body.conversationId,
        token: body.token,
        publicHeaders: { authorization: `Bearer ${body.token}` },
        staffHeaders: { cookie: cookies[svcIndex]! },
        staffPath: `/api/staff/conversations/${body.conversationId}/messages`,
        // The service user has just written; the clinician answers first, then they alternate.
        next: 'staff',
      };
    },
  );
  log(`${conversations.length} conversations started in ${round((performance.now() - t2) / 1000, 1)} s`);
  await mapLimit(conversations, 50, async (c) => {
    const ws = await openPublicSocket(base, c.token);
    sockets.push(ws);
    ws.on('message', (data: Buffer) => onFrame('public', data));
  });
  log(`${conversations.length} service-user live sockets open`);
  stage('afterSetUp');
  for (const ws of sockets) {
    ws.on('close', (code: number) => {
      if (!cleaningUp) log(`warning: a live socket closed during the run (${code})`);
    });
  }
  // Let start-up frames and the conversation.changed fan-out of set-up settle.
  await sleep(1000);

  // ---- load: open loop at --rate ----------------------------------------------------------------
  const interval = 1000 / rate;
  const total = Math.round(rate * (warmupS + durationS));
  const firstMeasured = Math.round(rate * warmupS);
  let issued = 0;
  let sent = 0;
  let failed = 0;
  let accepted = 0;
  let acceptedAll = 0;
  let timeouts = 0;
  let inflight = 0;
  let maxInflight = 0;
  const failures: Record<string, number> = {};
  let failureSamples = 0;
  const lag = createHistogram();
  const padding = 'I have been feeling low and would like to talk to someone about it, please.';

  const fail = (id: number, key: string, detail: string) => {
    const p = pending.get(id);
    if (p) pending.delete(id);
    if (!p?.measured) return;
    failed++;
    failures[key] = (failures[key] ?? 0) + 1;
    if (failureSamples++ < 5) log(`failure: ${key} ${detail.slice(0, 200)}`);
  };

  const send = (n: number, measured: boolean) => {
    const c = conversations[n % conversations.length]!;
    const to = c.next === 'staff' ? 'public' : 'staff'; // who should hear it
    const fromStaff = c.next === 'staff';
    c.next = fromStaff ? 'public' : 'staff';
    const body = { message: `${padding} ~m${n}~`, clientRef: `b-${runTag}-${n}` };
    if (measured) sent++;
    inflight++;
    if (inflight > maxInflight) maxInflight = inflight;
    pending.set(n, { to, conversationId: c.id, t0: performance.now(), measured });
    request(base, 'POST', fromStaff ? c.staffPath : '/api/public/conversation/messages', body, {
      agent,
      headers: fromStaff ? c.staffHeaders : c.publicHeaders,
      readBody: false,
      timeoutMs: 30_000,
    }).then(
      (res) => {
        inflight--;
        if (res.status < 200 || res.status >= 300) fail(n, String(res.status), res.body);
        else {
          acceptedAll++;
          if (measured) accepted++;
        }
      },
      (err: unknown) => {
        inflight--;
        fail(n, (err as NodeJS.ErrnoException).code ?? 'network', err instanceof Error ? err.message : String(err));
      },
    );
  };

  const sweep = () => {
    const now = performance.now();
    for (const [id, p] of pending) {
      if (now - p.t0 < timeoutMs) break; // insertion order is send order
      pending.delete(id);
      if (p.measured) timeouts++;
    }
  };

  type Snapshot = {
    at: number;
    serverCpu: number | null;
    client: NodeJS.CpuUsage;
    pgCpu: number | null;
    machine: ReturnType<typeof readMachineCpu>;
    pgStats: ReturnType<typeof readDatabaseStats>;
  };
  const snapshot = (): Snapshot => ({
    at: performance.now(),
    serverCpu: serverPid !== null ? readCpuSeconds(serverPid) : null,
    client: process.cpuUsage(),
    pgCpu: readPostgresCpuSeconds(),
    machine: readMachineCpu(),
    pgStats: readDatabaseStats(adminUrl, databaseName(dbUrl)),
  });

  log(`load: ${rate} msg/s over ${conversations.length} conversations, ${warmupS} s warm-up + ${durationS} s measured`);
  stage('beforeLoad');
  const t0 = performance.now();
  const measureFrom = t0 + warmupS * 1000;
  let windowStart: Snapshot | null = null;
  let windowEnd: Snapshot | null = null;
  let lastReport = { at: t0, issued: 0, deliveredAll: 0, acceptedAll: 0 };

  const sweeper = setInterval(sweep, 100);
  const reporter = setInterval(() => {
    const now = performance.now();
    const secs = (now - lastReport.at) / 1000;
    const p99 = secondHist.count ? round(secondHist.percentile(99) / 1000, 1) : null;
    log(
      `t=${round((now - t0) / 1000, 0)}s send=${round((issued - lastReport.issued) / secs, 0)}/s ` +
        `ok=${round((acceptedAll - lastReport.acceptedAll) / secs, 0)}/s ` +
        `deliver=${round((deliveredAll - lastReport.deliveredAll) / secs, 0)}/s p99=${p99}ms ` +
        `inflight=${inflight} pending=${pending.size} failed=${failed} timeouts=${timeouts} ` +
        `rss=${rss?.last !== null && rss?.last !== undefined ? round(rss.last, 0) : '?'}MB`,
    );
    secondHist = createHistogram();
    lastReport = { at: now, issued, deliveredAll, acceptedAll };
  }, 1000);
  cleanups.push({
    name: 'stop timers',
    fn: () => {
      clearInterval(sweeper);
      clearInterval(reporter);
    },
  });

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      if (!windowStart && now >= measureFrom) windowStart = snapshot();
      const due = Math.min(total, Math.floor((now - t0) / interval) + 1);
      while (issued < due) {
        const intended = t0 + issued * interval;
        const measured = issued >= firstMeasured;
        if (measured) lag.record(Math.max(1, Math.round((now - intended) * 1000)));
        send(issued, measured);
        issued++;
      }
      if (issued >= total) {
        clearInterval(timer);
        windowEnd = snapshot();
        resolve();
      }
    };
    const timer = setInterval(tick, 1);
    tick();
  });

  // ---- drain: wait for the last deliveries (or their timeouts) ------------------------------------
  const drainDeadline = performance.now() + timeoutMs + 1000;
  while ((pending.size > 0 || inflight > 0) && performance.now() < drainDeadline) await sleep(50);
  sweep();
  for (const [id, p] of pending) {
    pending.delete(id);
    if (p.measured) timeouts++;
  }
  clearInterval(sweeper);
  clearInterval(reporter);
  rss?.sample();

  // ---- report -------------------------------------------------------------------------------------
  const ws0 = windowStart as Snapshot | null;
  const ws1 = windowEnd as Snapshot | null;
  const windowS = ws0 && ws1 ? (ws1.at - ws0.at) / 1000 : durationS;
  const diff = (a: number | null | undefined, b: number | null | undefined) =>
    a === null || a === undefined || b === null || b === undefined ? null : round(b - a, 2);
  const clientCpuS =
    ws0 && ws1 ? round((ws1.client.user + ws1.client.system - ws0.client.user - ws0.client.system) / 1e6) : null;
  const machineBusyPct =
    ws0?.machine && ws1?.machine
      ? round(((ws1.machine.busy - ws0.machine.busy) / (ws1.machine.total - ws0.machine.total)) * 100, 1)
      : null;
  const machineBusyS = ws0?.machine && ws1?.machine ? (ws1.machine.busy - ws0.machine.busy) / ticksPerSecond() : null;
  const serverCpuS = diff(ws0?.serverCpu, ws1?.serverCpu);
  const postgresCpuS = diff(ws0?.pgCpu, ws1?.pgCpu);
  // What the rest of the machine used in the window (other people's processes, the kernel's softirq…).
  const otherCpuS =
    machineBusyS === null ? null : round(machineBusyS - (serverCpuS ?? 0) - (postgresCpuS ?? 0) - (clientCpuS ?? 0));
  const [pg0, pg1] = ws0 && ws1 ? await Promise.all([ws0.pgStats, ws1.pgStats]) : [null, null];
  const ms = (v: number) => round(v / 1000, 2);
  const result = {
    bench: 'chat',
    conversations: conversations.length,
    services: serviceCount,
    organisations: organisationCount,
    targetRate: rate,
    durationS,
    warmupS,
    sent,
    delivered,
    failed,
    timeouts,
    messagesPerSecond: round(delivered / durationS, 1),
    sentPerSecond: round(sent / durationS, 1),
    // POSTs answered 2xx (whenever the answer came): the server's write throughput, even when
    // deliveries are too late to count.
    acceptedPerSecond: round(accepted / durationS, 1),
    latencyMs: hist.count
      ? { p50: ms(hist.percentile(50)), p95: ms(hist.percentile(95)), p99: ms(hist.percentile(99)), max: ms(hist.max) }
      : { p50: null, p95: null, p99: null, max: null },
    serverRssMb: {
      max: rss?.max != null ? round(rss.max, 1) : null,
      final: rss?.last != null ? round(rss.last, 1) : null,
      ...rssAt,
    },
    serverCpuS,
    clientCpuS,
    postgresCpuS,
    otherCpuS,
    machineCpuBusyPct: machineBusyPct,
    cores: ws1?.machine?.cores ?? null,
    windowS: round(windowS, 2),
    schedulerLagMs: lag.count ? { p99: ms(lag.percentile(99)), max: ms(lag.max) } : null,
    maxInflightRequests: maxInflight,
    pgCommitsPerMessage: pg0 && pg1 && sent ? round((pg1.xactCommit - pg0.xactCommit) / sent, 1) : null,
    failuresByStatus: failures,
    database: 'postgresql',
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function onSignal(signal: NodeJS.Signals) {
  log(`${signal}: cleaning up`);
  void runCleanups().then(() => process.exit(130));
}
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

main().then(
  async () => {
    const ok = await runCleanups();
    process.exit(ok ? 0 : 1);
  },
  async (err: unknown) => {
    if (err instanceof UsageError) {
      log(err.message);
      await runCleanups();
      process.exit(2);
    }
    log(`bench:chat failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await runCleanups();
    process.exit(1);
  },
);
