import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBatcher,
  httpLlmClient,
  JobStateError,
  LlmHttpError,
  memoryJobStore,
  memoryTaskSource,
  type TaskResult,
} from '../src/index.js';
import { type MockLlmServer, startMockLlmServer } from '../src/testing.js';
import { countingStore, makeTasks } from './counting-store.js';
import { until } from './until.js';

describe('cancellation and pause', () => {
  let server: MockLlmServer;
  beforeAll(async () => {
    server = await startMockLlmServer({ latencyMs: 15, seed: 5 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('cancel stops claiming, aborts in-flight requests and keeps the results already written', async () => {
    const tasks = makeTasks(400);
    const store = countingStore(memoryJobStore());
    const batcher = createBatcher({
      source: memoryTaskSource(tasks),
      store,
      client: httpLlmClient({ url: server.url }),
      concurrency: 3,
      pollIntervalMs: 10,
    });
    const job = await batcher.createJob({ taskIds: tasks.map((t) => t.id) });
    const run = batcher.runJob(job.id);
    await until(async () => (await batcher.getJob(job.id)).succeeded >= 60);
    const cancelled = await batcher.cancelJob(job.id);
    expect(cancelled.state).toBe('cancelled');
    const report = await run;
    expect(report.state).toBe('cancelled');
    expect(report.succeeded).toBeGreaterThanOrEqual(60);
    expect(report.succeeded).toBeLessThan(400);
    expect(report.succeeded + report.cancelled).toBe(400);
    expect(report.pending).toBe(0);
    const results: TaskResult[] = [];
    for await (const result of batcher.results(job.id)) results.push(result);
    expect(results).toHaveLength(400);
    expect(results.filter((r) => r.status === 'succeeded')).toHaveLength(report.succeeded);
    expect(results.filter((r) => r.status === 'cancelled')).toHaveLength(report.cancelled);
    expect([...store.succeededWrites.values()].every((n) => n === 1)).toBe(true);
    // nothing is sent after the cancel: the server sees at most what the runner had sent
    const before = server.stats().requests;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.stats().requests - before).toBeLessThanOrEqual(3);
    expect(report.requests).toBeLessThanOrEqual(report.succeeded / 10 + 3);
    expect(await batcher.cancelJob(job.id)).toMatchObject({ state: 'cancelled' });
    await expect(batcher.pauseJob(job.id)).rejects.toThrow(JobStateError);
  });

  it('cancel aborts requests that would otherwise hang until their timeout', async () => {
    const hangServer = await startMockLlmServer({ hangRate: 1 });
    try {
      const tasks = makeTasks(50);
      const batcher = createBatcher({
        source: memoryTaskSource(tasks),
        client: httpLlmClient({ url: hangServer.url }),
        concurrency: 2,
        requestTimeoutMs: 10 * 60_000,
        pollIntervalMs: 10,
      });
      const job = await batcher.createJob({ taskIds: tasks.map((t) => t.id) });
      const run = batcher.runJob(job.id);
      await until(() => hangServer.stats().hung === 2);
      const info = await batcher.cancelJob(job.id);
      expect(info).toMatchObject({ state: 'cancelled', cancelled: 50, inFlight: 0 });
      expect(await run).toMatchObject({ state: 'cancelled', cancelled: 50, succeeded: 0, attempts: 0 });
    } finally {
      await hangServer.close();
    }
  });

  it('cancel does not wait out a long 429 pause', async () => {
    let calls = 0;
    const tasks = makeTasks(40);
    const batcher = createBatcher({
      source: memoryTaskSource(tasks),
      concurrency: 1,
      client: {
        async complete() {
          calls++;
          throw new LlmHttpError(429, 'slow down', 60 * 60_000);
        },
      },
    });
    const job = await batcher.createJob({ taskIds: tasks.map((t) => t.id) });
    const run = batcher.runJob(job.id);
    await until(() => calls === 1);
    await new Promise((resolve) => setTimeout(resolve, 30)); // the runner now waits on the client-wide pause
    expect(await batcher.cancelJob(job.id)).toMatchObject({ state: 'cancelled', cancelled: 40, inFlight: 0 });
    expect(await run).toMatchObject({ state: 'cancelled', rateLimited: 1, requests: 1 });
  }, 10_000);

  it('cancelling a queued job cancels every task; a finished job cannot be cancelled', async () => {
    const tasks = makeTasks(5);
    const batcher = createBatcher({ source: memoryTaskSource(tasks), client: httpLlmClient({ url: server.url }) });
    const job = await batcher.createJob({ taskIds: ['t-1', 't-2'] });
    expect(await batcher.cancelJob(job.id)).toMatchObject({ state: 'cancelled', cancelled: 2, pending: 0 });
    expect(await batcher.runJob(job.id)).toMatchObject({ state: 'cancelled', requests: 0 });
    const done = await batcher.createJob({ taskIds: ['t-3'] });
    expect(await batcher.runJob(done.id)).toMatchObject({ state: 'completed', succeeded: 1 });
    await expect(batcher.cancelJob(done.id)).rejects.toThrow(
      new JobStateError(done.id, 'cancel', ['queued', 'running', 'paused', 'cancelling'], 'completed'),
    );
    await expect(batcher.cancelJob(done.id)).rejects.toThrow(
      /Expected job `.+` to be `queued` or `running` or `paused` or `cancelling` to cancel it, got `completed`/,
    );
  });

  it('pause lets in-flight requests finish and claims nothing new; resume carries on to the end', async () => {
    const tasks = makeTasks(300);
    const store = countingStore(memoryJobStore());
    const batcher = createBatcher({
      source: memoryTaskSource(tasks),
      store,
      client: httpLlmClient({ url: server.url }),
      concurrency: 2,
      pollIntervalMs: 10,
    });
    const job = await batcher.createJob({ taskIds: tasks.map((t) => t.id) });
    const states: string[] = [];
    const run = batcher.runJob(job.id, { onProgress: (p) => states.push(p.state) });
    await until(async () => (await batcher.getJob(job.id)).succeeded >= 40);
    const paused = await batcher.pauseJob(job.id);
    expect(paused.state).toBe('paused');
    await until(async () => (await batcher.getJob(job.id)).inFlight === 0);
    const frozen = await batcher.getJob(job.id);
    expect(frozen.succeeded % 10).toBe(0); // in-flight batches finished, none was cut
    const requests = server.stats().requests;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.stats().requests).toBe(requests);
    expect(await batcher.getJob(job.id)).toMatchObject({ state: 'paused', succeeded: frozen.succeeded });
    expect(await batcher.pauseJob(job.id)).toMatchObject({ state: 'paused' });
    expect((await batcher.resumeJob(job.id)).state).toBe('running');
    const report = await run;
    expect(report).toMatchObject({ state: 'completed', succeeded: 300 });
    expect(states.at(-1)).toBe('running');
    expect([...store.succeededWrites.values()].every((n) => n === 1)).toBe(true);
    await expect(batcher.pauseJob(job.id)).rejects.toThrow(JobStateError);
    await expect(batcher.resumeJob(job.id)).rejects.toThrow(
      /Expected job `.+` to be `paused` or `queued` or `running` to resume it, got `completed`/,
    );
  });

  it('a job paused before any runner starts waits; resume with no runner makes it queued again', async () => {
    const tasks = makeTasks(20);
    const batcher = createBatcher({
      source: memoryTaskSource(tasks),
      client: httpLlmClient({ url: server.url }),
      pollIntervalMs: 10,
    });
    const job = await batcher.createJob({ taskIds: tasks.map((t) => t.id) });
    expect((await batcher.pauseJob(job.id)).state).toBe('paused');
    expect((await batcher.resumeJob(job.id)).state).toBe('queued');
    await batcher.pauseJob(job.id);
    const run = batcher.runJob(job.id);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await batcher.getJob(job.id)).toMatchObject({ state: 'paused', succeeded: 0 });
    await batcher.resumeJob(job.id);
    expect(await run).toMatchObject({ state: 'completed', succeeded: 20 });
  });
});
