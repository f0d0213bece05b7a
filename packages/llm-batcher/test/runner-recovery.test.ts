import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Clock,
  createBatcher,
  httpLlmClient,
  type LlmClient,
  memoryJobStore,
  memoryTaskSource,
} from '../src/index.js';
import { type MockLlmServer, startMockLlmServer } from '../src/testing.js';
import { countingStore, makeTasks } from './counting-store.js';
import { until } from './until.js';

describe('a runner that dies mid-job', () => {
  let server: MockLlmServer;
  beforeAll(async () => {
    server = await startMockLlmServer({ latencyMs: 1, seed: 3 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('is taken over after its leases expire, with exact totals; its late writes are rejected', async () => {
    const tasks = makeTasks(500);
    const source = memoryTaskSource(tasks);
    const store = countingStore(memoryJobStore());
    let offset = 0;
    const clock: Clock = { now: () => Date.now() + offset };
    const http = httpLlmClient({ url: server.url });

    // Runner 1: its requests never return (until we open the gate, long after it lost its leases).
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    let stuckRequests = 0;
    const stuck: LlmClient = {
      async complete(batch) {
        stuckRequests++;
        await gate; // ignores the signal, like a process that froze
        return http.complete(batch, { signal: new AbortController().signal });
      },
    };
    const leaseMs = 60 * 60_000;
    const first = createBatcher({
      source,
      store,
      client: stuck,
      concurrency: 4,
      clock,
      leaseMs,
      requestTimeoutMs: leaseMs / 2,
      pollIntervalMs: 20,
    });
    const job = await first.createJob({ taskIds: tasks.map((t) => t.id) });
    const abandoned = first.runJob(job.id);
    await until(() => stuckRequests === 4);
    expect(await first.getJob(job.id)).toMatchObject({ state: 'running', inFlight: 40, pending: 460 });

    // Runner 2, another batcher on the same store: does what it can, then waits for the leases.
    const second = createBatcher({
      source,
      store,
      client: http,
      concurrency: 8,
      clock,
      leaseMs,
      requestTimeoutMs: 10_000,
      pollIntervalMs: 20,
    });
    const takeover = second.runJob(job.id);
    await until(async () => (await second.getJob(job.id)).succeeded === 460);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await second.getJob(job.id)).toMatchObject({ state: 'running', succeeded: 460, inFlight: 40 });
    offset += leaseMs + 1; // the frozen runner's leases expire
    const report = await takeover;
    expect(report).toMatchObject({
      state: 'completed',
      total: 500,
      succeeded: 500,
      failed: 0,
      pending: 0,
      staleWrites: 0,
    });
    expect(store.succeededWrites.size).toBe(500);
    expect([...store.succeededWrites.values()].every((n) => n === 1)).toBe(true);

    // The frozen runner wakes up: every write it tries is rejected; nothing changes.
    openGate();
    const late = await abandoned;
    expect(late.staleWrites).toBe(40);
    expect(late.state).toBe('completed');
    expect(store.rejectedWrites).toBe(40);
    expect([...store.succeededWrites.values()].every((n) => n === 1)).toBe(true);
    const counts = await store.countItems(job.id);
    expect(counts).toMatchObject({ succeeded: 500, pending: 0, leased: 0, failed: 0 });
    // the service did produce those 40 results twice: at-least-once delivery, exactly-once writes
    const twice = [...server.stats().resultCounts.values()].filter((n) => n === 2);
    expect(twice).toHaveLength(40);
  }, 30_000);

  it('a new runJob after a crash resumes without redoing succeeded tasks', async () => {
    const tasks = makeTasks(200, 'r-');
    const source = memoryTaskSource(tasks);
    const store = countingStore(memoryJobStore());
    let offset = 0;
    const clock: Clock = { now: () => Date.now() + offset };
    let calls = 0;
    const dying: LlmClient = {
      complete(batch) {
        calls++;
        // the first 5 requests succeed, the rest never come back
        if (calls <= 5) return Promise.resolve({ results: batch.map((t) => ({ id: t.id, output: 1 })) });
        return new Promise(() => {});
      },
    };
    const crashed = createBatcher({
      source,
      store,
      client: dying,
      concurrency: 2,
      clock,
      leaseMs: 1000,
      requestTimeoutMs: 500,
      pollIntervalMs: 10,
    });
    const job = await crashed.createJob({ taskIds: tasks.map((t) => t.id) });
    const stop = new AbortController();
    void crashed.runJob(job.id, { signal: stop.signal }).catch(() => {});
    await until(() => calls >= 7);
    // "crash": the runner is gone without releasing anything (its signal is never used)
    const seen = new Set<string>();
    const fresh = createBatcher({
      source,
      store,
      clock,
      leaseMs: 1000,
      requestTimeoutMs: 500,
      pollIntervalMs: 10,
      client: {
        async complete(batch) {
          for (const t of batch) seen.add(t.id);
          return { results: batch.map((t) => ({ id: t.id, output: 2 })) };
        },
      },
    });
    offset += 1001;
    const report = await fresh.runJob(job.id);
    stop.abort();
    expect(report).toMatchObject({ state: 'completed', succeeded: 200 });
    expect(seen.size).toBe(150); // the 50 done before the crash were not sent again
    expect([...store.succeededWrites.values()].every((n) => n === 1)).toBe(true);
    const outputs = new Map<string, unknown>();
    for await (const r of fresh.results(job.id)) outputs.set(r.taskId, r.output);
    expect([...outputs.values()].filter((o) => o === 1)).toHaveLength(50);
  }, 30_000);

  it('a runner stopped by its signal hands its in-flight tasks back uncharged', async () => {
    const tasks = makeTasks(30, 's-');
    const store = memoryJobStore();
    const hanging: LlmClient = { complete: () => new Promise(() => {}) };
    const batcher = createBatcher({
      source: memoryTaskSource(tasks),
      store,
      client: hanging,
      concurrency: 2,
      pollIntervalMs: 10,
    });
    const job = await batcher.createJob({ taskIds: tasks.map((t) => t.id) });
    const controller = new AbortController();
    const run = batcher.runJob(job.id, { signal: controller.signal });
    await until(async () => (await batcher.getJob(job.id)).inFlight === 20);
    controller.abort();
    const report = await run;
    expect(report).toMatchObject({ interrupted: true, state: 'running', pending: 30, succeeded: 0 });
    expect(await store.countItems(job.id)).toMatchObject({ pending: 30, leased: 0, attempts: 0 });
  });
});

describe('several runners on one job', () => {
  it('share the work item by item; every task is written exactly once', async () => {
    const server = await startMockLlmServer({
      latencyMs: 2,
      jitterMs: 3,
      failureRate: 0.05,
      itemErrorRate: 0.05,
      seed: 11,
    });
    try {
      const tasks = makeTasks(1000, 'm-');
      const source = memoryTaskSource(tasks);
      const store = countingStore(memoryJobStore());
      const make = () =>
        createBatcher({
          source,
          store,
          client: httpLlmClient({ url: server.url }),
          concurrency: 3,
          retry: { maxAttempts: 10, baseDelayMs: 2, maxDelayMs: 20 },
          pollIntervalMs: 10,
        });
      const first = make();
      const job = await first.createJob({ taskIds: tasks.map((t) => t.id) });
      const reports = await Promise.all([first.runJob(job.id), make().runJob(job.id), make().runJob(job.id)]);
      for (const report of reports) {
        expect(report).toMatchObject({ state: 'completed', succeeded: 1000, failed: 0, staleWrites: 0 });
        expect(report.requests).toBeGreaterThan(0);
      }
      expect(store.succeededWrites.size).toBe(1000);
      expect([...store.succeededWrites.values()].every((n) => n === 1)).toBe(true);
      expect(store.rejectedWrites).toBe(0);
    } finally {
      await server.close();
    }
  });
});
