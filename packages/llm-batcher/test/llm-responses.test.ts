import { describe, expect, it } from 'vitest';
import {
  createBatcher,
  type JobProgress,
  type LlmClient,
  LlmHttpError,
  type LlmTask,
  memoryTaskSource,
  type TaskResult,
} from '../src/index.js';
import { makeTasks } from './counting-store.js';

async function run(client: LlmClient, n: number, options: Record<string, unknown> = {}) {
  const tasks = makeTasks(n);
  const batcher = createBatcher({
    source: memoryTaskSource(tasks),
    client,
    retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 },
    pollIntervalMs: 5,
    ...options,
  });
  const job = await batcher.createJob({ taskIds: tasks.map((t) => t.id) });
  const report = await batcher.runJob(job.id);
  const results = new Map<string, TaskResult>();
  for await (const r of batcher.results(job.id)) results.set(r.taskId, r);
  return { report, results, batcher, job };
}

const ok = (batch: readonly LlmTask[]) => batch.map((t) => ({ id: t.id, output: `out:${t.id}` }));

describe('responses are matched by task id and checked item by item', () => {
  it('matches by id whatever the order; ignores unknown ids and later duplicates', async () => {
    const { report, results } = await run(
      {
        async complete(batch) {
          const items: unknown[] = ok(batch).reverse();
          items.push({ id: 'stranger', output: 'x' }, { id: batch[0]!.id, output: 'second copy' }, null, 7);
          return { results: items as never };
        },
      },
      20,
    );
    expect(report).toMatchObject({ state: 'completed', succeeded: 20, requests: 2 });
    for (const [id, r] of results) expect(r.output).toBe(`out:${id}`);
  });

  it('retries a missing or malformed item on its own, not its batch-mates', async () => {
    const sent: string[][] = [];
    const { report, results } = await run(
      {
        async complete(batch) {
          sent.push(batch.map((t) => t.id));
          if (sent.length > 1) return { results: ok(batch) };
          return {
            results: [
              ...ok(batch).filter((r) => r.id !== 't-3' && r.id !== 't-4'),
              { id: 't-4', outptu: 'typo' } as never,
            ],
          };
        },
      },
      10,
    );
    expect(report).toMatchObject({ state: 'completed', succeeded: 10 });
    expect(sent[1]!.sort()).toEqual(['t-3', 't-4']);
    expect(results.get('t-3')).toMatchObject({ attempts: 2, errors: [{ code: 'missing', attempt: 1, batchSize: 10 }] });
    expect(results.get('t-4')!.errors[0]!.code).toBe('malformed');
    expect(results.get('t-5')).toMatchObject({ attempts: 1, errors: [] });
  });

  it('fails an item at once when the service marks its error not retryable', async () => {
    const { report, results } = await run(
      {
        async complete(batch) {
          return {
            results: batch.map((t) =>
              t.id === 't-1'
                ? { id: t.id, error: { message: 'content policy', retryable: false } }
                : { id: t.id, output: 1 },
            ),
          };
        },
      },
      5,
    );
    expect(report).toMatchObject({ state: 'completed_with_errors', succeeded: 4, failed: 1 });
    expect(results.get('t-1')).toMatchObject({ status: 'failed', error: 'content policy', attempts: 1 });
  });

  it('classifies item errors by their HTTP status: 400 fails at once, 503 is retried', async () => {
    let calls = 0;
    const { results } = await run(
      {
        async complete(batch) {
          calls++;
          return {
            results: batch.map((t) =>
              t.id === 't-0'
                ? { id: t.id, error: { message: 'bad prompt', status: 400 } }
                : t.id === 't-1' && calls === 1
                  ? { id: t.id, error: { message: 'busy', status: 503 } }
                  : { id: t.id, output: 1 },
            ),
          };
        },
      },
      3,
    );
    expect(results.get('t-0')).toMatchObject({
      status: 'failed',
      attempts: 1,
      errors: [{ code: 'item_error', status: 400 }],
    });
    expect(results.get('t-1')).toMatchObject({ status: 'succeeded', attempts: 2, errors: [{ status: 503 }] });
  });

  it('retries string item errors up to maxAttempts, then fails with the whole history', async () => {
    const { results } = await run(
      {
        async complete(batch) {
          return {
            results: batch.map((t) => (t.id === 't-2' ? { id: t.id, error: 'overloaded' } : { id: t.id, output: 1 })),
          };
        },
      },
      3,
    );
    const failed = results.get('t-2')!;
    expect(failed).toMatchObject({ status: 'failed', attempts: 4, error: 'overloaded' });
    expect(failed.errors.map((e) => [e.attempt, e.code])).toEqual([
      [1, 'item_error'],
      [2, 'item_error'],
      [3, 'item_error'],
      [4, 'item_error'],
    ]);
  });
});

describe('whole-request failures', () => {
  it('bisects a request rejected with a 4xx (10 → 5 → …) and fails only the poison task after maxAttempts', async () => {
    const sizes: number[] = [];
    const { report, results } = await run(
      {
        async complete(batch) {
          sizes.push(batch.length);
          if (batch.some((t) => t.id === 't-7')) throw new LlmHttpError(400, '{"error":"bad input"}');
          return { results: ok(batch) };
        },
      },
      10,
    );
    expect(report).toMatchObject({ state: 'completed_with_errors', succeeded: 9, failed: 1 });
    expect(sizes.slice(0, 5)).toEqual([10, 5, 5, 3, 2]);
    const poison = results.get('t-7')!;
    expect(poison.attempts).toBe(4);
    const alone = poison.errors.filter((e) => e.batchSize === 1);
    expect(alone).toHaveLength(4);
    expect(alone.every((e) => e.status === 400 && e.code === 'http')).toBe(true);
    expect(poison.errors.filter((e) => e.batchSize > 1).map((e) => e.batchSize)).toEqual([10, 5, 3]);
    for (const [id, r] of results) if (id !== 't-7') expect(r).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(report.bisections).toBe(3);
  });

  it('charges every task of a request that failed with a retryable status; gives up after maxAttempts', async () => {
    const { report, results } = await run(
      {
        async complete() {
          throw new LlmHttpError(503, 'unavailable');
        },
      },
      3,
    );
    expect(report).toMatchObject({ state: 'failed', failed: 3, succeeded: 0, attempts: 12 });
    expect(results.get('t-0')!.errors.map((e) => e.status)).toEqual([503, 503, 503, 503]);
  });

  it('times out requests that never answer, and classifies other thrown errors', async () => {
    let calls = 0;
    const { report, results } = await run(
      {
        complete(batch) {
          calls++;
          if (calls === 1) return new Promise(() => {});
          if (calls === 2) return Promise.reject(new Error('socket hang up'));
          if (calls === 3) return Promise.resolve({ nope: true } as never);
          return Promise.resolve({ results: ok(batch) });
        },
      },
      1,
      { requestTimeoutMs: 30, leaseMs: 10_000 },
    );
    expect(report).toMatchObject({ state: 'completed', succeeded: 1 });
    expect(results.get('t-0')!.errors.map((e) => e.code)).toEqual(['timeout', 'client', 'response']);
    expect(results.get('t-0')!.attempts).toBe(4);
  });

  it('errors with a numeric status from other clients are classified by it (404 bisects, 409 retries)', async () => {
    const thrown = [Object.assign(new Error('conflict'), { status: 409 })];
    const sizes: number[] = [];
    const { report } = await run(
      {
        async complete(batch) {
          sizes.push(batch.length);
          const next = thrown.shift();
          if (next) throw next;
          if (batch.some((t) => t.id === 't-0')) throw Object.assign(new Error('not found'), { status: 404 });
          return { results: ok(batch) };
        },
      },
      4,
      { retry: { maxAttempts: 4, baseDelayMs: 0, maxDelayMs: 0 } },
    );
    expect(report).toMatchObject({ succeeded: 3, failed: 1, bisections: 2 });
    expect(sizes.slice(0, 4)).toEqual([4, 4, 2, 1]);
  });
});

describe('progress', () => {
  it('reports counts, EWMA throughput and a falling ETA, ending at the totals', async () => {
    const tasks = makeTasks(200);
    const seen: JobProgress[] = [];
    const batcher = createBatcher({
      source: memoryTaskSource(tasks),
      concurrency: 2,
      client: {
        complete: (batch) => new Promise((resolve) => setTimeout(() => resolve({ results: ok(batch) }), 10)),
      },
    });
    const job = await batcher.createJob({ taskIds: tasks.map((t) => t.id) });
    const report = await batcher.runJob(job.id, { onProgress: (p) => seen.push(p) });
    expect(report.state).toBe('completed');
    expect(seen).toHaveLength(20);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({
      jobId: job.id,
      total: 200,
      succeeded: 200,
      pending: 0,
      inFlight: 0,
      etaMs: 0,
      requests: 20,
    });
    expect(last.throughputPerSec).toBeGreaterThan(0);
    const mid = seen[10]!;
    expect(mid.etaMs).not.toBeNull();
    expect(mid.etaMs!).toBeGreaterThan(0);
    expect(mid.succeeded + mid.pending + mid.inFlight).toBe(200);
    expect(report.throughputPerSec).toBeGreaterThan(0);
  });

  it('an onProgress that throws stops the run and rejects runJob with its error', async () => {
    const tasks = makeTasks(50);
    const batcher = createBatcher({
      source: memoryTaskSource(tasks),
      client: { complete: async (b) => ({ results: ok(b) }) },
    });
    const job = await batcher.createJob({ taskIds: tasks.map((t) => t.id) });
    await expect(
      batcher.runJob(job.id, {
        onProgress: () => {
          throw new Error('display broke');
        },
      }),
    ).rejects.toThrow('display broke');
    const info = await batcher.getJob(job.id);
    expect(info.inFlight).toBe(0);
    expect(await batcher.runJob(job.id)).toMatchObject({ state: 'completed', succeeded: 50 });
  });
});
