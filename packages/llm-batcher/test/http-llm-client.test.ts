import { createServer, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatcherError,
  classifyLlmError,
  httpLlmClient,
  isRetryableStatus,
  LlmAbortedError,
  LlmHttpError,
  LlmNetworkError,
  LlmRequestError,
  LlmResponseError,
  LlmTimeoutError,
  parseRetryAfter,
} from '../src/index.js';
import { type MockLlmServer, startMockLlmServer } from '../src/testing.js';

const signal = () => new AbortController().signal;
const tasks = [
  { id: 'a', payload: { q: 1 } },
  { id: 'b', payload: 'two' },
];

describe('httpLlmClient against the mock server', () => {
  let server: MockLlmServer;
  beforeAll(async () => {
    server = await startMockLlmServer({ poisonIds: ['poison'] });
  });
  afterAll(async () => {
    await server.close();
  });

  it('posts { tasks } and reads { results }', async () => {
    const response = await httpLlmClient({ url: server.url }).complete(tasks, { signal: signal() });
    const byId = new Map(response.results.map((r) => [r.id, r]));
    expect(byId.get('a')).toEqual({ id: 'a', output: { echo: { q: 1 } } });
    expect(byId.get('b')).toEqual({ id: 'b', output: { echo: 'two' } });
  });

  it('throws typed errors exposing status and retryAfterMs', async () => {
    const client = httpLlmClient({ url: server.url });
    const poison = (await client
      .complete([{ id: 'poison', payload: 1 }], { signal: signal() })
      .catch((e: unknown) => e)) as LlmHttpError;
    expect(poison).toBeInstanceOf(LlmHttpError);
    expect(poison).toBeInstanceOf(LlmRequestError);
    expect(poison).toBeInstanceOf(BatcherError);
    expect(poison).toMatchObject({ status: 422, retryable: false, retryAfterMs: undefined });
    expect(poison.message).toMatch(/^Expected a 2xx answer from http:\/\/127\.0\.0\.1:\d+\/v1\/batch, got HTTP 422: /);

    server.configure({ rateLimit: { requests: 1, windowMs: 60_000 } });
    await client.complete(tasks, { signal: signal() });
    const limited = (await client.complete(tasks, { signal: signal() }).catch((e: unknown) => e)) as LlmHttpError;
    expect(limited).toMatchObject({ status: 429, retryable: true });
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    expect(limited.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(classifyLlmError(limited)).toMatchObject({ rateLimited: true, retryable: true, status: 429 });
    server.configure({ rateLimit: { requests: 1_000_000, windowMs: 1000 } });

    server.configure({ failureRate: 1 });
    await expect(client.complete(tasks, { signal: signal() })).rejects.toMatchObject({ status: 500, retryable: true });
    server.configure({ failureRate: 0, malformedRate: 1 });
    const malformed = await client.complete(tasks, { signal: signal() }).catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(LlmResponseError);
    expect((malformed as Error).message).toMatch(
      /^Expected a JSON body from .*, got `"\{\\"results\\": \[\{\\"id\\": "` \(string\)$/,
    );
    server.configure({ malformedRate: 0, hangRate: 1 });
    const timedOut = await httpLlmClient({ url: server.url, timeoutMs: 50 })
      .complete(tasks, { signal: signal() })
      .catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(LlmTimeoutError);
    expect(timedOut).toMatchObject({
      retryable: true,
      timeoutMs: 50,
      message: 'Expected an answer within 50 ms, got none',
    });
    const controller = new AbortController();
    const aborted = client.complete(tasks, { signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 20);
    const abortError = await aborted;
    expect(abortError).toBeInstanceOf(LlmAbortedError);
    expect(classifyLlmError(abortError)).toMatchObject({ aborted: true, retryable: false });
    server.configure({ hangRate: 0 });
  });

  it('throws LlmNetworkError when the endpoint is gone', async () => {
    const doomed = await startMockLlmServer();
    const client = httpLlmClient({ url: doomed.url });
    await client.complete(tasks, { signal: signal() });
    doomed.kill();
    const error = await client.complete(tasks, { signal: signal() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmNetworkError);
    expect(error).toMatchObject({ retryable: true, status: undefined });
    expect((error as Error).message).toMatch(/^Expected to reach http:\/\/127\.0\.0\.1:\d+\/v1\/batch, got /);
  });
});

describe('httpLlmClient with custom body, response and headers', () => {
  let url = '';
  let seen: { headers: IncomingHttpHeaders; body: string } | undefined;
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      seen = { headers: request.headers, body };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ data: [{ custom_id: 'a', text: 'A' }] }));
    });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    url = `http://127.0.0.1:${address.port}/custom`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('uses buildBody, parseResponse and headers', async () => {
    const client = httpLlmClient({
      url: new URL(url),
      headers: { Authorization: 'Bearer t' },
      buildBody: (batch) => ({ requests: batch.map((t) => ({ custom_id: t.id, body: t.payload })) }),
      parseResponse: (body) => ({
        results: (body as { data: Array<{ custom_id: string; text: string }> }).data.map((d) => ({
          id: d.custom_id,
          output: d.text,
        })),
      }),
    });
    const response = await client.complete(tasks.slice(0, 1), { signal: signal() });
    expect(response.results).toEqual([{ id: 'a', output: 'A' }]);
    expect(seen?.headers.authorization).toBe('Bearer t');
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen!.body)).toEqual({ requests: [{ custom_id: 'a', body: { q: 1 } }] });
  });

  it('the default parser rejects a body without a results array', async () => {
    const error = await httpLlmClient({ url })
      .complete(tasks, { signal: signal() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmResponseError);
    expect((error as Error).message).toMatch(/^Expected the response to be \{ results: \[\.\.\.\] \}, got /);
  });
});

describe('classification helpers', () => {
  it('isRetryableStatus: 408, 409, 429, 5xx yes; other 4xx no', () => {
    for (const status of [408, 409, 429, 500, 502, 503, 504, 599])
      expect(isRetryableStatus(status), String(status)).toBe(true);
    for (const status of [400, 401, 403, 404, 413, 422]) expect(isRetryableStatus(status), String(status)).toBe(false);
  });

  it('parseRetryAfter reads retry-after-ms, seconds and HTTP dates', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(parseRetryAfter(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(parseRetryAfter(new Headers({ 'retry-after': '0.5' }))).toBe(500);
    const now = Date.parse('2026-11-25T12:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Wed, 25 Nov 2026 12:00:30 GMT' }), now)).toBe(30_000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after': '-3' }))).toBeUndefined();
    expect(parseRetryAfter(new Headers())).toBeUndefined();
  });

  it('classifyLlmError handles foreign errors', () => {
    expect(classifyLlmError(new Error('boom'))).toMatchObject({
      retryable: true,
      rateLimited: false,
      status: undefined,
    });
    expect(classifyLlmError({ status: 429, retryAfterMs: 10 })).toMatchObject({ rateLimited: true, retryAfterMs: 10 });
    expect(classifyLlmError(Object.assign(new Error('x'), { status: 401 }))).toMatchObject({ retryable: false });
    expect(classifyLlmError('text')).toMatchObject({
      retryable: true,
      message: 'Expected the client to throw an Error, got `"text"` (string)',
    });
    const hostile = new Proxy(new Error('hostile'), {
      get(target, key) {
        if (key === 'status') throw new Error('no status for you');
        return Reflect.get(target, key);
      },
    });
    expect(classifyLlmError(hostile)).toMatchObject({ retryable: true, status: undefined, message: 'hostile' });
    expect(new LlmHttpError(503, 'x'.repeat(1000)).body).toHaveLength(500);
  });
});
