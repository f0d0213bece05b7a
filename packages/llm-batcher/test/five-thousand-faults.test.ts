import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatcher, httpLlmClient, memoryJobStore, memoryTaskSource, type TaskResult } from '../src/index.js';
import { type MockLlmServer, startMockLlmServer } from '../src/testing.js';
import { countingStore, makeTasks } from './counting-store.js';

describe('a 5000-task job over real HTTP with every fault kind enabled', () => {
  let server: MockLlmServer;
  const poisonIds = ['t-77', 't-2500', 't-4999'];
  beforeAll(async () => {
    server = await startMockLlmServer({
      latencyMs: 2,
      jitterMs: 4,
      failureRate: 0.04,
      hangRate: 0.01,
      malformedRate: 0.02,
      itemErrorRate: 0.02,
      missingItemRate: 0.02,
      malformedItemRate: 0.02,
      // low enough that the first burst (16 requests at once) is over it even on a slow machine
      rateLimit: { requests: 10, windowMs: 100 },
      poisonIds,
      seed: 7,
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('succeeds every non-poison task exactly once and fails each poison task alone after maxAttempts', async () => {
    const tasks = makeTasks(5000);
    const store = countingStore(memoryJobStore());
    const maxAttempts = 10;
    const batcher = createBatcher({
      source: memoryTaskSource(tasks),
      store,
      client: httpLlmClient({ url: server.url }),
      concurrency: 16,
      retry: { maxAttempts, baseDelayMs: 5, maxDelayMs: 80 },
      requestTimeoutMs: 400,
      leaseMs: 10_000,
      pollIntervalMs: 20,
    });
    const job = await batcher.createJob({ taskIds: tasks.map((t) => t.id), name: 'faults' });
    expect(job.state).toBe('queued');
    expect(job.total).toBe(5000);
    let progressCalls = 0;
    let lastSucceeded = 0;
    const report = await batcher.runJob(job.id, {
      onProgress(progress) {
        progressCalls++;
        expect(progress.succeeded).toBeGreaterThanOrEqual(lastSucceeded);
        lastSucceeded = progress.succeeded;
      },
    });

    expect(report.state).toBe('completed_with_errors');
    expect(report.succeeded).toBe(4997);
    expect(report.failed).toBe(3);
    expect(report.pending).toBe(0);
    expect(report.rateLimited).toBeGreaterThan(0);
    expect(report.bisections).toBeGreaterThanOrEqual(3);
    expect(progressCalls).toBeGreaterThan(0);

    // exactly-once result writes, counted in the store
    for (const task of tasks) {
      if (poisonIds.includes(task.id)) {
        expect(store.succeededWrites.get(task.id)).toBeUndefined();
        expect(store.failedWrites.get(task.id)).toBe(1);
      } else {
        expect(store.succeededWrites.get(task.id), task.id).toBe(1);
        expect(store.failedWrites.get(task.id)).toBeUndefined();
      }
    }

    const results: TaskResult[] = [];
    for await (const result of batcher.results(job.id)) results.push(result);
    expect(results).toHaveLength(5000);
    expect(results.map((r) => r.taskId)).toEqual(tasks.map((t) => t.id));
    for (const result of results) {
      if (poisonIds.includes(result.taskId)) {
        expect(result.status).toBe('failed');
        expect(result.attempts).toBe(maxAttempts);
        // every charged attempt ran alone (bisection charges no batch-mate); most are the poison's
        // own 422, but an attempt alone can also meet one of the server's injected faults (a hang
        // past the timeout, a 500), more often on a loaded machine: those count, as any fault does
        // (a 429 is recorded but charges no attempt)
        const charged = result.errors.filter((e) => e.batchSize === 1 && e.status !== 429);
        expect(charged).toHaveLength(maxAttempts);
        expect(charged.filter((e) => e.status === 422).length).toBeGreaterThanOrEqual(maxAttempts / 2);
        for (const e of charged) if (e.status !== 422) expect(['timeout', 'http', 'network']).toContain(e.code);
        if (charged.at(-1)!.status === 422) expect(result.error).toMatch(/HTTP 422/);
      } else {
        expect(result.status).toBe('succeeded');
        expect(result.output).toEqual({ echo: tasks[Number(result.taskId.slice(2))]!.payload });
      }
    }

    // every fault kind actually happened
    const stats = server.stats();
    expect(stats.statuses[429]).toBeGreaterThan(0);
    expect(stats.statuses[500]).toBeGreaterThan(0);
    expect(stats.statuses[422]).toBeGreaterThan(0);
    expect(stats.hung).toBeGreaterThan(0);
    for (const task of tasks) {
      if (!poisonIds.includes(task.id)) expect(stats.resultCounts.get(task.id) ?? 0).toBeGreaterThanOrEqual(1);
    }
    const info = await batcher.getJob(job.id);
    expect(info).toMatchObject({
      state: 'completed_with_errors',
      succeeded: 4997,
      failed: 3,
      pending: 0,
      inFlight: 0,
      etaMs: 0,
    });
    expect(info.finishedAt).toBeGreaterThanOrEqual(info.startedAt!);
  }, 60_000);
});
