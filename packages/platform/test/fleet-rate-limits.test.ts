import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBatcher, type LlmTask, memoryTaskSource, type TaskResult } from '@x/llm-batcher';
import { type MockLlmServer, startMockLlmServer } from '@x/llm-batcher/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createLlmFleet,
  type EndpointStateEvent,
  FleetArgumentError,
  type LlmFleet,
  type LlmFleetOptions,
} from '../src/index.js';

const fleets: LlmFleet[] = [];
const servers: Server[] = [];
const mocks: MockLlmServer[] = [];
afterEach(async () => {
  await Promise.allSettled(fleets.splice(0).map((fleet) => fleet.close()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
  for (const mock of mocks.splice(0)) mock.kill();
});

function fleetOf(endpoints: LlmFleetOptions['endpoints'], options: Omit<LlmFleetOptions, 'endpoints'> = {}) {
  const fleet = createLlmFleet({ endpoints, heartbeatIntervalMs: 200, healthCheckTimeoutMs: 1_000, ...options });
  fleets.push(fleet);
  return fleet;
}

/** A batch endpoint that answers 429 with `Retry-After: <retryAfter>` until `limitedUntil`, then echoes. */
async function limitedEndpoint(limitedUntil: () => number, retryAfter = '2') {
  let requests = 0;
  let limited = 0;
  const server = createServer((request, response) => {
    if (request.method === 'GET') {
      response.end('{"status":"ok"}');
      return;
    }
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      requests++;
      if (Date.now() < limitedUntil()) {
        limited++;
        response.writeHead(429, { 'content-type': 'application/json', 'retry-after': retryAfter });
        response.end('{"error":{"message":"slow down"}}');
        return;
      }
      const { tasks } = JSON.parse(body) as { tasks: LlmTask[] };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ results: tasks.map((task) => ({ id: task.id, output: `ok ${task.id}` })) }));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/batch`,
    stats: () => ({ requests, limited }),
  };
}

async function run(fleet: LlmFleet, tasks: LlmTask[], options: Partial<Parameters<typeof createBatcher>[0]> = {}) {
  const batcher = createBatcher({ source: memoryTaskSource(tasks), client: fleet, pollIntervalMs: 20, ...options });
  const job = await batcher.createJob({ taskIds: tasks.map((task) => task.id) });
  const report = await batcher.runJob(job.id);
  const results: TaskResult[] = [];
  for await (const result of batcher.results(job.id)) results.push(result);
  return { report, results };
}

const tasksOf = (count: number): LlmTask[] => Array.from({ length: count }, (_, i) => ({ id: `t${i}`, payload: i }));

describe('rate limits pass through the fleet (real HTTP)', () => {
  it('every endpoint answers 429 with Retry-After 2 s, the batcher’s request timeout is 400 ms: 0 tasks fail, none is charged', async () => {
    // limited for the first 1.5 s: every request in that window gets a 429 with Retry-After: 2
    let until = 0;
    const a = await limitedEndpoint(() => until);
    const b = await limitedEndpoint(() => until);
    const fleet = fleetOf(
      [
        { id: 'a', url: a.url, concurrency: 1 },
        { id: 'b', url: b.url, concurrency: 1 },
      ],
      { requestTimeoutMs: 400 },
    );
    until = Date.now() + 1_500;
    const start = Date.now();
    // concurrency 4 over two endpoints of 1 slot each: batches queue inside the balancer, and must
    // come back as rate limits rather than wait there until the batcher's timeout
    const { report, results } = await run(fleet, tasksOf(10), {
      batchSize: 2,
      concurrency: 4,
      requestTimeoutMs: 400,
      retry: { maxAttempts: 2 },
    });
    expect(report).toMatchObject({ state: 'completed', succeeded: 10, failed: 0, attempts: 10 });
    expect(report.rateLimited).toBeGreaterThanOrEqual(1);
    expect(Date.now() - start).toBeGreaterThanOrEqual(1_900); // it waited the Retry-After out
    for (const result of results) {
      expect(result.attempts, result.taskId).toBe(1);
      expect(
        result.errors.every((e) => e.code === 'rate_limited'),
        result.taskId,
      ).toBe(true);
    }
    expect(a.stats().limited + b.stats().limited).toBeGreaterThanOrEqual(2);
    const stats = fleet.stats();
    expect(stats.endpoints.every((e) => e.failures === 0 && e.state !== 'unreachable')).toBe(true);
    expect(stats.networkErrors).toBe(0);
  });

  it('with the defaults, a Retry-After of 60 s on every endpoint charges no attempt: the job pauses instead', async () => {
    const a = await limitedEndpoint(() => Number.POSITIVE_INFINITY, '60');
    const fleet = fleetOf([{ id: 'a', url: a.url, concurrency: 2 }]);
    const batcher = createBatcher({ source: memoryTaskSource(tasksOf(4)), client: fleet, pollIntervalMs: 20 });
    const job = await batcher.createJob({ taskIds: tasksOf(4).map((t) => t.id) });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 600);
    const report = await batcher.runJob(job.id, { signal: controller.signal });
    expect(report).toMatchObject({ interrupted: true, failed: 0, attempts: 0, pending: 4 });
    expect(a.stats().requests).toBe(1); // one 429, then nothing is sent while it cools down
  });
});

describe('a task’s own defect through the fleet (real HTTP)', () => {
  it('penalises no endpoint: 4xx answers and unbuildable requests keep every endpoint active, with no failover', async () => {
    const one = await startMockLlmServer({ latencyMs: 2, poisonIds: ['poison'] });
    const two = await startMockLlmServer({ latencyMs: 2, poisonIds: ['poison'] });
    mocks.push(one, two);
    const fleet = fleetOf(
      [
        { id: 'one', url: one.url, healthUrl: one.healthUrl, concurrency: 2 },
        { id: 'two', url: two.url, healthUrl: two.healthUrl, concurrency: 2 },
      ],
      { ejection: { consecutiveFailures: 2 } },
    );
    const failovers: unknown[] = [];
    fleet.on('failover', (event) => failovers.push(event));
    // more task errors in a row than the ejection threshold, of both kinds
    for (let i = 0; i < 4; i++) {
      await expect(fleet.complete([{ id: 'poison', payload: 1 }])).rejects.toMatchObject({ status: 422 });
      await expect(fleet.complete([{ id: 'big', payload: 10n }])).rejects.toMatchObject({
        name: 'LlmRequestBuildError',
      });
    }
    const { report, results } = await run(fleet, [...tasksOf(20), { id: 'poison', payload: 'x' }], {
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
    });
    expect(report).toMatchObject({ succeeded: 20, failed: 1 });
    expect(results.find((r) => r.taskId === 'poison')).toMatchObject({ status: 'failed' });
    const stats = fleet.stats();
    expect(failovers).toEqual([]);
    expect(stats.endpoints.map((e) => [e.id, e.state, e.failures])).toEqual([
      ['one', 'active', 0],
      ['two', 'active', 0],
    ]);
    expect(one.stats().requests + two.stats().requests).toBeGreaterThan(0);
  });
});

describe('endpoint-state events say what changed, not that an endpoint was busy', () => {
  it('a 20-request job over two busy endpoints reports each endpoint joining, and nothing else', async () => {
    const one = await startMockLlmServer({ latencyMs: 5 });
    const two = await startMockLlmServer({ latencyMs: 5 });
    mocks.push(one, two);
    const fleet = fleetOf([
      { id: 'one', url: one.url, healthUrl: one.healthUrl, concurrency: 1 },
      { id: 'two', url: two.url, healthUrl: two.healthUrl, concurrency: 1 },
    ]);
    const events: EndpointStateEvent[] = [];
    fleet.on('endpoint-state', (event) => events.push(event));
    const { report } = await run(fleet, tasksOf(200), { concurrency: 4 });
    expect(report).toMatchObject({ state: 'completed', succeeded: 200, requests: 20 });
    expect(events.map((e) => `${e.endpointId}: ${e.from} → ${e.to}`).sort()).toEqual([
      'one: joining → active',
      'two: joining → active',
    ]);
    expect(fleet.stats().stateChanges).toBe(2);
  });
});

describe('fleet.complete checks its arguments', () => {
  it('accepts a missing context; rejects a non-array, a non-object context and a non-signal', async () => {
    const mock = await startMockLlmServer();
    mocks.push(mock);
    const fleet = fleetOf([{ id: 'm', url: mock.url, healthUrl: false, concurrency: 1 }]);
    expect((await fleet.complete([{ id: 'a', payload: 1 }])).results).toHaveLength(1);
    await expect(fleet.complete('a' as never, undefined)).rejects.toThrow(
      new FleetArgumentError('Expected `tasks` to be an array of { id, payload }, got `"a"` (string)'),
    );
    await expect(fleet.complete([], 5 as never)).rejects.toThrow(
      'Expected `context` to be an object { signal }, got `5` (number)',
    );
    await expect(fleet.complete([], { signal: 'x' } as never)).rejects.toThrow(
      'Expected `context.signal` to be an AbortSignal, got `"x"` (string)',
    );
  });
});
