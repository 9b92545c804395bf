/**
 * Undoing a benchmark's set-up (server, database, sockets) on success, error and Ctrl-C alike, and
 * the exit statuses the benchmarks share: 0 ran (targets are for a reader to judge), 1 set-up or
 * clean-up failed, 2 bad flags, 130 interrupted.
 */
import { UsageError } from './args.js';

type Step = { name: string; fn: () => Promise<void> | void };

export class Cleanups {
  private readonly steps: Step[] = [];
  private running: Promise<boolean> | null = null;

  constructor(private readonly log: (line: string) => void) {}

  /** True once clean-up has begun, so late socket errors can be told from real ones. */
  get started(): boolean {
    return this.running !== null;
  }

  add(name: string, fn: Step['fn']): void {
    this.steps.push({ name, fn });
  }

  /** Runs every step once, newest first; a failing step does not stop the others. */
  run(): Promise<boolean> {
    this.running ??= (async () => {
      let ok = true;
      for (const step of this.steps.reverse()) {
        try {
          await step.fn();
        } catch (err) {
          ok = false;
          this.log(`clean-up "${step.name}" failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      return ok;
    })();
    return this.running;
  }
}

/** Runs a benchmark's main with clean-up wired to its end, its failure and SIGINT/SIGTERM. */
export function runBench(
  name: string,
  cleanups: Cleanups,
  log: (line: string) => void,
  main: () => Promise<void>,
): void {
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = true;
    log(`${signal}: cleaning up`);
    void cleanups.run().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  main().then(
    async () => process.exit((await cleanups.run()) ? 0 : 1),
    async (err: unknown) => {
      // Stopping the server under a running phase fails that phase; that is not news.
      if (interrupted) return;
      if (err instanceof UsageError) {
        // parseFlags' usage text names bench:chat; the flags listed are this benchmark's own.
        log(err.message.replace('npm run bench:chat', `npm run ${name}`));
        await cleanups.run();
        process.exit(2);
      }
      log(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      await cleanups.run();
      process.exit(1);
    },
  );
}
