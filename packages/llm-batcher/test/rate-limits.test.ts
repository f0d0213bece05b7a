import { describe, expect, it, vi } from 'vitest';
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

  it('the token bucket holds in every interval: tokens sent ≤ burst + rate × interval (fake time: a loaded machine cannot stretch the gap between grant and send)', async () => {
    // With real time, the moment `complete()` records lags the moment the limiter granted the
    // tokens by however long the event loop was busy, so recorded intervals could look shorter than
    // granted ones and the bound failed on a loaded CI machine (1000 > 990). With fake time nothing
    // passes between the grant and the send, so this checks the limiter's own decisions exactly.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
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
      let report: unknown;
      const run = batcher.runJob(job.id).then((r) => {
        report = r;
      });
      for (let step = 0; report === undefined && step < 10_000; step++) await vi.advanceTimersByTimeAsync(5);
      await run;
      expect(report).toMatchObject({ state: 'completed', succeeded: 100 });
      expect(sends).toHaveLength(10);
      // 10 requests of 500 tokens at 5 tokens/ms after a 500-token burst: the last goes at 900 ms
      expect(sends.at(-1)!.at - sends[0]!.at).toBeGreaterThanOrEqual(900);
      for (let i = 0; i < sends.length; i++) {
        let tokens = 0;
        for (let j = i; j < sends.length; j++) {
          tokens += sends[j]!.tokens;
          const interval = sends[j]!.at - sends[i]!.at;
          expect(tokens).toBeLessThanOrEqual(tokenBurst + (tokensPerMinute / 60_000) * interval);
        }
      }
    } finally {
      vi.useRealTimers();
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
