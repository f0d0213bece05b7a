import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBatcher, LlmRateLimitError, type LlmTask, memoryJobStore, memoryTaskSource } from '@x/llm-batcher';
import { type MockLlmServer, startMockLlmServer } from '@x/llm-batcher/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { countResultWrites } from '../src/counting-job-store.js';
import {
  createLlmFleet,
  type EndpointStateEvent,
  type FailoverEvent,
  FleetOptionsError,
  type LlmFleet,
  type LlmFleetOptions,
  PlatformError,
} from '../src/index.js';

const servers: MockLlmServer[] = [];
const rawServers: Server[] = [];
const fleets: LlmFleet[] = [];

afterEach(async () => {
  await Promise.allSettled(fleets.splice(0).map((fleet) => fleet.close()));
  // kill(), not close(): close() waits for the clients' idle keep-alive connections to time out.
  for (const server of servers.splice(0)) server.kill();
  for (const server of rawServers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

async function mock(options: Parameters<typeof startMockLlmServer>[0] = {}): Promise<MockLlmServer> {
  const server = await startMockLlmServer({ latencyMs: 10, jitterMs: 5, ...options });
  servers.push(server);
  return server;
}

function fleetOf(endpoints: LlmFleetOptions['endpoints'], options: Omit<LlmFleetOptions, 'endpoints'> = {}): LlmFleet {
  const fleet = createLlmFleet({
    endpoints,
    heartbeatIntervalMs: 100,
    // Generous: on a loaded CI machine a slow health check must not look like a dead endpoint.
    heartbeatTimeoutMs: 2_000,
    healthCheckTimeoutMs: 1_000,
    requestTimeoutMs: 5_000,
    ...options,
  });
  fleets.push(fleet);
  return fleet;
}

function makeTasks(count: number): LlmTask[] {
  return Array.from({ length: count }, (_, i) => ({ id: `t${i}`, payload: { n: i } }));
}

/** Runs a job of `tasks` through `fleet`, counting accepted result writes per task at the store. */
async function runJob(
  fleet: LlmFleet,
  tasks: LlmTask[],
  options: { concurrency?: number; onProgress?: (done: number) => void } = {},
) {
  const writes = new Map<string, number>();
  const batcher = createBatcher({
    source: memoryTaskSource(tasks),
    store: countResultWrites(memoryJobStore(), writes),
    client: fleet,
    concurrency: options.concurrency ?? 8,
    retry: { maxAttempts: 6, baseDelayMs: 10, maxDelayMs: 200 },
    requestTimeoutMs: 10_000,
  });
  const job = await batcher.createJob({ taskIds: tasks.map((task) => task.id) });
  const report = await batcher.runJob(job.id, {
    onProgress: (progress) => options.onProgress?.(progress.succeeded + progress.failed),
  });
  const results = [];
  for await (const result of batcher.results(job.id)) results.push(result);
  return { report, writes, results };
}

describe('createLlmFleet over real HTTP', () => {
  it('fails over when an endpoint dies mid-job: every task succeeds, each result written once', async () => {
    const [a, b, c] = [await mock({ seed: 1 }), await mock({ seed: 2 }), await mock({ seed: 3 })];
    const fleet = fleetOf([
      { id: 'a', url: a.url, healthUrl: a.healthUrl, concurrency: 3 },
      { id: 'b', url: b.url, healthUrl: b.healthUrl, concurrency: 3 },
      { id: 'c', url: c.url, healthUrl: c.healthUrl, concurrency: 3 },
    ]);
    const states: EndpointStateEvent[] = [];
    const failovers: FailoverEvent[] = [];
    fleet.on('endpoint-state', (event) => states.push(event));
    fleet.on('failover', (event) => failovers.push(event));
    const tasks = makeTasks(1200);
    let killed = false;
    const { report, writes, results } = await runJob(fleet, tasks, {
      concurrency: 9,
      onProgress: (done) => {
        if (!killed && done >= 400) {
          killed = true;
          c.kill();
        }
      },
    });
    expect(killed).toBe(true);
    expect(report).toMatchObject({ state: 'completed', succeeded: 1200, failed: 0 });
    expect(writes.size).toBe(1200);
    expect([...writes.values()].every((count) => count === 1)).toBe(true);
    expect(new Set(results.map((result) => result.taskId)).size).toBe(1200);
    expect(results.every((result) => result.status === 'succeeded')).toBe(true);
    // The dead endpoint was declared unreachable and its in-flight batches went elsewhere.
    expect(states.some((event) => event.endpointId === 'c' && event.to === 'unreachable')).toBe(true);
    expect(failovers.some((event) => event.endpointId === 'c' && event.kind === 'failover')).toBe(true);
    const stats = fleet.stats();
    expect(stats.failovers).toBeGreaterThan(0);
    expect(stats.endpoints.find((endpoint) => endpoint.id === 'c')?.state).toBe('unreachable');
    // Nothing was sent to the dead endpoint once it was declared unreachable: a and b did the rest.
    const byId = new Map(stats.endpoints.map((endpoint) => [endpoint.id, endpoint]));
    expect(byId.get('a')!.completed + byId.get('b')!.completed + byId.get('c')!.completed).toBeGreaterThanOrEqual(120);
  });

  it('respects Retry-After: an endpoint that answered 429 gets no request until it has passed', async () => {
    const arrivals: number[] = [];
    let answered429At = Number.NaN;
    const limited = createServer((request, response) => {
      if (request.method === 'GET') {
        response.end('{"status":"ok"}');
        return;
      }
      arrivals.push(performance.now());
      request.resume();
      request.on('end', () => {
        if (Number.isNaN(answered429At)) {
          answered429At = performance.now();
          response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
          response.end('{"error":{"message":"slow down"}}');
          return;
        }
        response.writeHead(503);
        response.end();
      });
    });
    rawServers.push(limited);
    await new Promise<void>((resolve) => limited.listen(0, '127.0.0.1', resolve));
    const limitedUrl = `http://127.0.0.1:${(limited.address() as AddressInfo).port}/batch`;
    const other = await mock({ latencyMs: 20 });
    const fleet = fleetOf(
      [
        // Concurrency 1: no other request to it can be in flight when its 429 arrives.
        { id: 'limited', url: limitedUrl, concurrency: 1 },
        { id: 'other', url: other.url, healthUrl: other.healthUrl, concurrency: 2 },
      ],
      { strategy: 'round-robin' },
    );
    const rateLimited: FailoverEvent[] = [];
    fleet.on('failover', (event) => {
      if (event.kind === 'rate-limited') rateLimited.push(event);
    });
    const { report, writes } = await runJob(fleet, makeTasks(300), { concurrency: 4 });
    expect(report).toMatchObject({ state: 'completed', succeeded: 300, failed: 0 });
    expect([...writes.values()].every((count) => count === 1)).toBe(true);
    expect(rateLimited).toEqual([expect.objectContaining({ endpointId: 'limited', retryAfterMs: 1000 })]);
    // Seen from the server: after the 429, the next request came only once Retry-After (1 s) had passed.
    const after = arrivals.filter((at) => at > answered429At);
    if (after.length > 0) expect(after[0]! - answered429At).toBeGreaterThanOrEqual(1000 - 5);
    const limitedStats = fleet.stats().endpoints.find((endpoint) => endpoint.id === 'limited')!;
    expect(limitedStats.rateLimited).toBe(1);
    expect(limitedStats.requestsDuringRetryAfter).toBe(0);
  });

  it('hands a rate limit back when its only endpoint cools down: complete() rejects at once, the batcher waits and succeeds', async () => {
    let calls = 0;
    const only = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        calls++;
        if (calls === 1) {
          response.writeHead(429, { 'retry-after-ms': '300' });
          response.end();
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ results: [{ id: 't0', output: 'ok' }] }));
      });
    });
    rawServers.push(only);
    await new Promise<void>((resolve) => only.listen(0, '127.0.0.1', resolve));
    const fleet = fleetOf([
      {
        id: 'only',
        url: `http://127.0.0.1:${(only.address() as AddressInfo).port}/`,
        healthUrl: false,
        concurrency: 1,
      },
    ]);
    const start = performance.now();
    const limited = await fleet.complete([{ id: 't0', payload: 1 }]).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(LlmRateLimitError);
    expect((limited as LlmRateLimitError).retryAfterMs).toBeGreaterThan(250);
    expect(performance.now() - start).toBeLessThan(250);
    const { report } = await runJob(fleet, [{ id: 't0', payload: 1 }]);
    expect(report).toMatchObject({ state: 'completed', succeeded: 1, attempts: 1 });
    expect(performance.now() - start).toBeGreaterThanOrEqual(295);
    expect(calls).toBe(2);
  });

  it('never exceeds an endpoint’s concurrency, even when the batcher asks for more', async () => {
    const [a, b] = [await mock({ latencyMs: 25, seed: 4 }), await mock({ latencyMs: 25, seed: 5 })];
    const fleet = fleetOf([
      { id: 'a', url: a.url, healthUrl: a.healthUrl, concurrency: 2 },
      { id: 'b', url: b.url, healthUrl: b.healthUrl, concurrency: 3 },
    ]);
    const { report } = await runJob(fleet, makeTasks(800), { concurrency: 20 });
    expect(report).toMatchObject({ state: 'completed', succeeded: 800 });
    const [statsA, statsB] = fleet.stats().endpoints;
    expect(a.stats().maxInFlight).toBeLessThanOrEqual(2);
    expect(b.stats().maxInFlight).toBeLessThanOrEqual(3);
    expect(statsA!.maxInFlight).toBe(2); // it was used to the full, never beyond
    expect(statsB!.maxInFlight).toBe(3);
    expect(statsA!.requests + statsB!.requests).toBeGreaterThanOrEqual(80); // 80 batches of 10
  });

  it('ejects an endpoint after consecutive 5xx and fails its batches over', async () => {
    const broken = await mock({ failureRate: 1 });
    const good = await mock({ seed: 6 });
    const fleet = fleetOf([
      { id: 'broken', url: broken.url, healthUrl: false, concurrency: 2 },
      { id: 'good', url: good.url, healthUrl: good.healthUrl, concurrency: 2 },
    ]);
    const states: EndpointStateEvent[] = [];
    fleet.on('endpoint-state', (event) => states.push(event));
    const { report, writes } = await runJob(fleet, makeTasks(200), { concurrency: 4 });
    expect(report).toMatchObject({ state: 'completed', succeeded: 200, failed: 0 });
    expect([...writes.values()].every((count) => count === 1)).toBe(true);
    expect(states).toContainEqual(
      expect.objectContaining({ endpointId: 'broken', to: 'unreachable', reason: 'ejected' }),
    );
    const stats = fleet.stats();
    expect(stats.serverErrors).toBeGreaterThanOrEqual(3);
    expect(stats.endpoints.find((endpoint) => endpoint.id === 'broken')!.completed).toBe(0);
  });

  it('marks an endpoint whose health check fails unreachable and sends it nothing', async () => {
    const sick = createServer((request, response) => {
      request.resume();
      response.writeHead(request.method === 'GET' ? 503 : 500);
      response.end();
    });
    rawServers.push(sick);
    await new Promise<void>((resolve) => sick.listen(0, '127.0.0.1', resolve));
    const good = await mock();
    const fleet = fleetOf([
      { id: 'sick', url: `http://127.0.0.1:${(sick.address() as AddressInfo).port}/`, concurrency: 2 },
      { id: 'good', url: good.url, healthUrl: good.healthUrl, concurrency: 2 },
    ]);
    const states: EndpointStateEvent[] = [];
    fleet.on('endpoint-state', (event) => states.push(event));
    const { report } = await runJob(fleet, makeTasks(100), { concurrency: 4 });
    expect(report.succeeded).toBe(100);
    expect(states).toContainEqual(
      expect.objectContaining({ endpointId: 'sick', to: 'unreachable', reason: 'health-check-failed' }),
    );
    expect(fleet.stats().endpoints.find((endpoint) => endpoint.id === 'sick')!.requests).toBe(0);
  });

  it('hands a 4xx back to the batcher (the batch’s fault, not the endpoint’s): the poison task fails alone', async () => {
    const a = await mock({ poisonIds: ['t7'], seed: 7 });
    const b = await mock({ poisonIds: ['t7'], seed: 8 });
    const fleet = fleetOf([
      { id: 'a', url: a.url, healthUrl: a.healthUrl, concurrency: 2 },
      { id: 'b', url: b.url, healthUrl: b.healthUrl, concurrency: 2 },
    ]);
    const states: EndpointStateEvent[] = [];
    fleet.on('endpoint-state', (event) => states.push(event));
    const { report, results } = await runJob(fleet, makeTasks(50), { concurrency: 4 });
    expect(report).toMatchObject({ state: 'completed_with_errors', succeeded: 49, failed: 1 });
    expect(results.find((result) => result.taskId === 't7')?.status).toBe('failed');
    expect(states.some((event) => event.to === 'unreachable')).toBe(false);
    expect(fleet.stats().endpoints.every((endpoint) => endpoint.failures === 0)).toBe(true);
  });

  it('times out a hung endpoint’s request after requestTimeoutMs (a network error) and fails the batch over', async () => {
    const hung = await mock({ latencyMs: 30_000 });
    const fast = await mock();
    const fleet = fleetOf(
      [
        { id: 'hung', url: hung.url, healthUrl: false, concurrency: 1 },
        { id: 'fast', url: fast.url, healthUrl: false, concurrency: 1 },
      ],
      { requestTimeoutMs: 300 },
    );
    const failovers: FailoverEvent[] = [];
    fleet.on('failover', (event) => failovers.push(event));
    const started = Date.now();
    const answers = await Promise.all(
      [0, 1].map((n) => fleet.complete([{ id: `t${n}`, payload: n }], { signal: AbortSignal.timeout(20_000) })),
    );
    // the hung request was given up after its timeout, not after the server's 30 s
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(answers.map((answer) => answer.results.map((result) => result.id))).toEqual([['t0'], ['t1']]);
    const stats = fleet.stats();
    expect(stats).toMatchObject({ succeeded: 2, failed: 0, failovers: 1, networkErrors: 1, serverErrors: 0 });
    expect(stats.endpoints.find((e) => e.id === 'hung')).toMatchObject({ failures: 1, completed: 0, inFlight: 0 });
    expect(failovers).toEqual([expect.objectContaining({ endpointId: 'hung', kind: 'failover' })]);
    expect(failovers[0]?.message).toContain('within 300 ms');
  });

  it('with no other endpoint, a timed-out batch rejects with the request timeout as its cause', async () => {
    const hung = await mock({ latencyMs: 30_000 });
    const fleet = fleetOf([{ id: 'hung', url: hung.url, healthUrl: false, concurrency: 1 }], {
      requestTimeoutMs: 200,
      maxAttemptsPerBatch: 1,
    });
    const error = await fleet.complete([{ id: 't0', payload: 0 }]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    const chain: unknown[] = [];
    for (let link: unknown = error; link instanceof Error; link = link.cause) chain.push(link);
    expect(chain.map((link) => (link as Error).name)).toEqual(
      expect.arrayContaining(['WorkerUnavailableError', 'LlmTimeoutError']),
    );
    expect(fleet.stats()).toMatchObject({ failed: 1, networkErrors: 1 });
  });

  it('times each request out after its own requestTimeoutMs when requests start at different times', async () => {
    const hung = await mock({ latencyMs: 30_000, jitterMs: 0 });
    const fleet = fleetOf([{ id: 'hung', url: hung.url, healthUrl: false, concurrency: 4 }], {
      requestTimeoutMs: 300,
      maxAttemptsPerBatch: 1,
      ejection: false,
    });
    const elapsed = await Promise.all(
      [0, 150, 200].map(async (delayMs, n) => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        const started = Date.now();
        const error = await fleet.complete([{ id: `t${n}`, payload: n }]).catch((caught: unknown) => caught);
        expect(String((error as Error).cause ?? error)).toContain('within 300 ms');
        return Date.now() - started;
      }),
    );
    // none is cut short by an earlier request's deadline, none waits for a later one's
    for (const ms of elapsed) {
      expect(ms).toBeGreaterThanOrEqual(295);
      expect(ms).toBeLessThan(5_000);
    }
    expect(fleet.stats()).toMatchObject({ failed: 3, networkErrors: 3 });
    expect(fleet.stats().endpoints[0]).toMatchObject({ inFlight: 0, failures: 3 });
  });

  it('aborts the in-flight request when the caller’s signal fires', async () => {
    const slow = await mock({ latencyMs: 5_000 });
    const fleet = fleetOf([{ id: 'slow', url: slow.url, healthUrl: slow.healthUrl, concurrency: 1 }]);
    const controller = new AbortController();
    const pending = fleet.complete([{ id: 't0', payload: 0 }], { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toThrow();
    expect(fleet.stats().failed).toBe(1);
  });
});

describe('createLlmFleet options', () => {
  const url = 'http://127.0.0.1:9/batch';
  it.each([
    [{ endpoints: [] }, 'Expected `endpoints` to be a non-empty array of { id, url, concurrency }, got `[]` (array)'],
    [
      { endpoints: [{ id: '', url, concurrency: 1 }] },
      'Expected `endpoints[0].id` to be a non-empty string, got `""` (string)',
    ],
    [
      {
        endpoints: [
          { id: 'a', url, concurrency: 1 },
          { id: 'a', url, concurrency: 1 },
        ],
      },
      'Expected `endpoints[1].id` to be unique, got `a` twice',
    ],
    [
      { endpoints: [{ id: 'a', url: 'ftp://x', concurrency: 1 }] },
      'Expected `endpoints[0].url` to be an http(s) URL, got `"ftp://x"` (string)',
    ],
    [
      { endpoints: [{ id: 'a', url, concurrency: 1, healthUrl: '/health' }] },
      'Expected `endpoints[0].healthUrl` to be an http(s) URL or false, got `"/health"` (string)',
    ],
    [
      { endpoints: [{ id: 'a', url, concurrency: 0 }] },
      'Expected `endpoints[0].concurrency` to be an integer from 1 and up, got `0` (number)',
    ],
    [
      { endpoints: [{ id: 'a', url, concurrency: 1, weight: -1 }] },
      'Expected `endpoints[0].weight` to be a number above 0, got `-1` (number)',
    ],
    [
      { endpoints: [{ id: 'a', url, concurrency: 1 }], requestTimeoutMs: 0 },
      'Expected `requestTimeoutMs` to be a duration in ms from 1 to 2147483647 (about 24.8 days), got `0` (number)',
    ],
    [
      { endpoints: [{ id: 'a', url, concurrency: 1 }], requestTimeoutMs: 3e9 },
      'Expected `requestTimeoutMs` to be a duration in ms from 1 to 2147483647 (about 24.8 days), got `3000000000` (number)',
    ],
    [
      { endpoints: [{ id: 'a', url, concurrency: 1 }], requestTimeout: 5000 },
      'Unknown option `requestTimeout` (did you mean `requestTimeoutMs`?) in `createLlmFleet` options; valid options are `endpoints`, `requestTimeoutMs`',
    ],
    [
      { endpoints: [{ id: 'a', url, concurrency: 1, concurency: 2 }] },
      'Unknown option `concurency` (did you mean `concurrency`?) in `endpoints[0]` options; valid options are `id`, `url`, `concurrency`',
    ],
    [
      { endpoints: [{ id: 'a', url, concurrency: 1 }], clientFor: 'http' },
      'Expected `clientFor` to be a function, got `"http"` (string)',
    ],
    [
      { endpoints: [{ id: 'a', url, concurrency: 1 }], maxAttemptsPerBatch: 1.5 },
      'Expected `maxAttemptsPerBatch` to be an integer from 1 and up, got `1.5` (number)',
    ],
  ])('rejects %j', (options, message) => {
    const attempt = () => createLlmFleet(options as LlmFleetOptions);
    expect(attempt).toThrow(FleetOptionsError);
    expect(attempt).toThrow(PlatformError);
    expect(attempt).toThrow(message);
  });

  it('rejects a non-object', () => {
    expect(() => createLlmFleet(null as unknown as LlmFleetOptions)).toThrow(
      'Expected `options` to be an object, got `null` (null)',
    );
  });

  it('passes load-balancer options through (invalid ones are rejected by @x/load-balancer)', () => {
    expect(() => createLlmFleet({ endpoints: [{ id: 'a', url, concurrency: 1 }], heartbeatIntervalMs: -5 })).toThrow(
      /heartbeatIntervalMs/,
    );
  });
});
