import { afterEach, describe, expect, it } from 'vitest';
import {
  createBatcher,
  InvalidArgumentError,
  LlmHttpError,
  LlmNetworkError,
  LlmRateLimitError,
  type LlmTask,
  memoryTaskSource,
  openAiChatClient,
  type TaskResult,
} from '../src/index.js';
import { type MockChatAnswer, type MockChatServer, startMockChatServer } from '../src/testing.js';

const signal = () => new AbortController().signal;
let server: MockChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const lastContent = (body: { messages?: unknown }) => {
  const messages = body.messages as { content: string }[];
  return messages[messages.length - 1]!.content;
};

describe('openAiChatClient', () => {
  it('sends one chat completion per task, in parallel, and maps each answer to { id, output }', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    server = await startMockChatServer({
      latencyMs: 20,
      answer: async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 10));
        inFlight--;
        return undefined;
      },
    });
    const client = openAiChatClient({
      baseUrl: `${server.baseUrl}/`,
      model: 'test-model',
      apiKey: 'sk-test',
      params: { temperature: 0 },
    });
    const tasks: LlmTask[] = [
      { id: 'a', payload: 'plain prompt' },
      { id: 'b', payload: { prompt: 'with system', system: 'be brief' } },
      { id: 'c', payload: { messages: [{ role: 'user', content: 'given messages' }] } },
      { id: 'd', payload: { anything: 1 } },
    ];
    const response = await client.complete(tasks, { signal: signal() });
    expect(response.results).toEqual([
      { id: 'a', output: 'echo: plain prompt' },
      { id: 'b', output: 'echo: with system' },
      { id: 'c', output: 'echo: given messages' },
      { id: 'd', output: 'echo: {"anything":1}' },
    ]);
    expect(maxInFlight).toBe(4);
    const requests = server.requests();
    expect(requests).toHaveLength(4);
    for (const request of requests) {
      expect(request.authorization).toBe('Bearer sk-test');
      expect(request.body).toMatchObject({ model: 'test-model', temperature: 0 });
    }
    expect(requests.find((r) => lastContent(r.body) === 'with system')!.body.messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'with system' },
    ]);
  });

  it('classifies per task: 4xx is the task’s error, 429 carries its wait, 5xx and bad bodies are retryable', async () => {
    const answers: Record<string, MockChatAnswer> = {
      'bad-request': { status: 400, body: { error: { message: 'context length exceeded' } } },
      limited: { status: 429, headers: { 'retry-after-ms': '1500', 'retry-after': '9' }, body: {} },
      broken: { status: 503, body: 'down' },
      refused: { body: { choices: [{ message: { role: 'assistant', content: null, refusal: 'no' } }] } },
      empty: { body: { choices: [] } },
    };
    server = await startMockChatServer({ answer: (r) => answers[lastContent(r.body)] });
    const client = openAiChatClient({ baseUrl: server.baseUrl, model: 'm' });
    const ids = [...Object.keys(answers), 'fine'];
    const { results } = await client.complete(
      ids.map((id) => ({ id, payload: id })),
      { signal: signal() },
    );
    const byId = new Map(results.map((r) => [r.id, r]));
    expect(byId.get('fine')).toEqual({ id: 'fine', output: 'echo: fine' });
    expect(byId.get('bad-request')).toMatchObject({
      error: {
        status: 400,
        retryable: false,
        message: expect.stringMatching(/got HTTP 400: context length exceeded$/),
      },
    });
    expect(byId.get('limited')).toMatchObject({ error: { status: 429, retryAfterMs: 1500 } });
    expect(byId.get('broken')).toMatchObject({ error: { status: 503 } });
    expect(byId.get('refused')).toMatchObject({ error: { message: 'The model refused: no', retryable: false } });
    expect(byId.get('empty')).toMatchObject({
      error: { message: expect.stringMatching(/^Expected a chat completion with choices\[0\]\.message\.content/) },
    });
  });

  it('throws for the whole batch when every task failed alike: 429 → LlmRateLimitError, 5xx, network', async () => {
    let mode: 'limited' | 'reset-headers' | 'down' = 'limited';
    server = await startMockChatServer({
      answer: ({ index }): MockChatAnswer => {
        if (mode === 'limited') return { status: 429, headers: { 'retry-after': String(index + 1) } };
        if (mode === 'reset-headers') {
          return {
            status: 429,
            headers: { 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': '1m2.5s' },
          };
        }
        return { status: 502, body: { error: { message: 'bad gateway' } } };
      },
    });
    const client = openAiChatClient({ baseUrl: server.baseUrl, model: 'm' });
    const two = [
      { id: 'a', payload: 'a' },
      { id: 'b', payload: 'b' },
    ];
    const limited = await client.complete(two, { signal: signal() }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(LlmRateLimitError);
    expect(limited).toMatchObject({ status: 429, retryable: true, retryAfterMs: 2000 });

    mode = 'reset-headers';
    const fromReset = openAiChatClient({ baseUrl: server.baseUrl, model: 'm' });
    const reset = await fromReset.complete(two, { signal: signal() }).catch((e: unknown) => e);
    expect(reset).toMatchObject({ status: 429, retryAfterMs: 62_500 });

    mode = 'down';
    const down = await openAiChatClient({ baseUrl: server.baseUrl, model: 'm' })
      .complete(two, { signal: signal() })
      .catch((e: unknown) => e);
    expect(down).toBeInstanceOf(LlmHttpError);
    expect(down).toMatchObject({ status: 502, retryable: true });

    const { baseUrl } = server;
    await server.close();
    server = undefined;
    const gone = await openAiChatClient({ baseUrl, model: 'm' })
      .complete(two, { signal: signal() })
      .catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(LlmNetworkError);
  });

  it('honours x-ratelimit-remaining-* = 0: the next call before the reset sends nothing and throws LlmRateLimitError', async () => {
    server = await startMockChatServer({
      answer: ({ index }) =>
        index === 0
          ? { headers: { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '800ms' } }
          : undefined,
    });
    const client = openAiChatClient({ baseUrl: server.baseUrl, model: 'm' });
    expect((await client.complete([{ id: 'a', payload: 'a' }], { signal: signal() })).results).toHaveLength(1);
    const next = await client.complete([{ id: 'b', payload: 'b' }], { signal: signal() }).catch((e: unknown) => e);
    expect(next).toBeInstanceOf(LlmRateLimitError);
    expect((next as LlmRateLimitError).retryAfterMs).toBeGreaterThan(600);
    expect((next as LlmRateLimitError).retryAfterMs).toBeLessThanOrEqual(800);
    expect(server.requests()).toHaveLength(1);
  });

  it('drives a batcher over HTTP through a mix of 429s, 5xx, a 4xx and successes: only the 4xx task fails', async () => {
    const seen = new Map<string, number>();
    server = await startMockChatServer({
      answer: ({ body }) => {
        const id = lastContent(body);
        const n = (seen.get(id) ?? 0) + 1;
        seen.set(id, n);
        if (id === 'poison') return { status: 422, body: { error: { message: 'invalid prompt' } } };
        if (id.startsWith('limited-') && n === 1) return { status: 429, headers: { 'retry-after-ms': '30' } };
        if (id.startsWith('flaky-') && n === 1) return { status: 500 };
        return undefined;
      },
    });
    const kinds = ['limited', 'flaky', 'fine'];
    const ids = [...Array.from({ length: 30 }, (_, i) => `${kinds[i % 3]}-${i}`), 'poison'];
    const batcher = createBatcher({
      source: memoryTaskSource(ids.map((id) => ({ id, payload: id }))),
      client: openAiChatClient({ baseUrl: server.baseUrl, model: 'm' }),
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
      pollIntervalMs: 5,
      concurrency: 2,
    });
    const job = await batcher.createJob({ taskIds: ids });
    const report = await batcher.runJob(job.id);
    const results = new Map<string, TaskResult>();
    for await (const r of batcher.results(job.id)) results.set(r.taskId, r);
    expect(report).toMatchObject({ state: 'completed_with_errors', succeeded: 30, failed: 1 });
    expect(report.rateLimited).toBeGreaterThan(0);
    expect(results.get('poison')).toMatchObject({ status: 'failed', attempts: 1, errors: [{ status: 422 }] });
    for (const [id, result] of results) {
      if (id === 'poison') continue;
      expect(result.output, id).toBe(`echo: ${id}`);
      // a 429 is never charged; a 5xx is, once
      const charged = result.errors.filter((e) => e.code !== 'rate_limited').length;
      expect(result.attempts, id).toBe(charged + 1);
      if (id.startsWith('flaky-')) expect(result.attempts, id).toBe(2);
    }
  });

  it('checks its options', () => {
    const cases: Array<[Record<string, unknown>, string | RegExp]> = [
      [{ baseUrl: 'nope', model: 'm' }, 'Expected `baseUrl` to be an absolute http(s) URL, got `"nope"` (string)'],
      [{ baseUrl: 'http://x/v1', model: '' }, 'Expected `model` to be a non-empty string, got `""` (string)'],
      [
        { baseUrl: 'http://x/v1', model: 'm', modle: 'm' },
        /^Unknown option `modle` \(did you mean `model`\?\) in `openAiChatClient` options/,
      ],
      [
        { baseUrl: 'http://x/v1', model: 'm', params: { model: 'other' } },
        'Expected `params` not to set `model` (the client sets it), got `"other"` (string)',
      ],
      [
        { baseUrl: 'http://x/v1', model: 'm', timeoutMs: 3e9 },
        'Expected `timeoutMs` to be a duration in ms above 0 to 2147483647 (about 24.8 days), got `3000000000` (number)',
      ],
      [
        { baseUrl: 'http://x/v1', model: 'm', apiKey: 5 },
        'Expected `apiKey` to be a non-empty string, got `5` (number)',
      ],
    ];
    for (const [options, message] of cases) {
      expect(() => openAiChatClient(options as never), JSON.stringify(options)).toThrow(InvalidArgumentError);
      expect(() => openAiChatClient(options as never)).toThrow(message);
    }
  });
});
