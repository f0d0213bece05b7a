import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HttpStatusError,
  httpWorker,
  InvalidResponseError,
  LoadBalancer,
  MAX_RETRY_AFTER_MS,
  TaskTimeoutError,
  WorkerOverloadedError,
  WorkerUnavailableError,
} from '../src/index.js';

type Handler = (body: unknown, request: IncomingMessage, response: ServerResponse) => void;

const servers: Server[] = [];

async function serve(handler: Handler): Promise<{ url: string; server: Server; requests: unknown[] }> {
  const requests: unknown[] = [];
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => {
      raw += chunk;
    });
    request.on('end', () => {
      const body = raw === '' ? undefined : JSON.parse(raw);
      requests.push(body);
      handler(body, request, response);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/run`, server, requests };
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

const echo: Handler = (body, request, response) => {
  if (request.method === 'GET') return json(response, 200, { ok: true, load: 0.25 });
  json(response, 200, { echo: body });
};

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

const context = (signal = new AbortController().signal) => ({
  signal,
  attempt: 1,
  attemptId: 1,
  workerId: 'w',
  priority: 0,
  key: undefined,
  onAbort: () => {},
});

describe('httpWorker against real node:http servers on 127.0.0.1', { timeout: 30_000 }, () => {
  it('POSTs the task as JSON and resolves with the JSON answer; health check reads load', async () => {
    const { url, requests } = await serve(echo);
    const spec = httpWorker<{ n: number }, { echo: { n: number } }>({
      id: 'h',
      url,
      capacity: 2,
      healthPath: '/health',
    });
    await expect(spec.execute({ n: 1 }, context())).resolves.toEqual({ echo: { n: 1 } });
    expect(requests).toEqual([{ n: 1 }]);
    await expect(spec.healthCheck?.()).resolves.toEqual({ load: 0.25 });
  });

  it('maps 503/502/504 to WorkerUnavailableError, 429 to WorkerOverloadedError with Retry-After, 400 to HttpStatusError', async () => {
    let status = 503;
    const { url } = await serve((_body, _request, response) =>
      json(response, status, { error: 'nope' }, status === 429 ? { 'retry-after': '3' } : {}),
    );
    const spec = httpWorker({ id: 'h', url, capacity: 1 });
    for (const code of [502, 503, 504]) {
      status = code;
      const error = await spec.execute(1, context()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkerUnavailableError);
      expect((error as Error).message).toBe(`Worker \`h\`: POST ${url} answered HTTP ${code}`);
    }
    status = 429;
    const overloaded = await spec.execute(1, context()).catch((e: unknown) => e);
    expect(overloaded).toBeInstanceOf(WorkerOverloadedError);
    expect((overloaded as WorkerOverloadedError).retryAfterMs).toBe(3000);
    status = 400;
    const taskError = await spec.execute(1, context()).catch((e: unknown) => e);
    expect(taskError).toBeInstanceOf(HttpStatusError);
    expect(taskError).toMatchObject({
      status: 400,
      body: '{"error":"nope"}',
      message: `POST ${url} answered HTTP 400`,
    });
  });

  it('a hanging server: its own timeout throws WorkerUnavailableError; the attempt signal aborts the request', async () => {
    const { url } = await serve(() => {});
    const spec = httpWorker({ id: 'h', url, capacity: 1, timeoutMs: 100 });
    const error = await spec.execute(1, context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerUnavailableError);
    expect((error as Error).message).toBe(`Worker \`h\`: POST ${url} timed out after 100 ms`);
    const controller = new AbortController();
    const pending = spec.execute(1, context(controller.signal)).catch((e: unknown) => e);
    controller.abort(new Error('caller gave up'));
    expect(await pending).toEqual(new Error('caller gave up'));
  });

  it('connection refused throws WorkerUnavailableError', async () => {
    const { url, server } = await serve(echo);
    servers.splice(servers.indexOf(server), 1);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const spec = httpWorker({ id: 'h', url, capacity: 1, healthPath: '/health' });
    const error = await spec.execute(1, context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerUnavailableError);
    expect((error as Error).message).toMatch(/failed \(ECONNREFUSED\)/);
    await expect(spec.healthCheck?.()).rejects.toThrow();
  });

  it('through a LoadBalancer: 503 and a server closed mid-run fail over to the healthy server; nothing lost', async () => {
    const healthy = await serve(echo);
    const unavailable = await serve((_body, _request, response) => json(response, 503, {}));
    // this one accepts requests and holds them; it is closed while they are in flight
    const dying = await serve(() => {});
    const lb = new LoadBalancer<number, { echo: number }>({
      ejection: { consecutiveFailures: 2, baseEjectionTimeMs: 60_000, maxEjectionPercent: 100 },
      retry: { maxAttempts: 5 },
    });
    const states: string[] = [];
    lb.on('worker-state', (e) => {
      if (e.to === 'unreachable') states.push(`${e.workerId}:${e.reason}`);
    });
    lb.addWorker(httpWorker({ id: 'dying', url: dying.url, capacity: 4, timeoutMs: 5000 }));
    const tasks = Array.from({ length: 4 }, (_, i) => lb.submit(i));
    await expect.poll(() => dying.requests.length, { timeout: 10_000 }).toBe(4);
    lb.addWorker(httpWorker({ id: '503', url: unavailable.url, capacity: 4 }));
    tasks.push(...Array.from({ length: 4 }, (_, i) => lb.submit(i + 4)));
    await expect.poll(() => lb.workers().find((w) => w.id === '503')?.state, { timeout: 10_000 }).toBe('unreachable');
    expect(lb.stats().queued).toBe(4);
    lb.addWorker(httpWorker({ id: 'healthy', url: healthy.url, capacity: 2 }));
    dying.server.closeAllConnections();
    dying.server.close();
    const results = await Promise.all(tasks);
    expect(results).toEqual(Array.from({ length: 8 }, (_, i) => ({ echo: i })));
    expect(states.sort()).toEqual(['503:ejected', 'dying:ejected']);
    expect(lb.stats()).toMatchObject({ completed: 8, failed: 0 });
    await lb.shutdown();
  });

  it('health checks through the balancer: a server that answers 503 on its health path turns the worker unreachable', async () => {
    let healthStatus = 200;
    const { url } = await serve((body, request, response) => {
      if (request.method === 'GET') return json(response, healthStatus, {});
      json(response, 200, body);
    });
    const lb = new LoadBalancer<number, number>({
      heartbeatIntervalMs: 20,
      heartbeatTimeoutMs: 5000,
      healthCheckTimeoutMs: 2000,
    });
    lb.addWorker(httpWorker({ id: 'h', url, capacity: 1, healthPath: '/health' }));
    await expect(lb.submit(5)).resolves.toBe(5);
    healthStatus = 503;
    await expect.poll(() => lb.workers()[0]?.state, { timeout: 10_000 }).toBe('unreachable');
    healthStatus = 200;
    await expect.poll(() => lb.workers()[0]?.state, { timeout: 10_000 }).toBe('active');
    await lb.shutdown();
  });
});

describe("errors caused by the task are the task's", () => {
  it('a task JSON cannot serialize (BigInt, a cycle) rejects with the original error; no worker is penalised or called', async () => {
    const { url, requests } = await serve(echo);
    const lb = new LoadBalancer<unknown, unknown>();
    lb.addWorker(httpWorker({ id: 'a', url, capacity: 2 }));
    lb.addWorker(httpWorker({ id: 'b', url, capacity: 2 }));
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const outcomes = await Promise.allSettled([
      lb.submit({ n: 1n }),
      lb.submit(cyclic),
      lb.submit({ n: 2n }),
      lb.submit(cyclic),
    ]);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(TypeError);
    }
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/BigInt/);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/circular/i);
    expect(requests).toEqual([]);
    for (const worker of lb.workers()) {
      expect(worker).toMatchObject({ state: 'active', failures: 0, consecutiveFailures: 0, ejections: 0 });
    }
    expect(lb.stats()).toMatchObject({ workerErrors: 0, failovers: 0, taskErrors: 4 });
    expect(await lb.submit({ n: 3 })).toEqual({ echo: { n: 3 } });
    await lb.shutdown();
  });

  it('a request that cannot be built (a bad header value) rejects with the TypeError, not a worker error', async () => {
    const { url, requests } = await serve(echo);
    const lb = new LoadBalancer<unknown, unknown>();
    lb.addWorker(httpWorker({ id: 'a', url, capacity: 1, headers: { 'x-bad': 'line\nbreak' } }));
    const error = await lb.submit({ n: 1 }).catch((e) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(requests).toEqual([]);
    expect(lb.workers()[0]).toMatchObject({ state: 'active', failures: 0 });
    await lb.shutdown();
  });

  it('a 2xx answer that is not JSON is an InvalidResponseError naming worker, URL, status and the body', async () => {
    const { url } = await serve((_body, _request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(`<html>${'x'.repeat(500)}</html>`);
    });
    const spec = httpWorker({ id: 'html-1', url, capacity: 1 });
    const error = (await spec.execute({ n: 1 }, context()).catch((e) => e)) as InvalidResponseError;
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({ workerId: 'html-1', url, status: 200 });
    expect(error.bodySnippet.startsWith('<html>xxx')).toBe(true);
    expect(error.bodySnippet.length).toBeLessThanOrEqual(200);
    expect(error.message).toContain('html-1');
    expect(error.message).toContain(url);
    expect(error.message).toContain('200');
    expect(error.message).toContain('<html>');
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });
});

describe('Retry-After', () => {
  it.each([
    [{ 'retry-after': '2' }, 2000],
    [{ 'retry-after': '99999999' }, MAX_RETRY_AFTER_MS],
    [{ 'retry-after-ms': '250', 'retry-after': '9' }, 250],
    [{ 'retry-after': '1e3' }, undefined],
  ])('a 429 with %o pushes back for %s ms (clamped, never 0)', async (headers, expected) => {
    const { url } = await serve((_body, _request, response) => json(response, 429, { error: 'slow down' }, headers));
    const error = (await httpWorker({ id: 'h', url, capacity: 1 })
      .execute({}, context())
      .catch((e) => e)) as WorkerOverloadedError;
    expect(error).toBeInstanceOf(WorkerOverloadedError);
    expect(error.retryAfterMs).toBe(expected);
  });

  it('an HTTP-date Retry-After is read as the time until that date', async () => {
    const date = new Date(Date.now() + 120_000).toUTCString();
    const { url } = await serve((_body, _request, response) => json(response, 429, {}, { 'retry-after': date }));
    const error = (await httpWorker({ id: 'h', url, capacity: 1 })
      .execute({}, context())
      .catch((e) => e)) as WorkerOverloadedError;
    expect(error.retryAfterMs).toBeGreaterThan(100_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('a server asking to wait beyond the cap is left alone for the whole capped period', async () => {
    let hits = 0;
    const { url } = await serve((body, _request, response) => {
      hits++;
      if (hits === 1) return json(response, 429, {}, { 'retry-after': '99999999' });
      json(response, 200, { echo: body });
    });
    const { url: other } = await serve(echo);
    const lb = new LoadBalancer<unknown, unknown>();
    lb.addWorker(httpWorker({ id: 'limited', url, capacity: 1 }));
    const first = await lb.submit({ n: 0 }, { timeoutMs: 300 }).catch((e) => e);
    expect(first).toBeInstanceOf(TaskTimeoutError); // its only worker is pushed back: the task waits until the timeout…
    lb.addWorker(httpWorker({ id: 'other', url: other, capacity: 1 }));
    for (let n = 1; n <= 20; n++) await lb.submit({ n });
    expect(hits).toBe(1); // …and the limited worker got no request during the capped Retry-After
    expect(lb.workers()[0]).toMatchObject({ state: 'overloaded', stateReason: 'retry-after' });
    await lb.shutdown({ drain: false });
  }, 15_000);
});
