/**
 * The real server as a child process (`node --import tsx src/main.ts start`), for tests that need
 * what `app.inject()` cannot give: a process that can be killed outright (SIGKILL, no shutdown
 * hook runs) and started again on the same database, master key and port, with the background
 * runners (callbacks, pushes, fallbacks) that only `confide start` runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(REPO_ROOT, 'src', 'main.ts');
/** Lines of the server's output kept for a failing test's message. */
const KEPT_LINES = 200;

/** A port nobody listens on now (the kernel's choice), for a server started just after. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export type ServerProcessOptions = {
  databaseUrl: string;
  /** Base64 of 32 bytes, as MASTER_KEY. */
  masterKey: string;
  /** Chosen with freePort() when absent; kept across restarts. */
  port?: number;
  /**
   * Settings beyond the production-like base (see serverEnv), e.g.
   * `{ OUTBOUND_ALLOW_PRIVATE_CALLBACKS: 'true' }`; a value here replaces the base's.
   */
  env?: Record<string, string>;
  /** Every line the server writes, e.g. to print while debugging; by default only kept. */
  log?: (line: string) => void;
  /** How long start() waits for /health (default 60 s: tsx compiles the sources at start). */
  readyTimeoutMs?: number;
};

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

/** Children still running, killed if this process exits without stopping them (a crashed test). */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of running) c.kill('SIGKILL');
    });
  }
  running.add(child);
  child.once('exit', () => running.delete(child));
}

/**
 * The environment of the server: nothing from the test's own (DATABASE_URL, NODE_OPTIONS,
 * CONFIDE_TEST_DB…) leaks in. Production mode, as deployed, on plain http on loopback.
 */
export function serverEnv(opts: ServerProcessOptions & { port: number }): NodeJS.ProcessEnv {
  const origin = `http://127.0.0.1:${opts.port}`;
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: process.env.LANG ?? 'C.UTF-8',
    TMPDIR: process.env.TMPDIR,
    NODE_ENV: 'production',
    DATABASE_URL: opts.databaseUrl,
    MASTER_KEY: opts.masterKey,
    HOST: '127.0.0.1',
    PORT: String(opts.port),
    PUBLIC_URL: origin,
    LOG_LEVEL: 'warn',
    // Plain http: no Secure cookies, and the VAPID contact cannot be the (http) public URL.
    SECURE_COOKIES: 'false',
    VAPID_SUBJECT: 'mailto:tests@confide.invalid',
    SERVE_WEB: 'false',
    ...opts.env,
  };
}

/** One running server process. restart() gives the next one; this one stays dead. */
export class ServerProcess {
  readonly url: URL;
  readonly exited: Promise<Exit>;
  private readonly lines: string[] = [];

  private constructor(
    readonly options: ServerProcessOptions & { port: number },
    readonly child: ChildProcess,
  ) {
    this.url = new URL(`http://127.0.0.1:${options.port}`);
    this.exited = new Promise<Exit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    const keep = (stream: NodeJS.ReadableStream | null) => {
      let rest = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop()!;
        for (const line of parts) {
          if (!line.trim()) continue;
          this.lines.push(line);
          if (this.lines.length > KEPT_LINES) this.lines.shift();
          options.log?.(line);
        }
      });
    };
    keep(child.stdout);
    keep(child.stderr);
  }

  /** Starts the server and resolves once /health answers 200. */
  static async start(opts: ServerProcessOptions): Promise<ServerProcess> {
    const port = opts.port ?? (await freePort());
    const options = { ...opts, port };
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'start'], {
      cwd: REPO_ROOT,
      env: serverEnv(options),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid === undefined) throw new Error('could not start the server process');
    track(child);
    const server = new ServerProcess(options, child);
    try {
      await server.waitHealthy(opts.readyTimeoutMs ?? 60_000);
    } catch (err) {
      await server.kill();
      throw err;
    }
    return server;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get port(): number {
    return this.options.port;
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines the server wrote (stdout and stderr), for a failure message. */
  output(): string {
    return this.lines.join('\n');
  }

  /** SIGKILL: the process ends at once, mid-request, with no shutdown of any kind. Resolves on exit. */
  async kill(): Promise<Exit> {
    if (this.alive) this.child.kill('SIGKILL');
    return this.exited;
  }

  /** SIGTERM, the graceful shutdown; SIGKILL if it has not exited after graceMs. */
  async stop(graceMs = 20_000): Promise<Exit> {
    if (!this.alive) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  /** A new process on the same database, master key, port and settings; this one is killed first. */
  async restart(): Promise<ServerProcess> {
    await this.kill();
    return ServerProcess.start(this.options);
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (!this.alive) {
        const { code, signal } = await this.exited;
        throw new Error(`the server exited (code ${code}, signal ${signal}) before it was healthy:\n${this.output()}`);
      }
      try {
        const res = await fetch(new URL('/health', this.url), { signal: AbortSignal.timeout(2_000) });
        if (res.status === 200) return;
        last = `status ${res.status}`;
      } catch (err) {
        last = err instanceof Error ? err.message : String(err);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(
      `the server at ${this.url.origin} was not healthy within ${timeoutMs} ms (${last}):\n${this.output()}`,
    );
  }
}
