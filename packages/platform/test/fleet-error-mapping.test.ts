import {
  classifyLlmError,
  type LlmBatchResponse,
  type LlmClient,
  LlmHttpError,
  LlmNetworkError,
  LlmRateLimitError,
  LlmResponseError,
  type LlmTask,
  LlmTimeoutError,
} from '@x/llm-batcher';
import { afterEach, describe, expect, it } from 'vitest';
import { createLlmFleet, type FailoverEvent, type LlmFleet } from '../src/index.js';

/** An in-process endpoint whose answers are scripted: each call takes the next outcome. */
function scripted(outcomes: (Error | 'ok')[]): LlmClient & { calls: number } {
  const client = {
    calls: 0,
    async complete(tasks: readonly LlmTask[]): Promise<LlmBatchResponse> {
      const outcome = outcomes[client.calls++] ?? 'ok';
      if (outcome !== 'ok') throw outcome;
      return { results: tasks.map((task) => ({ id: task.id, output: `done by call ${client.calls}` })) };
    },
  };
  return client;
}

const fleets: LlmFleet[] = [];
afterEach(async () => {
  await Promise.allSettled(fleets.splice(0).map((fleet) => fleet.close()));
});

function twoEndpoints(a: LlmClient, b: LlmClient) {
  const clients = new Map([
    ['a', a],
    ['b', b],
  ]);
  const fleet = createLlmFleet({
    endpoints: [
      { id: 'a', url: 'http://127.0.0.1:9/a', concurrency: 1, healthUrl: false },
      { id: 'b', url: 'http://127.0.0.1:9/b', concurrency: 1, healthUrl: false },
    ],
    strategy: 'round-robin',
    clientFor: (endpoint) => clients.get(endpoint.id)!,
  });
  fleets.push(fleet);
  const events: FailoverEvent[] = [];
  fleet.on('failover', (event) => events.push(event));
  return { fleet, events };
}

const tasks: LlmTask[] = [{ id: 't1', payload: 1 }];
const signal = () => AbortSignal.timeout(10_000);

describe('how the fleet maps an endpoint’s errors', () => {
  it.each([
    ['a 5xx', new LlmHttpError(503, 'unavailable')],
    ['a 500', new LlmHttpError(500, 'boom')],
    ['a connection error', new LlmNetworkError('ECONNREFUSED')],
    ['a timeout', new LlmTimeoutError(1000)],
    ['an unreadable body', new LlmResponseError('not JSON')],
  ])('%s fails over to the other endpoint (an endpoint failure)', async (_name, error) => {
    const a = scripted([error]);
    const b = scripted([]);
    const { fleet, events } = twoEndpoints(a, b);
    const response = await fleet.complete(tasks, { signal: signal() });
    expect(response.results).toHaveLength(1);
    expect(a.calls + b.calls).toBe(2);
    expect(events).toEqual([expect.objectContaining({ kind: 'failover', attempt: 1 })]);
    const stats = fleet.stats();
    expect(stats.failovers).toBe(1);
    expect(stats.endpoints.reduce((sum, endpoint) => sum + endpoint.failures, 0)).toBe(1);
  });

  it('a 429 is a capacity signal: the batch goes elsewhere; when every endpoint cools down it goes back to the batcher as a rate limit', async () => {
    const a = scripted([new LlmHttpError(429, 'slow down', 250)]);
    const b = scripted([new LlmHttpError(429, 'slow down', 400)]);
    const { fleet, events } = twoEndpoints(a, b);
    const start = performance.now();
    // a says 429: the batch goes to b, which says 429 too: no endpoint left, so the batcher gets a
    // rate limit carrying the earliest time one accepts work again (a's, 250 ms), at once
    const limited = (await fleet.complete(tasks, { signal: signal() }).catch((e: unknown) => e)) as LlmRateLimitError;
    expect(limited).toBeInstanceOf(LlmRateLimitError);
    expect(classifyLlmError(limited)).toMatchObject({ rateLimited: true, retryable: true, status: 429 });
    expect(limited.retryAfterMs).toBeGreaterThan(200);
    expect(limited.retryAfterMs).toBeLessThanOrEqual(250);
    expect(performance.now() - start).toBeLessThan(200);
    expect(events.map((event) => [event.kind, event.retryAfterMs])).toEqual([['rate-limited', 250]]);
    // while both cool down, a batch is turned back without a request
    await expect(fleet.complete(tasks, { signal: signal() })).rejects.toBeInstanceOf(LlmRateLimitError);
    expect(a.calls + b.calls).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, limited.retryAfterMs! + 5));
    const response = await fleet.complete(tasks, { signal: signal() });
    expect(response.results).toHaveLength(1);
    expect(a.calls).toBe(2); // a cooled down first, and took it
    const stats = fleet.stats();
    expect(stats.rateLimited).toBe(2);
    expect(stats.failovers).toBe(0);
    expect(
      stats.endpoints.every((endpoint) => endpoint.failures === 0 && endpoint.requestsDuringRetryAfter === 0),
    ).toBe(true);
  });

  it.each([
    ['400', new LlmHttpError(400, 'bad request')],
    ['422', new LlmHttpError(422, 'poison')],
  ])(
    'a %s is the batch’s fault: it goes back to the caller unchanged, the endpoint stays healthy',
    async (_name, error) => {
      const a = scripted([error]);
      const b = scripted([error]);
      const { fleet, events } = twoEndpoints(a, b);
      await expect(fleet.complete(tasks, { signal: signal() })).rejects.toBe(error);
      expect(a.calls + b.calls).toBe(1);
      expect(events).toEqual([]);
      expect(fleet.stats()).toMatchObject({ failed: 1, failovers: 0 });
    },
  );

  it('gives up after maxAttemptsPerBatch dispatches and rejects (the batcher then retries)', async () => {
    const down = () => new LlmHttpError(502, 'bad gateway');
    const a = scripted([down(), down(), down(), down()]);
    const b = scripted([down(), down(), down(), down()]);
    const clients = new Map([
      ['a', a],
      ['b', b],
    ]);
    const fleet = createLlmFleet({
      endpoints: [
        { id: 'a', url: 'http://127.0.0.1:9/a', concurrency: 1, healthUrl: false },
        { id: 'b', url: 'http://127.0.0.1:9/b', concurrency: 1, healthUrl: false },
      ],
      maxAttemptsPerBatch: 3,
      ejection: false,
      clientFor: (endpoint) => clients.get(endpoint.id)!,
    });
    fleets.push(fleet);
    await expect(fleet.complete(tasks, { signal: signal() })).rejects.toThrow();
    expect(a.calls + b.calls).toBe(3);
    expect(fleet.stats().failed).toBe(1);
  });
});
