import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ItemSettlement, JobStore, LlmTask } from '../src/index.js';

const tasks = (n: number, prefix = 't'): LlmTask[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, payload: { i, nested: { text: `task ${i}` } } }));

const ok = (attempts: number, now: number, output: unknown = 'ok'): ItemSettlement => ({
  state: 'succeeded',
  output,
  attempts,
  errors: [],
  now,
});

/** How a server-backed run of the contract retitles the tests it adapts (see mongo-job-store.test.ts). */
export interface StoreContractOptions {
  /** The title of the concurrent-claims test (a server may serialize one process's commands). */
  concurrentClaimsTitle?: (title: string) => string;
}

/**
 * The JobStore contract: every adapter (memory, MongoDB) must pass it. `makeStore` returns a
 * fresh, empty store each call.
 */
export function storeContract(makeStore: () => Promise<JobStore> | JobStore, options: StoreContractOptions = {}): void {
  const concurrentClaimsTitle = options.concurrentClaimsTitle ?? ((title: string) => title);
  it('creates a queued job whose items are all pending, in order, with their payloads', async () => {
    const store = await makeStore();
    const { job, created } = await store.createJob({ id: 'j1', name: 'n', createdAt: 100, tasks: tasks(3) });
    expect(created).toBe(true);
    expect(job).toMatchObject({ id: 'j1', name: 'n', state: 'queued', total: 3, createdAt: 100, updatedAt: 100 });
    expect(await store.getJob('j1')).toEqual(job);
    expect(await store.getJob('nope')).toBeUndefined();
    expect(await store.countItems('j1')).toEqual({
      pending: 3,
      leased: 0,
      succeeded: 0,
      failed: 0,
      cancelled: 0,
      attempts: 0,
    });
    const items = await store.listItems('j1', { afterSeq: -1, limit: 10 });
    expect(items.map((item) => [item.taskId, item.seq, item.state])).toEqual([
      ['t0', 0, 'pending'],
      ['t1', 1, 'pending'],
      ['t2', 2, 'pending'],
    ]);
    expect(items[1]!.payload).toEqual({ i: 1, nested: { text: 'task 1' } });
  });

  it('returns the first job for a reused idempotency key, and creates nothing', async () => {
    const store = await makeStore();
    const first = await store.createJob({ id: 'a', idempotencyKey: 'k', createdAt: 1, tasks: tasks(2) });
    const second = await store.createJob({ id: 'b', idempotencyKey: 'k', createdAt: 2, tasks: tasks(5) });
    expect(second.created).toBe(false);
    expect(second.job).toEqual(first.job);
    expect(await store.getJob('b')).toBeUndefined();
    expect((await store.countItems('b')).pending).toBe(0);
    const other = await store.createJob({ id: 'c', idempotencyKey: 'k2', createdAt: 3, tasks: tasks(1) });
    expect(other.created).toBe(true);
  });

  it('moves job states only from the expected ones, stamping startedAt once and finishedAt at the end', async () => {
    const store = await makeStore();
    await store.createJob({ id: 'j', createdAt: 0, tasks: tasks(1) });
    expect(await store.transitionJob('j', ['paused'], 'running', 5)).toBeUndefined();
    expect(await store.transitionJob('j', ['queued'], 'running', 10)).toMatchObject({
      state: 'running',
      startedAt: 10,
    });
    await store.transitionJob('j', ['running'], 'paused', 20);
    const again = await store.transitionJob('j', ['paused'], 'running', 30);
    expect(again).toMatchObject({ state: 'running', startedAt: 10, updatedAt: 30 });
    expect(again?.finishedAt).toBeUndefined();
    expect(await store.transitionJob('j', ['running'], 'completed', 40)).toMatchObject({
      state: 'completed',
      finishedAt: 40,
    });
    expect(await store.transitionJob('missing', ['queued'], 'running', 1)).toBeUndefined();
  });

  it('claims in order under a lease, skips items before their notBefore, and never leases an item twice', async () => {
    const store = await makeStore();
    await store.createJob({ id: 'j', createdAt: 0, tasks: tasks(25) });
    const a = await store.claimItems('j', { leaseId: 'A', now: 1000, leaseMs: 100, limit: 10 });
    expect(a.map((item) => item.taskId)).toEqual(tasks(10).map((t) => t.id));
    expect(a.every((item) => item.state === 'leased' && item.leaseId === 'A' && item.leaseExpiresAt === 1100)).toBe(
      true,
    );
    const b = await store.claimItems('j', { leaseId: 'B', now: 1000, leaseMs: 100, limit: 10 });
    expect(b.map((item) => item.seq)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(
      await store.settleItem('j', 't10', 'B', {
        state: 'pending',
        notBefore: 2000,
        attempts: 1,
        errors: [],
        now: 1000,
      }),
    ).toBe(true);
    const c = await store.claimItems('j', { leaseId: 'C', now: 1050, leaseMs: 100, limit: 10 });
    expect(c.map((item) => item.seq)).toEqual([20, 21, 22, 23, 24]);
    expect(await store.claimItems('j', { leaseId: 'D', now: 1050, leaseMs: 100, limit: 10 })).toEqual([]);
    const counts = await store.countItems('j');
    expect(counts).toMatchObject({ pending: 1, leased: 24 });
    const late = await store.claimItems('j', { leaseId: 'E', now: 2000, leaseMs: 100, limit: 30 });
    expect(late.map((item) => item.taskId).sort()).toEqual([...tasks(25).map((t) => t.id)].sort());
    expect(late.find((item) => item.taskId === 't10')?.attempts).toBe(1);
  });

  it('hands an expired lease to the next claimer; the old holder can no longer write or renew', async () => {
    const store = await makeStore();
    await store.createJob({ id: 'j', createdAt: 0, tasks: tasks(2) });
    await store.claimItems('j', { leaseId: 'old', now: 0, leaseMs: 100, limit: 2 });
    expect(await store.claimItems('j', { leaseId: 'new', now: 99, leaseMs: 100, limit: 2 })).toEqual([]);
    expect(await store.renewLease('j', ['t0', 't1'], 'old', 150)).toBe(2);
    expect(await store.claimItems('j', { leaseId: 'new', now: 120, leaseMs: 100, limit: 2 })).toEqual([]);
    const taken = await store.claimItems('j', { leaseId: 'new', now: 150, leaseMs: 100, limit: 1 });
    expect(taken.map((item) => [item.taskId, item.leaseId])).toEqual([['t0', 'new']]);
    expect(await store.renewLease('j', ['t0'], 'old', 500)).toBe(0);
    expect(await store.settleItem('j', 't0', 'old', ok(1, 160))).toBe(false);
    expect(await store.settleItem('j', 't0', 'new', ok(1, 160, { v: 1 }))).toBe(true);
    expect(await store.settleItem('j', 't0', 'new', ok(2, 170, { v: 2 }))).toBe(false);
    expect(await store.settleItem('j', 't1', 'new', ok(1, 170))).toBe(false);
    expect(await store.settleItem('j', 't1', 'old', ok(1, 170))).toBe(true);
    const [t0] = await store.listItems('j', { afterSeq: -1, limit: 1 });
    expect(t0).toMatchObject({ state: 'succeeded', output: { v: 1 }, attempts: 1 });
    expect(t0?.leaseId).toBeUndefined();
    expect(await store.countItems('j')).toMatchObject({ succeeded: 2, leased: 0, attempts: 2 });
  });

  it('records failures with their error history, and sums attempts', async () => {
    const store = await makeStore();
    await store.createJob({ id: 'j', createdAt: 0, tasks: tasks(2) });
    await store.claimItems('j', { leaseId: 'L', now: 0, leaseMs: 100, limit: 2 });
    const errors = [
      { at: 1, attempt: 1, code: 'http' as const, status: 422, batchSize: 2, message: 'HTTP 422' },
      { at: 2, attempt: 1, code: 'http' as const, status: 422, batchSize: 1, message: 'HTTP 422' },
    ];
    expect(
      await store.settleItem('j', 't0', 'L', { state: 'failed', error: 'HTTP 422', attempts: 3, errors, now: 3 }),
    ).toBe(true);
    expect(await store.settleItem('j', 't1', 'L', { state: 'cancelled', attempts: 1, errors: [], now: 3 })).toBe(true);
    const items = await store.listItems('j', { afterSeq: -1, limit: 5 });
    expect(items[0]).toMatchObject({ state: 'failed', error: 'HTTP 422', attempts: 3, errors });
    expect(items[1]).toMatchObject({ state: 'cancelled' });
    expect(await store.countItems('j')).toEqual({
      pending: 0,
      leased: 0,
      succeeded: 0,
      failed: 1,
      cancelled: 1,
      attempts: 4,
    });
  });

  it('cancels pending items and expired leases, but not live leases', async () => {
    const store = await makeStore();
    await store.createJob({ id: 'j', createdAt: 0, tasks: tasks(6) });
    await store.claimItems('j', { leaseId: 'dead', now: 0, leaseMs: 10, limit: 2 });
    await store.claimItems('j', { leaseId: 'live', now: 0, leaseMs: 1000, limit: 2 });
    expect(await store.cancelItems('j', 50)).toBe(4);
    expect(await store.countItems('j')).toMatchObject({ pending: 0, leased: 2, cancelled: 4 });
    expect(await store.settleItem('j', 't2', 'live', ok(1, 60))).toBe(true);
    expect(await store.settleItem('j', 't0', 'dead', ok(1, 60))).toBe(false);
    expect(await store.claimItems('j', { leaseId: 'x', now: 5000, leaseMs: 10, limit: 10 })).toHaveLength(1);
  });

  it('pages through items in seq order, filtered by state', async () => {
    const store = await makeStore();
    await store.createJob({ id: 'j', createdAt: 0, tasks: tasks(12) });
    const claimed = await store.claimItems('j', { leaseId: 'L', now: 0, leaseMs: 100, limit: 12 });
    for (const item of claimed) {
      if (item.seq % 3 === 0) await store.settleItem('j', item.taskId, 'L', ok(1, 1));
    }
    const page1 = await store.listItems('j', { afterSeq: -1, limit: 2, states: ['succeeded'] });
    expect(page1.map((item) => item.seq)).toEqual([0, 3]);
    const page2 = await store.listItems('j', { afterSeq: 3, limit: 10, states: ['succeeded'] });
    expect(page2.map((item) => item.seq)).toEqual([6, 9]);
    expect(await store.listItems('j', { afterSeq: 11, limit: 10 })).toEqual([]);
    expect(await store.listItems('missing', { afterSeq: -1, limit: 10 })).toEqual([]);
  });

  it(concurrentClaimsTitle('concurrent claims split the items: no item is leased by two claimers'), async () => {
    const store = await makeStore();
    await store.createJob({ id: 'j', createdAt: 0, tasks: tasks(95) });
    const batches = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        store.claimItems('j', { leaseId: `L${i}`, now: 0, leaseMs: 100, limit: 10 }),
      ),
    );
    const ids = batches.flat().map((item) => item.taskId);
    expect(ids).toHaveLength(95);
    expect(new Set(ids).size).toBe(95);
  });

  describe('random interleavings of runners, clocks and crashes (fast-check)', () => {
    it('each item is settled at most once as succeeded/failed, and counts always add up', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              runner: fc.integer({ min: 0, max: 2 }),
              op: fc.constantFrom('claim', 'succeed', 'retry', 'advance', 'renew'),
              n: fc.integer({ min: 1, max: 4 }),
            }),
            { maxLength: 60 },
          ),
          async (ops) => {
            const store = await makeStore();
            const total = 8;
            await store.createJob({ id: 'p', createdAt: 0, tasks: tasks(total) });
            let now = 0;
            const held: Array<Array<{ taskId: string; leaseId: string; attempts: number }>> = [[], [], []];
            const finalWrites = new Map<string, number>();
            let leaseCounter = 0;
            for (const { runner, op, n } of ops) {
              const mine = held[runner]!;
              if (op === 'claim') {
                const leaseId = `r${runner}-${leaseCounter++}`;
                const items = await store.claimItems('p', { leaseId, now, leaseMs: 10, limit: n });
                for (const item of items) mine.push({ taskId: item.taskId, leaseId, attempts: item.attempts });
              } else if (op === 'succeed' || op === 'retry') {
                const item = mine.shift();
                if (!item) continue;
                const written = await store.settleItem(
                  'p',
                  item.taskId,
                  item.leaseId,
                  op === 'succeed'
                    ? ok(item.attempts + 1, now)
                    : { state: 'pending', notBefore: now + n, attempts: item.attempts + 1, errors: [], now },
                );
                if (written && op === 'succeed') finalWrites.set(item.taskId, (finalWrites.get(item.taskId) ?? 0) + 1);
              } else if (op === 'advance') {
                now += n * 4;
              } else {
                for (const item of mine) await store.renewLease('p', [item.taskId], item.leaseId, now + 10);
              }
              const counts = await store.countItems('p');
              expect(counts.pending + counts.leased + counts.succeeded + counts.failed + counts.cancelled).toBe(total);
              expect(counts.succeeded).toBe(finalWrites.size);
            }
            for (const writes of finalWrites.values()) expect(writes).toBe(1);
          },
        ),
        { numRuns: 40 },
      );
    });
  });
}
