import fc from 'fast-check';
import { expect, it } from 'vitest';
import { createBatcher, type JobProgress, type LlmClient, memoryTaskSource } from '../src/index.js';
import { makeTasks } from './counting-store.js';

/** Runs `n` tasks with concurrency 1 on a manual clock that `stepMs(i)` moves forward during request i. */
async function progressOf(n: number, batchSize: number, stepMs: (request: number) => number): Promise<JobProgress[]> {
  let now = 1_000_000;
  let requests = 0;
  const client: LlmClient = {
    async complete(batch) {
      now += stepMs(requests++);
      return { results: batch.map((t) => ({ id: t.id, output: 1 })) };
    },
  };
  const tasks = makeTasks(n);
  const batcher = createBatcher({
    source: memoryTaskSource(tasks),
    client,
    concurrency: 1,
    batchSize,
    clock: { now: () => now },
  });
  const job = await batcher.createJob({ taskIds: tasks.map((t) => t.id) });
  const seen: JobProgress[] = [];
  await batcher.runJob(job.id, { onProgress: (p) => seen.push(p) });
  return seen;
}

it('throughput is exact for a steady pace, whatever the sampling (fast-check)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 500 }), async (batchSize, stepMs) => {
      const n = batchSize * 6;
      const seen = await progressOf(n, batchSize, () => stepMs);
      const expected = (batchSize * 1000) / stepMs;
      for (const p of seen) expect(p.throughputPerSec).toBeCloseTo(expected, 6);
      const mid = seen[2]!;
      expect(mid.etaMs).toBe(Math.round(((n - mid.succeeded) / expected) * 1000));
    }),
    { numRuns: 25 },
  );
});

it('throughput follows a change of pace within a few time constants (EWMA, 5 s)', async () => {
  // 100 tasks/s for 20 requests (2 s), then 500 tasks/s for 480 requests (9.6 s)
  const seen = await progressOf(5000, 10, (i) => (i < 20 ? 100 : 20));
  expect(seen[19]!.throughputPerSec).toBeCloseTo(100, 6);
  expect(seen[30]!.throughputPerSec).toBeGreaterThan(100);
  expect(seen[30]!.throughputPerSec).toBeLessThan(500);
  expect(seen.at(-1)!.throughputPerSec).toBeGreaterThan(450);
  expect(seen.at(-1)!.etaMs).toBe(0);
});
