import { describe, expect, it } from 'vitest';
import { startMockLlmServer } from '../src/testing.js';
import { until } from './until.js';

const post = (url: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('startMockLlmServer', () => {
  it('serves /health, answers batches in shuffled order and counts results per task', async () => {
    const server = await startMockLlmServer({ seed: 9, respond: (task) => `r:${task.id}` });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/v1/batch`);
      const health = await fetch(server.healthUrl);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const tasks = Array.from({ length: 10 }, (_, i) => ({ id: `k${i}`, payload: i }));
      const orders = new Set<string>();
      for (let round = 0; round < 3; round++) {
        const body = (await (await post(server.url, { tasks })).json()) as {
          results: Array<{ id: string; output: string }>;
        };
        expect(body.results.map((r) => r.id).sort()).toEqual(tasks.map((t) => t.id).sort());
        expect(body.results.every((r) => r.output === `r:${r.id}`)).toBe(true);
        orders.add(body.results.map((r) => r.id).join());
      }
      expect(orders.size).toBeGreaterThan(1);
      const stats = server.stats();
      expect(stats).toMatchObject({ requests: 3, tasksReceived: 30, resultsProduced: 30, statuses: { 200: 3 } });
      expect(stats.resultCounts.get('k3')).toBe(3);
    } finally {
      await server.close();
    }
  });

  it('answers 400 to bad bodies, 413 to oversized batches, 405 to other methods', async () => {
    const server = await startMockLlmServer({ maxTasksPerRequest: 2 });
    try {
      expect((await post(server.url, 'not json')).status).toBe(400);
      expect((await post(server.url, { tasks: [{ id: 1 }] })).status).toBe(400);
      const big = await post(server.url, { tasks: [1, 2, 3].map((i) => ({ id: `x${i}`, payload: i })) });
      expect(big.status).toBe(413);
      expect((await fetch(server.url)).status).toBe(405);
    } finally {
      await server.close();
    }
  });

  it('produces every per-item fault kind', async () => {
    const server = await startMockLlmServer({
      seed: 2,
      itemErrorRate: 0.3,
      missingItemRate: 0.3,
      malformedItemRate: 0.3,
    });
    try {
      const tasks = Array.from({ length: 10 }, (_, i) => ({ id: `k${i}`, payload: i }));
      const kinds = new Set<string>();
      for (let round = 0; round < 5; round++) {
        const { results } = (await (await post(server.url, { tasks })).json()) as {
          results: Array<Record<string, unknown>>;
        };
        if (results.length < 10) kinds.add('missing');
        for (const r of results) kinds.add('output' in r ? 'output' : 'error' in r ? 'error' : 'malformed');
      }
      expect([...kinds].sort()).toEqual(['error', 'malformed', 'missing', 'output']);
    } finally {
      await server.close();
    }
  });

  it('counts requests per window and answers 429 with Retry-After beyond the limit', async () => {
    const server = await startMockLlmServer({ rateLimit: { requests: 2, windowMs: 60_000 } });
    try {
      const tasks = [{ id: 'a', payload: 1 }];
      expect((await post(server.url, { tasks })).status).toBe(200);
      expect((await post(server.url, { tasks })).status).toBe(200);
      const limited = await post(server.url, { tasks });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers.get('retry-after-ms'))).toBeGreaterThan(0);
      expect(server.stats()).toMatchObject({
        rateLimited: 1,
        maxRequestsPerWindow: 3,
        maxAcceptedPerWindow: 2,
        windowMs: 60_000,
      });
    } finally {
      await server.close();
    }
  });

  it('kill() drops in-flight requests and refuses new ones; close() ends hung requests', async () => {
    const server = await startMockLlmServer({ hangRate: 1 });
    const pending = post(server.url, { tasks: [{ id: 'a', payload: 1 }] }).catch((e: unknown) => e);
    // wait for the request to arrive (a fixed 50 ms sleep was too short on a loaded machine)
    await until(() => server.stats().hung === 1, 4_000);
    server.kill();
    expect(await pending).toBeInstanceOf(Error);
    await expect(fetch(server.healthUrl)).rejects.toThrow();

    const other = await startMockLlmServer({ hangRate: 1 });
    const hung = post(other.url, { tasks: [{ id: 'a', payload: 1 }] }).catch((e: unknown) => e);
    await until(() => other.stats().hung === 1, 4_000);
    await other.close();
    expect(await hung).toBeInstanceOf(Error);
    expect(() => other.configure({ port: 1 } as never)).toThrow('Expected no `port` in `configure`, got one');
  });
});
