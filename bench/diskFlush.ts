/**
 * How long this machine's disk takes to make a small write durable: one 8 KiB write and an
 * fdatasync, again and again, as PostgreSQL's WAL flush at each commit does. An accepted message
 * is answered only once its commit is on disk, so a single send's latency can be no steadier than
 * this: one stalled flush holds every request in flight at that moment. Run it with nothing else
 * running, in a directory on the database's disk. Prints one JSON line.
 *
 *   npx tsx bench/diskFlush.ts [--seconds 20] [--dir <a directory on the database disk>]
 */
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlags, UsageError } from './lib/args.js';

const FLAGS = {
  seconds: { kind: 'number', default: 20, help: 'how long to keep flushing' },
  dir: { kind: 'string', default: tmpdir(), help: 'a directory on the disk to measure' },
} as const;

function main(): void {
  const f = parseFlags(process.argv.slice(2), FLAGS);
  const seconds = f.seconds as number;
  if (!(seconds > 0 && seconds <= 600)) throw new UsageError('--seconds must be above 0 and at most 600');
  const dir = mkdtempSync(join(f.dir as string, 'confide-disk-flush-'));
  const page = Buffer.alloc(8192, 1);
  const ms: number[] = [];
  const fd = openSync(join(dir, 'probe'), 'w');
  try {
    const end = Date.now() + seconds * 1000;
    // Over a 512 KiB file, page by page, as WAL segments are written and reused.
    for (let i = 0; Date.now() < end; i++) {
      const start = process.hrtime.bigint();
      writeSync(fd, page, 0, page.length, (i % 64) * page.length);
      fdatasyncSync(fd);
      ms.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => Math.round(ms[Math.min(ms.length - 1, Math.floor(ms.length * q))]! * 100) / 100;
  console.log(
    JSON.stringify({
      bench: 'diskFlush',
      seconds,
      flushes: ms.length,
      flushMs: { p50: at(0.5), p99: at(0.99), p999: at(0.999), max: at(1) },
      over20ms: ms.filter((x) => x > 20).length,
      over100ms: ms.filter((x) => x > 100).length,
    }),
  );
}

try {
  main();
} catch (err) {
  if (err instanceof UsageError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}
