import { describe, expect, it } from 'vitest';
import { ownedCopy, ownsMemory, withOwnMemory, WorkerPool } from './workerPool.js';

type Task = { kind: 'echo'; parts: number; bytes?: Uint8Array } | { kind: 'fail' } | { kind: 'die' };
type Result = { threadId: number; bytes: number };

const program = new URL('./testWorker.mjs', import.meta.url);

describe('WorkerPool', () => {
  it('hands parts over in order before the result, and gives a task to an idle worker', async () => {
    const pool = new WorkerPool<Task, Result, number>(program, 2);
    const parts: number[] = [];
    const first = await pool.run({ kind: 'echo', parts: 3 }, [], (p) => parts.push(p));
    expect(parts).toEqual([0, 1, 2]);
    // Two at once go to two workers; one alone goes to the first idle worker.
    const [a, b] = await Promise.all([pool.run({ kind: 'echo', parts: 50 }), pool.run({ kind: 'echo', parts: 0 })]);
    expect(a.threadId).not.toBe(b.threadId);
    expect((await pool.run({ kind: 'echo', parts: 0 })).threadId).toBe(first.threadId);
  });

  it('fails a task it cannot send, or whose parts the caller cannot take, and goes on', async () => {
    const pool = new WorkerPool<unknown, Result, number>(program, 1);
    await expect(pool.run({ kind: 'echo', parts: 0, f: () => 1 })).rejects.toThrow();
    await expect(
      pool.run({ kind: 'echo', parts: 2 }, [], () => {
        throw new Error('cannot take it');
      }),
    ).rejects.toThrow('cannot take it');
    expect((await pool.run({ kind: 'echo', parts: 1 })).bytes).toBe(0);
  });

  it('moves transferred memory to the worker, leaving none behind', async () => {
    const pool = new WorkerPool<Task, Result, number>(program, 1);
    const bytes = new Uint8Array(1024);
    const result = await pool.run({ kind: 'echo', parts: 0, bytes }, [bytes.buffer]);
    expect(result.bytes).toBe(1024);
    expect(bytes.byteLength).toBe(0);
  });

  it('fails a task the worker refuses, and one whose worker dies, then carries on with a new worker', async () => {
    const pool = new WorkerPool<Task, Result, number>(program, 1);
    await expect(pool.run({ kind: 'fail' })).rejects.toThrow('asked to fail');
    const before = await pool.run({ kind: 'echo', parts: 0 });
    await expect(pool.run({ kind: 'die' })).rejects.toThrow('worker thread exited');
    const after = await pool.run({ kind: 'echo', parts: 1 });
    expect(after.threadId).not.toBe(before.threadId);
  });
  it('ends a worker left idle, and starts a new one for the next task', async () => {
    const pool = new WorkerPool<Task, Result, number>(program, 1, { idleMs: 50 });
    const first = await pool.run({ kind: 'echo', parts: 0 });
    const soon = await pool.run({ kind: 'echo', parts: 0 });
    expect(soon.threadId).toBe(first.threadId);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const later = await pool.run({ kind: 'echo', parts: 0 });
    expect(later.threadId).not.toBe(first.threadId);
  });
});

describe('ownsMemory', () => {
  it('tells a buffer with memory of its own from a slice of a shared one', () => {
    expect(ownsMemory(Buffer.alloc(16))).toBe(true);
    expect(ownsMemory(Buffer.from('small'))).toBe(false);
    expect(ownsMemory(Buffer.alloc(16).subarray(4))).toBe(false);
  });
});

describe('ownedCopy and withOwnMemory', () => {
  it('give a buffer that can move to another thread, copying only when they must', () => {
    const pooled = Buffer.from('small');
    const copied = ownedCopy(pooled);
    expect(ownsMemory(copied)).toBe(true);
    expect(copied.equals(pooled)).toBe(true);
    expect(copied.buffer).not.toBe(pooled.buffer);
    const own = Buffer.alloc(16, 1);
    expect(withOwnMemory(own)).toBe(own);
    const moved = withOwnMemory(pooled);
    expect(ownsMemory(moved)).toBe(true);
    expect(moved.equals(pooled)).toBe(true);
  });
});
