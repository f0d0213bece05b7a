/**
 * Lossless while any worker is healthy: with n workers of which k < n fail, in every mix of the
 * failure kinds, every task succeeds with the balancer's default options. Real HTTP servers on
 * 127.0.0.1 stand in for the remote workers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpWorker, LoadBalancer, type WorkerSpec, WorkerUnavailableError } from '../src/index.js';

type Kind = 'unavailable' | '503' | 'refused' | 'hang' | '429';
const KINDS: readonly Kind[] = ['unavailable', '503', 'refused', 'hang', '429'];

const servers: Server[] = [];
const urls = {} as Record<'healthy' | '503' | 'hang' | '429', string>;
let refusedUrl = '';
const received = { '503': 0, hang: 0, '429': 0 };

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/run`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => resolve(body));
  });
}

beforeAll(async () => {
  urls.healthy = await listen(async (req, res) => {
    const body = await readBody(req);
    setTimeout(() => res.end(JSON.stringify({ echo: JSON.parse(body) })), 2);
  });
  urls['503'] = await listen((_req, res) => {
    received['503']++;
    res.statusCode = 503;
    res.end('unavailable');
  });
  urls.hang = await listen(() => {
    received.hang++; // never answers
  });
  urls['429'] = await listen((_req, res) => {
    received['429']++;
    res.statusCode = 429;
    res.setHeader('retry-after', '1');
    res.end('slow down');
  });
  // a port that was just free: connection refused
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  refusedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/run`;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

type Task = { n: number };
type Result = { echo: Task };

function failingWorker(kind: Kind, id: string): WorkerSpec<Task, Result> {
  switch (kind) {
    case 'unavailable':
      return {
        id,
        capacity: 2,
        execute: async () => {
          throw new WorkerUnavailableError(`${id} is down`);
        },
      };
    case '503':
      return httpWorker({ id, url: urls['503'], capacity: 2 });
    case 'refused':
      return httpWorker({ id, url: refusedUrl, capacity: 2 });
    case 'hang':
      return httpWorker({ id, url: urls.hang, capacity: 2, timeoutMs: 100 });
    case '429':
      return httpWorker({ id, url: urls['429'], capacity: 2 });
  }
}

function healthyWorker(id: string, index: number): WorkerSpec<Task, Result> {
  // half of the healthy workers are in-process, half remote
  if (index % 2 === 1) return { id, capacity: 2, execute: async (task) => ({ echo: task }) };
  return httpWorker({ id, url: urls.healthy, capacity: 2 });
}

const cases: Array<{ n: number; k: number; kinds: Kind[] }> = [];
for (const n of [2, 3, 5]) {
  for (let k = 1; k < n; k++) {
    // every failure kind leads once; with k >= 2 the failing workers mix kinds
    for (let start = 0; start < KINDS.length; start++) {
      cases.push({ n, k, kinds: Array.from({ length: k }, (_, i) => KINDS[(start + i) % KINDS.length] as Kind) });
    }
  }
}

describe('fault matrix: n workers, k < n failing, every failure kind; default options', () => {
  it.each(cases)(
    'n=$n k=$k failing: $kinds',
    async ({ n, k, kinds }) => {
      const lb = new LoadBalancer<Task, Result>();
      // failing workers first: a first pick that favours the start of the list meets them
      kinds.forEach((kind, i) => {
        lb.addWorker(failingWorker(kind, `fail-${i}-${kind}`));
      });
      for (let i = 0; i < n - k; i++) lb.addWorker(healthyWorker(`ok-${i}`, i));
      const tasks = Array.from({ length: 24 }, (_, n) => lb.submit({ n }));
      const outcomes = await Promise.allSettled(tasks);
      const failed = outcomes.filter((o) => o.status === 'rejected');
      expect(failed.map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
      expect(outcomes.map((o) => (o as PromiseFulfilledResult<Result>).value.echo.n)).toEqual(
        Array.from({ length: 24 }, (_, n) => n),
      );
      expect(lb.stats().completed).toBe(24);
      await lb.shutdown({ drain: false });
    },
    20_000,
  );

  it('the issue scenario: one worker answers 503, one dies 30 ms into the run, one stays healthy; 200 tasks', async () => {
    let stop: (() => void) | undefined;
    const dying = await listen(async (req, res) => {
      const body = await readBody(req);
      res.end(JSON.stringify({ echo: JSON.parse(body) }));
    });
    const dyingServer = servers.at(-1) as Server;
    stop = () => {
      dyingServer.closeAllConnections();
      dyingServer.close();
    };
    const lb = new LoadBalancer<Task, Result>({ retry: { maxAttempts: 10 } });
    lb.addWorker(httpWorker({ id: '503', url: urls['503'], capacity: 4 }));
    lb.addWorker(httpWorker({ id: 'dies', url: dying, capacity: 4 }));
    lb.addWorker(httpWorker({ id: 'ok', url: urls.healthy, capacity: 4 }));
    const timer = setTimeout(() => stop?.(), 30);
    const outcomes = await Promise.allSettled(Array.from({ length: 200 }, (_, n) => lb.submit({ n })));
    clearTimeout(timer);
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    await lb.shutdown({ drain: false });
  }, 20_000);
});
