import { describe, expect, it } from 'vitest';
import {
  BatcherError,
  createBatcher,
  httpLlmClient,
  InvalidArgumentError,
  type LlmClient,
  memoryTaskSource,
} from '../src/index.js';
import { mongoJobStore, mongoTaskSource } from '../src/mongodb.js';
import { startMockLlmServer } from '../src/testing.js';

const source = memoryTaskSource([{ id: 'a', payload: 1 }]);
const client: LlmClient = { complete: async () => ({ results: [] }) };

function expectInvalid(fn: () => unknown, message: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, message).toBeInstanceOf(InvalidArgumentError);
  expect(thrown).toBeInstanceOf(BatcherError);
  expect((thrown as Error).message).toBe(message);
}

describe('createBatcher validates every option', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ batchSize: 11 }, 'Expected `batchSize` to be an integer from 1 to 10, got `11` (number)'],
    [{ batchSize: 0 }, 'Expected `batchSize` to be an integer from 1 to 10, got `0` (number)'],
    [{ batchSize: 2.5 }, 'Expected `batchSize` to be an integer from 1 to 10, got `2.5` (number)'],
    [{ batchSize: '10' }, 'Expected `batchSize` to be an integer from 1 to 10, got `"10"` (string)'],
    [{ concurrency: 0 }, 'Expected `concurrency` to be an integer from 1 to 1024, got `0` (number)'],
    [
      { requestTimeoutMs: 0 },
      'Expected `requestTimeoutMs` to be a duration in ms above 0 to 2147483647 (about 24.8 days), got `0` (number)',
    ],
    [
      { requestTimeoutMs: 3e9 },
      'Expected `requestTimeoutMs` to be a duration in ms above 0 to 2147483647 (about 24.8 days), got `3000000000` (number)',
    ],
    [
      { leaseMs: -1 },
      'Expected `leaseMs` to be a duration in ms above 0 to 2147483647 (about 24.8 days), got `-1` (number)',
    ],
    [
      { leaseMs: 2 ** 31 },
      'Expected `leaseMs` to be a duration in ms above 0 to 2147483647 (about 24.8 days), got `2147483648` (number)',
    ],
    [
      { requestTimeoutMs: 5000, leaseMs: 5000 },
      'Expected `leaseMs` to be greater than `requestTimeoutMs` (5000), got `5000` (number)',
    ],
    [
      { pollIntervalMs: Number.NaN },
      'Expected `pollIntervalMs` to be a duration in ms above 0 to 2147483647 (about 24.8 days), got `NaN` (number)',
    ],
    [
      { pollIntervalMs: 3e9 },
      'Expected `pollIntervalMs` to be a duration in ms above 0 to 2147483647 (about 24.8 days), got `3000000000` (number)',
    ],
    [{ retry: 3 }, 'Expected `retry` to be an object, got `3` (number)'],
    [{ retry: { maxAttempts: 0 } }, 'Expected `retry.maxAttempts` to be an integer from 1 and up, got `0` (number)'],
    [
      { retry: { baseDelayMs: -5 } },
      'Expected `retry.baseDelayMs` to be a duration in ms from 0 to 2147483647 (about 24.8 days), got `-5` (number)',
    ],
    [
      { retry: { maxDelayMs: Number.POSITIVE_INFINITY } },
      'Expected `retry.maxDelayMs` to be a duration in ms from 0 to 2147483647 (about 24.8 days), got `Infinity` (number)',
    ],
    [
      { defaultRetryAfterMs: 2 ** 31 },
      'Expected `defaultRetryAfterMs` to be a duration in ms from 0 to 2147483647 (about 24.8 days), got `2147483648` (number)',
    ],
    [
      { retry: { maxDelay: 5 } },
      'Unknown option `maxDelay` (did you mean `maxDelayMs`?) in `retry` options; valid options are `maxAttempts`, `baseDelayMs`, `maxDelayMs`',
    ],
    [
      { rateLimit: { requestsPerMinute: 0 } },
      'Expected `rateLimit.requestsPerMinute` to be a finite number greater than 0, got `0` (number)',
    ],
    [
      { rateLimit: { tokensPerMinute: -1 } },
      'Expected `rateLimit.tokensPerMinute` to be a finite number greater than 0, got `-1` (number)',
    ],
    [
      { rateLimit: { requestBurst: 2 } },
      'Expected `rateLimit.requestsPerMinute` with `rateLimit.requestBurst`, got none',
    ],
    [{ rateLimit: { estimateTokens: 4 } }, 'Expected `rateLimit.estimateTokens` to be a function, got `4` (number)'],
    [{ clock: {} }, 'Expected `clock` to have a `now` method, got `undefined` (undefined) for it'],
    [{ store: { getJob() {} } }, 'Expected `store` to have a `createJob` method, got `undefined` (undefined) for it'],
    [{ client: {} }, 'Expected `client` to have a `complete` method, got `undefined` (undefined) for it'],
    [{ source: null }, 'Expected `source` to be an object, got `null` (null)'],
    [
      { batchsize: 5 },
      expect.stringContaining(
        'Unknown option `batchsize` (did you mean `batchSize`?) in `createBatcher`',
      ) as unknown as string,
    ],
  ];
  for (const [patch, message] of cases) {
    it(`${JSON.stringify(patch)}`, () => {
      if (typeof message !== 'string') {
        expect(() => createBatcher({ source, client, ...patch } as never)).toThrow(InvalidArgumentError);
        return;
      }
      expectInvalid(() => createBatcher({ source, client, ...patch } as never), message);
    });
  }

  it('accepts the documented defaults and limits', () => {
    expect(() => createBatcher({ source, client, batchSize: 10, concurrency: 16 })).not.toThrow();
    expect(() => createBatcher({ source, client, batchSize: 1, rateLimit: { requestsPerMinute: 1 } })).not.toThrow();
  });

  it('rejects an estimateTokens that returns garbage when the job runs', async () => {
    const batcher = createBatcher({
      source,
      client,
      rateLimit: { tokensPerMinute: 1000, estimateTokens: () => Number.NaN },
    });
    const job = await batcher.createJob({ taskIds: ['a'] });
    await expect(batcher.runJob(job.id)).rejects.toThrow(
      'Expected `rateLimit.estimateTokens` to return a finite number from 0 and up, got `NaN` (number) for task `a`',
    );
  });
});

describe('sources, stores, client and server validate their input', () => {
  it('memoryTaskSource', () => {
    expectInvalid(
      () => memoryTaskSource('x' as never),
      'Expected `tasks` to be an array of { id, payload }, got `"x"` (string)',
    );
    expectInvalid(
      () => memoryTaskSource([null] as never),
      'Expected `tasks[0]` to be an object { id, payload }, got `null` (null)',
    );
    expectInvalid(
      () => memoryTaskSource([{ id: 1 }] as never),
      'Expected `tasks[0].id` to be a non-empty string, got `1` (number)',
    );
    expectInvalid(
      () =>
        memoryTaskSource([
          { id: 'a', payload: 1 },
          { id: 'a', payload: 2 },
        ]),
      'Expected distinct task ids, got `a` twice',
    );
  });

  it('mongoJobStore and mongoTaskSource', async () => {
    expectInvalid(() => mongoJobStore({ db: {} } as never), 'Expected `db` to be a MongoDB Db, got `{}` (object)');
    expectInvalid(
      () => mongoJobStore({ db: { collection() {} }, jobsCollection: '' } as never),
      'Expected `jobsCollection` to be a non-empty string, got `""` (string)',
    );
    expectInvalid(
      () => mongoTaskSource({ collection: 'tasks' } as never),
      'Expected `collection` to be a MongoDB Collection, got `"tasks"` (string)',
    );
    const fake = mongoTaskSource({ collection: { find() {} } } as never);
    await expect(fake.findByFilter(() => true, 10)).rejects.toThrow(
      'Expected `filter` to be a MongoDB query document for mongoTaskSource, got a function',
    );
  });

  it('httpLlmClient', () => {
    expectInvalid(
      () => httpLlmClient({ url: 'not a url' }),
      'Expected `url` to be an absolute http(s) URL, got `"not a url"` (string)',
    );
    expectInvalid(
      () => httpLlmClient({ url: 'ftp://x/y' }),
      'Expected `url` to be an absolute http(s) URL, got `"ftp://x/y"` (string)',
    );
    expectInvalid(
      () => httpLlmClient({ url: 5 } as never),
      'Expected `url` to be a non-empty string, got `5` (number)',
    );
    expectInvalid(
      () => httpLlmClient({ url: 'http://127.0.0.1:1/', headers: { a: 1 } } as never),
      'Expected `headers.a` to be a string, got `1` (number)',
    );
    expectInvalid(
      () => httpLlmClient({ url: 'http://127.0.0.1:1/', timeoutMs: 0 }),
      'Expected `timeoutMs` to be a duration in ms above 0 to 2147483647 (about 24.8 days), got `0` (number)',
    );
    expectInvalid(
      () => httpLlmClient({ url: 'http://127.0.0.1:1/', timeoutMs: 3e9 }),
      'Expected `timeoutMs` to be a duration in ms above 0 to 2147483647 (about 24.8 days), got `3000000000` (number)',
    );
    expectInvalid(
      () => httpLlmClient({ url: 'http://127.0.0.1:1/', buildBody: 'x' } as never),
      'Expected `buildBody` to be a function, got `"x"` (string)',
    );
  });

  it('startMockLlmServer', async () => {
    await expect(startMockLlmServer({ failureRate: 2 })).rejects.toThrow(
      new InvalidArgumentError('Expected `failureRate` to be a number from 0 to 1, got `2` (number)'),
    );
    await expect(startMockLlmServer({ rateLimit: { requests: 0 } })).rejects.toThrow(
      'Expected `rateLimit.requests` to be an integer from 1 and up, got `0` (number)',
    );
    await expect(startMockLlmServer({ poisonIds: [1] as never })).rejects.toThrow(
      'Expected `poisonIds` to be an array of strings, got `[1]` (array)',
    );
    await expect(startMockLlmServer({ port: 70000 })).rejects.toThrow(
      'Expected `port` to be an integer from 0 to 65535, got `70000` (number)',
    );
    await expect(startMockLlmServer({ latency: 5 } as never)).rejects.toThrow(
      /^Unknown option `latency` \(did you mean `latencyMs`\?\) in `startMockLlmServer` options; valid options are `port`/,
    );
    await expect(startMockLlmServer({ latencyMs: 3e9 })).rejects.toThrow(
      'Expected `latencyMs` to be a duration in ms from 0 to 2147483647 (about 24.8 days), got `3000000000` (number)',
    );
  });
});
