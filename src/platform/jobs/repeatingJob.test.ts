import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ServiceUnavailable } from '../http/errors.js';
import { startRepeatingJob } from './repeatingJob.js';

describe('startRepeatingJob', () => {
  it('drains a backlog in full batches, never runs twice at once, and stops cleanly', async () => {
    let backlog = 25;
    let concurrent = 0;
    let maxConcurrent = 0;
    const job = startRepeatingJob({
      name: 'test',
      intervalMs: 5,
      batchSize: 10,
      log: pino({ level: 'silent' }),
      runBatch: async () => {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await new Promise((r) => setTimeout(r, 15));
        const done = Math.min(10, backlog);
        backlog -= done;
        concurrent--;
        return done;
      },
    });
    await new Promise((r) => setTimeout(r, 120));
    await job.stop();
    expect(backlog).toBe(0);
    expect(maxConcurrent).toBe(1);
  });

  it('logs a failing batch and keeps running', async () => {
    const logged: string[] = [];
    let calls = 0;
    const job = startRepeatingJob({
      name: 'flaky',
      intervalMs: 5,
      batchSize: 10,
      log: pino({ level: 'error' }, { write: (line: string) => void logged.push(line) }),
      runBatch: async () => {
        calls++;
        if (calls === 1) throw new Error('database went away');
        return 0;
      },
    });
    await new Promise((r) => setTimeout(r, 60));
    await job.stop();
    expect(calls).toBeGreaterThan(1);
    expect(logged.join('')).toContain('job failed');
  });
});

describe('startRepeatingJob under load', () => {
  it('gives way quietly when the database is busy, and runs again at the next tick', async () => {
    const logged: string[] = [];
    let calls = 0;
    const job = startRepeatingJob({
      name: 'busy',
      intervalMs: 5,
      batchSize: 10,
      log: pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) }),
      runBatch: async () => {
        calls++;
        if (calls <= 2) throw new ServiceUnavailable();
        return 0;
      },
    });
    await new Promise((r) => setTimeout(r, 60));
    await job.stop();
    expect(calls).toBeGreaterThan(2);
    expect(logged).toEqual([]);
  });
});

describe('startRepeatingJob lanes', () => {
  it('runs batches side by side, each lane draining until its batch comes back short', async () => {
    let backlog = 40;
    let concurrent = 0;
    let maxConcurrent = 0;
    const job = startRepeatingJob({
      name: 'lanes',
      intervalMs: 5,
      batchSize: 10,
      lanes: 2,
      log: pino({ level: 'silent' }),
      runBatch: async () => {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await new Promise((r) => setTimeout(r, 15));
        const done = Math.min(10, backlog);
        backlog -= done;
        concurrent--;
        return done;
      },
    });
    await new Promise((r) => setTimeout(r, 120));
    await job.stop();
    expect(backlog).toBe(0);
    expect(maxConcurrent).toBe(2);
  });

  it('looks with one batch when there is nothing to do, whatever the lanes', async () => {
    let calls = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    const job = startRepeatingJob({
      name: 'idle',
      intervalMs: 5,
      batchSize: 10,
      lanes: 4,
      log: pino({ level: 'silent' }),
      runBatch: async () => {
        calls++;
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await new Promise((r) => setTimeout(r, 10));
        concurrent--;
        return 0;
      },
    });
    await new Promise((r) => setTimeout(r, 80));
    await job.stop();
    expect(calls).toBeGreaterThan(1);
    expect(maxConcurrent).toBe(1);
  });
});
