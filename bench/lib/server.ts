/** Starts the Confide server as a child process (so its RSS and CPU can be read) and stops it. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
export { freePort } from '../../src/testing/serverProcess.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type ServerProcess = { child: ChildProcess; pid: number; url: URL; exited: Promise<number | null> };

export function startServer(opts: {
  databaseUrl: string;
  masterKey: string;
  port: number;
  /** Extra node flags for the server only, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] (not allowed in NODE_OPTIONS). */
  nodeArgs?: string[];
  /** Variables a benchmark's server needs beyond these, e.g. VAPID_SUBJECT on plain http. */
  extraEnv?: Record<string, string>;
  log: (line: string) => void;
}): ServerProcess {
  const url = new URL(`http://127.0.0.1:${opts.port}`);
  // A clean environment: nothing from the caller's shell (DATABASE_URL, NODE_OPTIONS…) leaks in.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: process.env.LANG ?? 'C.UTF-8',
    DATABASE_URL: opts.databaseUrl,
    MASTER_KEY: opts.masterKey,
    PORT: String(opts.port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    SECURE_COOKIES: 'false',
    SERVE_WEB: 'false',
    PUBLIC_URL: url.origin,
    ...opts.extraEnv,
  };
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', 'src/main.ts', 'start'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The server's output never reaches our stdout, which carries only the result line.
  const forward = (stream: NodeJS.ReadableStream | null) => {
    let rest = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      for (const l of lines) if (l.trim()) opts.log(`[server] ${l}`);
    });
  };
  forward(child.stdout);
  forward(child.stderr);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  if (child.pid === undefined) throw new Error('could not start the server process');
  return { child, pid: child.pid, url, exited };
}

/** Polls /ready until it answers 200; fails if the process exits first or the deadline passes. */
export async function waitReady(url: URL, exited: Promise<number | null> | null, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone: number | null | undefined;
  void exited?.then((code) => (gone = code));
  let last = '';
  while (Date.now() < deadline) {
    if (gone !== undefined) throw new Error(`server exited with code ${gone} before it was ready`);
    try {
      const res = await fetch(new URL('/ready', url), { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server at ${url.origin} not ready within ${timeoutMs / 1000} s (${last})`);
}

/** SIGTERM (graceful: the server closes sockets and its pool), then SIGKILL after the grace period. */
export async function stopServer(server: ServerProcess, graceMs = 20_000): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), graceMs);
  await server.exited;
  clearTimeout(timer);
}
