/**
 * Readers for Linux /proc: a process's resident memory and CPU time, PostgreSQL's CPU time and the
 * whole machine's busy time. Each returns null where /proc is missing or the process has gone, so a
 * benchmark on another OS still runs and reports null rather than failing.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicks: number | null = null;
/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat (100 on practically every Linux). */
export function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** VmRSS in MiB, or null. */
export function readRssMb(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * User + system CPU seconds the process has used so far (its own threads), or null. With
 * `reapedChildren`, also the CPU of children that have exited and been waited for.
 */
export function readCpuSeconds(pid: number, opts: { reapedChildren?: boolean } = {}): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Field n of the full line is index n - 3 here (state, field 3, is index 0): utime 14 → 11,
    // stime 15 → 12, cutime 16 → 13, cstime 17 → 14.
    const own = Number(fields[11]) + Number(fields[12]);
    const children = opts.reapedChildren ? Number(fields[13]) + Number(fields[14]) : 0;
    return (own + children) / ticksPerSecond();
  } catch {
    return null;
  }
}

/**
 * CPU seconds used so far by every process named `postgres` on this machine (backends, WAL writer,
 * checkpointer…), including backends that have exited since PostgreSQL started. Null where /proc
 * is unreadable.
 */
export function readPostgresCpuSeconds(): number | null {
  let total = 0;
  let found = false;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readFileSync(`/proc/${e}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    // The postmaster's reaped-children time holds backends that exited during the run, e.g. pool
    // connections closed while idle; without it their CPU would vanish from the difference.
    const s = readCpuSeconds(Number(e), { reapedChildren: true });
    if (s !== null) {
      total += s;
      found = true;
    }
  }
  return found ? total : null;
}

/** Whole-machine jiffies from /proc/stat: busy (everything but idle and iowait) and total. */
export function readMachineCpu(): { busy: number; total: number; cores: number } | null {
  try {
    const text = readFileSync('/proc/stat', 'utf8');
    const first = text.split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = first.reduce((a, b) => a + b, 0);
    const idle = (first[3] ?? 0) + (first[4] ?? 0);
    const cores = text.split('\n').filter((l) => /^cpu\d+ /.test(l)).length;
    return { busy: total - idle, total, cores };
  } catch {
    return null;
  }
}

/** Samples a process's RSS once a second (and on demand), keeping the maximum and the latest. */
export class RssSampler {
  max: number | null = null;
  last: number | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly pid: number) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
    return this;
  }

  sample(): number | null {
    const v = readRssMb(this.pid);
    if (v !== null) {
      this.last = v;
      this.max = Math.max(this.max ?? 0, v);
    }
    return v;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
