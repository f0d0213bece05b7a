import { describe, expect, it } from 'vitest';
import {
  BatcherError,
  createBatcher,
  httpLlmClient,
  InvalidPayloadError,
  type LlmClient,
  LlmNetworkError,
  LlmRequestBuildError,
  type LlmTask,
  memoryJobStore,
  memoryTaskSource,
  type TaskResult,
} from '../src/index.js';
import { startMockLlmServer } from '../src/testing.js';

const fast = { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, pollIntervalMs: 5 };

async function resultsOf(batcher: ReturnType<typeof createBatcher>, jobId: string) {
  const results = new Map<string, TaskResult>();
  for await (const r of batcher.results(jobId)) results.set(r.taskId, r);
  return results;
}

describe('a task whose payload cannot be sent as JSON', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  const tasks: LlmTask[] = [
    { id: 'ok-1', payload: { text: 'fine', when: new Date(0), list: [1, 'two', null, { nested: true }] } },
    { id: 'bigint', payload: { count: 10n } },
    { id: 'ok-2', payload: 'plain string' },
    { id: 'function', payload: { callback: () => 1 } },
    { id: 'cycle', payload: cyclic },
    { id: 'symbol', payload: [1, Symbol('s')] },
    { id: 'nan', payload: { score: Number.NaN } },
    {
      id: 'to-json',
      payload: {
        toJSON: () => {
          throw new Error('nope');
        },
      },
    },
    { id: 'top-function', payload: () => 1 },
    { id: 'ok-3', payload: { optional: undefined, 'odd key': 1 } },
  ];
  const source = memoryTaskSource(tasks);
  const client: LlmClient = { complete: async (batch) => ({ results: batch.map((t) => ({ id: t.id, output: 1 })) }) };

  it('makes createJob reject with InvalidPayloadError naming every such task and what is wrong, creating nothing', async () => {
    const store = memoryJobStore();
    const batcher = createBatcher({ source, client, store });
    for (const input of [{ taskIds: tasks.map((t) => t.id) }, { filter: () => true }]) {
      const error = (await batcher
        .createJob({ ...input, idempotencyKey: 'k' })
        .catch((e: unknown) => e)) as InvalidPayloadError;
      expect(error).toBeInstanceOf(InvalidPayloadError);
      expect(error).toBeInstanceOf(BatcherError);
      expect(error.taskIds).toEqual(['bigint', 'function', 'cycle', 'symbol', 'nan', 'to-json', 'top-function']);
      expect(error.problems).toEqual([
        { taskId: 'bigint', problem: 'a BigInt at payload.count' },
        { taskId: 'function', problem: 'a function at payload.callback' },
        { taskId: 'cycle', problem: 'a cycle at payload.self' },
        { taskId: 'symbol', problem: 'a symbol at payload[1]' },
        { taskId: 'nan', problem: 'a non-finite number (NaN) at payload.score' },
        { taskId: 'to-json', problem: 'a value whose toJSON throws at payload (nope)' },
        { taskId: 'top-function', problem: 'a function at payload' },
      ]);
      expect(error.message).toBe(
        'Expected every task payload to be JSON-serializable, 7 are not: `bigint` (a BigInt at payload.count), ' +
          '`function` (a function at payload.callback), `cycle` (a cycle at payload.self), `symbol` (a symbol at payload[1]), ' +
          '`nan` (a non-finite number (NaN) at payload.score), `to-json` (a value whose toJSON throws at payload (nope)), ' +
          '`top-function` (a function at payload)',
      );
    }
    // nothing was created: the idempotency key is still free, and the healthy tasks make a job of their own
    const job = await batcher.createJob({ taskIds: ['ok-1', 'ok-2', 'ok-3'], idempotencyKey: 'k' });
    expect(job.total).toBe(3);
    expect(await batcher.runJob(job.id)).toMatchObject({ state: 'completed', succeeded: 3, attempts: 3 });
  });

  it('deep nesting is reported, not a stack overflow', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 2000; i++) deep = [deep];
    const batcher = createBatcher({ source: memoryTaskSource([{ id: 'deep', payload: deep }]), client });
    const error = (await batcher.createJob({ taskIds: ['deep'] }).catch((e: unknown) => e)) as InvalidPayloadError;
    expect(error).toBeInstanceOf(InvalidPayloadError);
    expect(error.problems[0]!.problem).toMatch(/^nesting deeper than 500 levels at payload\[0\]/);
  });

  it('a payload the store cannot clone is a typed error too, never a DataCloneError', async () => {
    const store = memoryJobStore();
    const error = await store
      .createJob({ id: 'j', createdAt: 0, tasks: [{ id: 'p', payload: new Proxy({}, {}) }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatcherError);
    expect((error as Error).message).toMatch(/^Expected the payload of task `p` to be cloneable data, got /);
  });
});

describe('errors raised while building a request', () => {
  it('are LlmRequestBuildError, not network errors, and cost the batch-mates nothing (over real HTTP)', async () => {
    const server = await startMockLlmServer();
    try {
      // a custom body builder that cannot serialize one task's payload: the BigInt that slipped
      // past a store written by another program
      const client = httpLlmClient({
        url: server.url,
        buildBody: (batch) => ({ tasks: batch.map((t) => ({ id: t.id, payload: t.id === 't-4' ? 4n : t.payload })) }),
      });
      const direct = await client
        .complete([{ id: 't-4', payload: 1 }], { signal: new AbortController().signal })
        .catch((e: unknown) => e);
      expect(direct).toBeInstanceOf(LlmRequestBuildError);
      expect(direct).not.toBeInstanceOf(LlmNetworkError);
      expect(direct).toMatchObject({ retryable: false, status: undefined });
      expect((direct as Error).message).toMatch(
        /^Expected the request body for 1 task\(s\) to serialize as JSON, got /,
      );

      const tasks = Array.from({ length: 10 }, (_, i) => ({ id: `t-${i}`, payload: { n: i } }));
      const batcher = createBatcher({ source: memoryTaskSource(tasks), client, ...fast });
      const job = await batcher.createJob({ taskIds: tasks.map((t) => t.id) });
      const report = await batcher.runJob(job.id);
      const results = await resultsOf(batcher, job.id);
      expect(report).toMatchObject({ state: 'completed_with_errors', succeeded: 9, failed: 1 });
      for (const [id, result] of results) {
        if (id === 't-4') continue;
        expect(result, id).toMatchObject({ status: 'succeeded', attempts: 1 });
        expect(
          result.errors.every((e) => e.code === 'request'),
          id,
        ).toBe(true);
      }
      // found by bisection, then failed at once: a body that cannot be built will not build next time
      expect(results.get('t-4')).toMatchObject({ status: 'failed', attempts: 1 });
      expect(results.get('t-4')!.errors.map((e) => [e.code, e.batchSize])).toEqual([
        ['request', 10],
        ['request', 5],
        ['request', 2],
        ['request', 1],
      ]);
      // only the requests without t-4 reached the server: t-5…t-9, then t-0…t-2, then t-3
      expect(server.stats().requests).toBe(3);
    } finally {
      await server.close();
    }
  });
});

describe('result items', () => {
  it('{ id, output, error: null | undefined } succeed; an error next to an output fails (the error wins)', async () => {
    const tasks = Array.from({ length: 10 }, (_, i) => ({ id: `t-${i}`, payload: i }));
    const sent: string[][] = [];
    const client: LlmClient = {
      async complete(batch) {
        sent.push(batch.map((t) => t.id));
        return {
          results: batch.map((t) => {
            switch (t.id) {
              case 't-0':
                return { id: t.id, output: 'a', error: null };
              case 't-1':
                return { id: t.id, output: 'b', error: undefined };
              case 't-2':
                return { id: t.id, output: 'half', error: { message: 'truncated', retryable: false } };
              case 't-3':
                return { id: t.id, output: 'x', error: 'overloaded' };
              case 't-4':
                return { id: t.id, output: undefined, error: null } as never;
              case 't-5':
                return { id: t.id, output: null, error: null };
              default:
                return { id: t.id, output: t.id };
            }
          }),
        };
      },
    };
    const batcher = createBatcher({ source: memoryTaskSource(tasks), client, ...fast });
    const job = await batcher.createJob({ taskIds: tasks.map((t) => t.id) });
    const report = await batcher.runJob(job.id);
    const results = await resultsOf(batcher, job.id);
    expect(report).toMatchObject({ succeeded: 7, failed: 3 });
    expect(results.get('t-0')).toMatchObject({ status: 'succeeded', output: 'a', attempts: 1 });
    expect(results.get('t-1')).toMatchObject({ status: 'succeeded', output: 'b', attempts: 1 });
    expect(results.get('t-5')).toMatchObject({ status: 'succeeded', output: null, attempts: 1 });
    expect(results.get('t-2')).toMatchObject({ status: 'failed', attempts: 1, error: 'truncated' });
    expect(results.get('t-2')!.errors[0]).toMatchObject({ code: 'item_error', message: 'truncated' });
    expect(results.get('t-3')).toMatchObject({ status: 'failed', attempts: 3, error: 'overloaded' });
    expect(results.get('t-4')).toMatchObject({ status: 'failed', attempts: 3 });
    expect(results.get('t-4')!.errors[0]).toMatchObject({
      code: 'malformed',
      message:
        'Expected the item to be { id, output } or { id, error }, got `{"id":"t-4","output":undefined,"error":null}` (object)',
    });
  });
});

describe('a client that misbehaves', () => {
  it('in every way at once ends each affected attempt with a typed reason, never a raw TypeError', async () => {
    // one task per request, so each task meets exactly one kind of misbehaviour on its first try
    const kinds = [
      'throws-sync',
      'returns-object',
      'returns-undefined',
      'resolves-null',
      'resolves-bad-results',
      'rejects-undefined',
      'rejects-string',
      'thenable',
      'getter-throws',
      'good',
    ] as const;
    const tasks = kinds.map((kind) => ({ id: kind, payload: kind }));
    const tries = new Map<string, number>();
    const client = {
      complete(batch: readonly LlmTask[]) {
        const [task] = batch as [LlmTask];
        const attempt = (tries.get(task.id) ?? 0) + 1;
        tries.set(task.id, attempt);
        const good = { results: [{ id: task.id, output: attempt }] };
        if (attempt > 1) return Promise.resolve(good); // the second try works: nothing was lost
        switch (task.id as (typeof kinds)[number]) {
          case 'throws-sync':
            throw new TypeError('Cannot read properties of undefined');
          case 'returns-object':
            return good;
          case 'returns-undefined':
            return undefined;
          case 'resolves-null':
            return Promise.resolve(null);
          case 'resolves-bad-results':
            return Promise.resolve({ results: 'nope' });
          case 'rejects-undefined':
            return Promise.reject(undefined);
          case 'rejects-string':
            return Promise.reject('bad gateway');
          case 'thenable':
            // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a Promise is what this case is about
            return { then: (resolve: (value: unknown) => void) => resolve(good) };
          case 'getter-throws':
            return Promise.resolve({
              get results(): never {
                throw new Error('getter');
              },
            });
          default:
            return Promise.resolve(good);
        }
      },
    } as unknown as LlmClient;
    const batcher = createBatcher({ source: memoryTaskSource(tasks), client, batchSize: 1, ...fast });
    const job = await batcher.createJob({ taskIds: tasks.map((t) => t.id) });
    expect(await batcher.runJob(job.id)).toMatchObject({ state: 'completed', succeeded: 10 });
    const results = await resultsOf(batcher, job.id);
    const first = (id: string) => results.get(id)!.errors[0];
    expect(first('throws-sync')).toMatchObject({ code: 'client', message: 'Cannot read properties of undefined' });
    expect(first('returns-object')).toMatchObject({
      code: 'client',
      message:
        'Expected `client.complete` to return a promise, got `{"results":[{"id":"returns-object","output":1}]}` (object)',
    });
    expect(first('returns-undefined')).toMatchObject({
      code: 'client',
      message: 'Expected `client.complete` to return a promise, got `undefined` (undefined)',
    });
    expect(first('resolves-null')).toMatchObject({
      code: 'response',
      message: 'Expected `client.complete` to resolve to { results: [...] }, got `null` (null)',
    });
    expect(first('resolves-bad-results')).toMatchObject({
      code: 'response',
      message: 'Expected `client.complete` to resolve to { results: [...] }, got `{"results":"nope"}` (object)',
    });
    expect(first('rejects-undefined')).toMatchObject({
      code: 'client',
      message: 'Expected the client to throw an Error, got `undefined` (undefined)',
    });
    expect(first('rejects-string')).toMatchObject({
      code: 'client',
      message: 'Expected the client to throw an Error, got `"bad gateway"` (string)',
    });
    expect(first('getter-throws')).toMatchObject({ code: 'response' });
    expect(results.get('thenable')).toMatchObject({ attempts: 1, errors: [] });
    expect(results.get('good')).toMatchObject({ attempts: 1, errors: [] });
    for (const result of results.values()) {
      for (const entry of result.errors) expect(entry.message).not.toMatch(/is not a function/);
    }
  });
});

describe('the default token estimate', () => {
  it('counts a BigInt payload (from a job stored by other means) instead of throwing', async () => {
    const store = memoryJobStore();
    await store.createJob({
      id: 'job',
      createdAt: Date.now(),
      tasks: [{ id: 'b', payload: { n: 12345678901234567890n } }],
    });
    const batcher = createBatcher({
      source: memoryTaskSource([]),
      store,
      client: { complete: async (batch) => ({ results: batch.map((t) => ({ id: t.id, output: 'ok' })) }) },
      rateLimit: { tokensPerMinute: 60_000 },
      ...fast,
    });
    expect(await batcher.runJob('job')).toMatchObject({ state: 'completed', succeeded: 1 });
  });
});
