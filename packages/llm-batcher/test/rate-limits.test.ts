import { describe, expect, it } from 'vitest';
import { createBatcher, httpLlmClient, type LlmClient, LlmHttpError, memoryTaskSource } from '../src/index.js';
import { startMockLlmServer } from '../src/testing.js';
import { makeTasks } from './counting-store.js';

describe('rate limits', () => {
  it('the request bucket keeps every server window under its limit: no 429 at all', async () => {
    // server: at most 6 requests per 250 ms window; batcher: 12/s with a burst of 1, so at most
    // 1 + 12 × 0.25 = 4 requests leave in any 250 ms (2 of margin for arrival jitter on a loaded machine)
    const server = await startMockLlmServer({ latencyMs: 1, rateLimit: { requests: 6, windowMs: 250 } });
    try {
      const tasks = makeTasks(200);
      const batcher = createBatcher({
        source: memoryTaskSource(tasks),
        client: httpLlmClient({ url: server.url }),
        concurrency: 8,
        rateLimit: { requestsPerMinute: 720, requestBurst: 1 },
      });
      const job = await batcher.createJob({ taskIds: tasks.map((t) => t.id) });
      const report = await batcher.runJob(job.id);
      expect(report).toMatchObject({ state: 'completed', succeeded: 200, rateLimited: 0, requests: 20 });
      const stats = server.stats();
      expect(stats.rateLimited).toBe(0);
      expect(stats.maxRequestsPerWindow).toBeLessThanOrEqual(6);
      expect(stats.requests).toBe(20);
    } finally {
      await server.close();
    }
  });

  it('the token bucket holds in every interval: tokens sent ≤ burst + rate × interval', async () => {
    const sends: Array<{ at: number; tokens: number }> = [];
    const client: LlmClient = {
      async complete(batch) {
        sends.push({ at: Date.now(), tokens: batch.length * 50 });
        return { results: batch.map((t) => ({ id: t.id, output: 'ok' })) };
      },
    };
    const tasks = makeTasks(100);
    const tokensPerMinute = 300_000; // 5 tokens per ms
    const tokenBurst = 500; // one request of 10 tasks × 50 tokens
    const batcher = createBatcher({
      source: memoryTaskSource(tasks),
      client,
      concurrency: 4,
      rateLimit: { tokensPerMinute, tokenBurst, estimateTokens: () => 50 },
    });
    const job = await batcher.createJob({ taskIds: tasks.map((t) => t.id) });
    expect(await batcher.runJob(job.id)).toMatchObject({ state: 'completed', succeeded: 100 });
    expect(sends).toHaveLength(10);
    for (let i = 0; i < sends.length; i++) {
      let tokens = 0;
      for (let j = i; j < sends.length; j++) {
        tokens += sends[j]!.tokens;
        const interval = sends[j]!.at - sends[i]!.at;
        // +1 ms of slack for Date.now() granularity
        expect(tokens).toBeLessThanOrEqual(tokenBurst + (tokensPerMinute / 60_000) * (interval + 1));
      }
    }
  });

  it('a 429 pauses the whole client for the full Retry-After, and costs no attempt', async () => {
    const starts: number[] = [];
    let rejectedAt = 0;
    const retryAfterMs = 300;
    const client: LlmClient = {
      async complete(batch) {
        starts.push(Date.now());
        if (starts.length === 3) {
          rejectedAt = Date.now();
          throw new LlmHttpError(429, 'slow down', retryAfterMs);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { results: batch.map((t) => ({ id: t.id, output: 'ok' })) };
      },
    };
    const tasks = makeTasks(120);
    const batcher = createBatcher({
      source: memoryTaskSource(tasks),
      client,
      concurrency: 1,
      retry: { maxAttempts: 1 },
    });
    const job = await batcher.createJob({ taskIds: tasks.map((t) => t.id) });
    const report = await batcher.runJob(job.id);
    // maxAttempts 1 and still no failure: the 429 was not charged
    expect(report).toMatchObject({ state: 'completed', succeeded: 120, failed: 0, rateLimited: 1 });
    const after = starts.filter((t) => t > rejectedAt);
    expect(after.length).toBeGreaterThan(0);
    expect(Math.min(...after) - rejectedAt).toBeGreaterThanOrEqual(retryAfterMs - 1);
    const results = [];
    for await (const r of batcher.results(job.id)) results.push(r);
    const limited = results.filter((r) => r.errors.some((e) => e.code === 'rate_limited'));
    expect(limited).toHaveLength(10);
    expect(limited.every((r) => r.attempts === 1 && r.errors[0]!.status === 429)).toBe(true);
  });

  it('against the real server, 429s do not repeat during the pause: at most one per window', async () => {
    const server = await startMockLlmServer({ rateLimit: { requests: 1, windowMs: 1000 } });
    try {
      const tasks = makeTasks(30);
      const batcher = createBatcher({
        source: memoryTaskSource(tasks),
        client: httpLlmClient({ url: server.url }),
        concurrency: 2,
      });
      const job = await batcher.createJob({ taskIds: tasks.map((t) => t.id) });
      const started = Date.now();
      const report = await batcher.runJob(job.id);
      expect(report).toMatchObject({ state: 'completed', succeeded: 30 });
      expect(report.rateLimited).toBeGreaterThanOrEqual(1);
      const windows = Math.ceil((Date.now() - started) / 1000) + 1;
      // without the client-wide pause, the second slot would hammer the server with 429s
      expect(server.stats().rateLimited).toBeLessThanOrEqual(windows);
      expect(server.stats().maxAcceptedPerWindow).toBe(1);
    } finally {
      await server.close();
    }
  });
});
