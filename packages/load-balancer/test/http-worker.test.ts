import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HttpStatusError,
  httpWorker,
  LoadBalancer,
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
