import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { describeValue } from '@x/checks';
import {
  checkDuration,
  checkFunction,
  checkInteger,
  checkKnownKeys,
  checkObject,
  checkRate,
} from './argument-checks.js';
import { BatcherError, InvalidArgumentError } from './batcher-error.js';

/**
 * The server's own rate limit: more than `requests` requests in one fixed window of `windowMs`
 * are answered 429 with `Retry-After` (seconds, rounded up) and `retry-after-ms` (the rest of the
 * window).
 *
 * @example
 * ```ts
 * await startMockLlmServer({ rateLimit: { requests: 100, windowMs: 1000 } });
 * ```
 */
export interface MockRateLimit {
  /** Requests allowed per window. */
  requests: number;
  /** The window, in milliseconds. @default 1000 */
  windowMs?: number;
}

/**
 * Behaviour of the mock server; every rate is a probability per request (or per item) from 0 to 1.
 *
 * @example
 * ```ts
 * const faults: MockLlmServerOptions = { latencyMs: 20, failureRate: 0.05, itemErrorRate: 0.02, poisonIds: ['t13'] };
 * ```
 */
export interface MockLlmServerOptions {
  /** TCP port on 127.0.0.1; 0 lets the OS pick. @default 0 */
  port?: number;
  /** Time before each answer, in milliseconds. @default 0 */
  latencyMs?: number;
  /** Extra random latency, uniform in [0, jitterMs), in milliseconds. @default 0 */
  jitterMs?: number;
  /** Probability of answering a request 500. @default 0 */
  failureRate?: number;
  /** Probability of never answering a request (the client must time out). @default 0 */
  hangRate?: number;
  /** Probability of answering a request 200 with a body that is not JSON. @default 0 */
  malformedRate?: number;
  /** Probability per item of `{ id, error: { message, retryable: true } }` instead of an output. @default 0 */
  itemErrorRate?: number;
  /** Probability per item of leaving it out of the answer. @default 0 */
  missingItemRate?: number;
  /** Probability per item of a malformed item (`{ id }` with neither output nor error). @default 0 */
  malformedItemRate?: number;
  /** The server's rate limit (429 + Retry-After beyond it). None when absent. */
  rateLimit?: MockRateLimit;
  /** Task ids that make any request carrying them fail as a whole with 422. @default [] */
  poisonIds?: readonly string[];
  /** Requests carrying more tasks are answered 413. @default 10 */
  maxTasksPerRequest?: number;
  /** Seed of the fault generator, for reproducible runs. @default 1 */
  seed?: number;
  /** Window of the per-window request counts in `stats()`, when there is no `rateLimit`. @default 1000 */
  statsWindowMs?: number;
  /** Computes a task's output. @default (task) => ({ echo: task.payload }) */
  respond?: (task: { id: string; payload: unknown }) => unknown;
}

/**
 * What the mock server has seen so far.
 *
 * @example
 * ```ts
 * const stats = server.stats();
 * expect(stats.maxRequestsPerWindow).toBeLessThanOrEqual(100);
 * expect([...stats.resultCounts.values()].every((n) => n >= 1)).toBe(true);
 * ```
 */
export interface MockLlmServerStats {
  /** Batch requests received (health checks excluded). */
  requests: number;
  /** Answers by HTTP status (`hung` requests are not counted here). */
  statuses: Record<number, number>;
  /** Requests answered 429. */
  rateLimited: number;
  /** Requests left unanswered on purpose. */
  hung: number;
  /** Requests in flight right now. */
  inFlight: number;
  /** The most requests in flight at once. */
  maxInFlight: number;
  /** The length of a counting window, in ms. */
  windowMs: number;
  /** The most requests received in one window (429s included). */
  maxRequestsPerWindow: number;
  /** The most requests received in one window and not answered 429. */
  maxAcceptedPerWindow: number;
  /** Tasks received over all requests. */
  tasksReceived: number;
  /** Results produced (`{ id, output }` items sent), over all tasks. */
  resultsProduced: number;
  /** How many times a result was produced, per task id. */
  resultCounts: ReadonlyMap<string, number>;
}

/**
 * A running mock LLM server.
 *
 * @example
 * ```ts
 * const server = await startMockLlmServer({ latencyMs: 50 });
 * const client = httpLlmClient({ url: server.url });
 * // …
 * await server.close();
 * ```
 */
export interface MockLlmServer {
  /** The batch endpoint, `http://127.0.0.1:PORT/v1/batch` (any POST path works). */
  readonly url: string;
  /** `http://127.0.0.1:PORT/health`: answers `{ status: 'ok' }` while the server is up. */
  readonly healthUrl: string;
  /** The port it listens on. */
  readonly port: number;
  /** A snapshot of the counts. */
  stats(): MockLlmServerStats;
  /** Changes the behaviour from now on (same fields as the start options, minus `port`). */
  configure(options: Omit<MockLlmServerOptions, 'port'>): void;
  /** Stops accepting, ends hung requests, waits for answers under way, then resolves. */
  close(): Promise<void>;
  /** Dies at once: stops accepting and destroys every socket, as a crashed process would. */
  kill(): void;
}

const OPTION_KEYS = [
  'port',
  'latencyMs',
  'jitterMs',
  'failureRate',
  'hangRate',
  'malformedRate',
  'itemErrorRate',
  'missingItemRate',
  'malformedItemRate',
  'rateLimit',
  'poisonIds',
  'maxTasksPerRequest',
  'seed',
  'statsWindowMs',
  'respond',
] as const;

interface Behaviour {
  latencyMs: number;
  jitterMs: number;
  failureRate: number;
  hangRate: number;
  malformedRate: number;
  itemErrorRate: number;
  missingItemRate: number;
  malformedItemRate: number;
  rateLimit: { requests: number; windowMs: number } | undefined;
  poisonIds: Set<string>;
  maxTasksPerRequest: number;
  statsWindowMs: number;
  respond: (task: { id: string; payload: unknown }) => unknown;
}

function resolveBehaviour(options: Record<string, unknown>, base?: Behaviour): Behaviour {
  checkKnownKeys('startMockLlmServer', options, OPTION_KEYS);
  const pick = <T>(key: string, fallback: T, check: (value: unknown) => T): T =>
    options[key] === undefined ? fallback : check(options[key]);
  let rateLimit = base?.rateLimit;
  if (options.rateLimit !== undefined) {
    const limit = checkObject('rateLimit', options.rateLimit);
    checkKnownKeys('rateLimit', limit, ['requests', 'windowMs']);
    rateLimit = {
      requests: checkInteger('rateLimit.requests', limit.requests, 1),
      windowMs: checkDuration('rateLimit.windowMs', limit.windowMs ?? 1000, true),
    };
  }
  let poisonIds = base?.poisonIds ?? new Set<string>();
  if (options.poisonIds !== undefined) {
    if (!Array.isArray(options.poisonIds) || options.poisonIds.some((id) => typeof id !== 'string')) {
      throw new InvalidArgumentError(
        `Expected \`poisonIds\` to be an array of strings, got ${describeValue(options.poisonIds)}`,
      );
    }
    poisonIds = new Set(options.poisonIds as string[]);
  }
  if (options.respond !== undefined) checkFunction('respond', options.respond);
  return {
    latencyMs: pick('latencyMs', base?.latencyMs ?? 0, (v) => checkDuration('latencyMs', v)),
    jitterMs: pick('jitterMs', base?.jitterMs ?? 0, (v) => checkDuration('jitterMs', v)),
    failureRate: pick('failureRate', base?.failureRate ?? 0, (v) => checkRate('failureRate', v)),
    hangRate: pick('hangRate', base?.hangRate ?? 0, (v) => checkRate('hangRate', v)),
    malformedRate: pick('malformedRate', base?.malformedRate ?? 0, (v) => checkRate('malformedRate', v)),
    itemErrorRate: pick('itemErrorRate', base?.itemErrorRate ?? 0, (v) => checkRate('itemErrorRate', v)),
    missingItemRate: pick('missingItemRate', base?.missingItemRate ?? 0, (v) => checkRate('missingItemRate', v)),
    malformedItemRate: pick('malformedItemRate', base?.malformedItemRate ?? 0, (v) =>
      checkRate('malformedItemRate', v),
    ),
    rateLimit,
    poisonIds,
    maxTasksPerRequest: pick('maxTasksPerRequest', base?.maxTasksPerRequest ?? 10, (v) =>
      checkInteger('maxTasksPerRequest', v, 1),
    ),
    statsWindowMs: pick('statsWindowMs', base?.statsWindowMs ?? 1000, (v) => checkDuration('statsWindowMs', v, true)),
    respond:
      (options.respond as Behaviour['respond'] | undefined) ??
      base?.respond ??
      ((task: { id: string; payload: unknown }) => ({ echo: task.payload })),
  };
}

/** mulberry32: a small, fast, seedable generator. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * Starts a real HTTP server on 127.0.0.1 that behaves like a batch LLM endpoint, with every fault
 * a real one has: latency, 429 + `Retry-After`, 500s, hangs, per-item errors, missing and
 * malformed items, bodies that are not JSON, and poison tasks that fail any request carrying
 * them with 422. It takes `POST { tasks: [{ id, payload }] }` and answers
 * `{ results: [{ id, output } | { id, error }] }` in shuffled order, and counts what it did.
 * For tests, benchmarks and demos; `GET /health` answers `{ status: 'ok' }`.
 *
 * @example
 * ```ts
 * import { startMockLlmServer } from '@x/llm-batcher/testing';
 * const server = await startMockLlmServer({
 *   latencyMs: 50,
 *   jitterMs: 10,
 *   failureRate: 0.02,
 *   rateLimit: { requests: 200, windowMs: 1000 },
 *   poisonIds: ['task-13'],
 * });
 * console.log(server.url); // http://127.0.0.1:PORT/v1/batch
 * server.kill(); // or: await server.close();
 * ```
 */
export async function startMockLlmServer(options: MockLlmServerOptions = {}): Promise<MockLlmServer> {
  const record = checkObject('options', options);
  let behaviour = resolveBehaviour(record);
  const port = checkInteger('port', options.port ?? 0, 0, 65535);
  const random = seededRandom(options.seed === undefined ? 1 : checkInteger('seed', options.seed, 0));
  const sockets = new Set<Socket>();
  const hung = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const resultCounts = new Map<string, number>();
  const stats = {
    requests: 0,
    statuses: {} as Record<number, number>,
    rateLimited: 0,
    hung: 0,
    inFlight: 0,
    maxInFlight: 0,
    maxRequestsPerWindow: 0,
    maxAcceptedPerWindow: 0,
    tasksReceived: 0,
    resultsProduced: 0,
  };
  let windowStart = 0;
  let windowCount = 0;
  let windowAccepted = 0;

  const windowMs = () => behaviour.rateLimit?.windowMs ?? behaviour.statsWindowMs;

  const send = (response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    stats.inFlight--;
    if (response.destroyed) return;
    stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(body);
  };

  const later = (ms: number, fn: () => void) => {
    if (ms <= 0) return fn();
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const handleBatch = async (request: IncomingMessage, response: ServerResponse) => {
    stats.requests++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    const now = Date.now();
    const length = windowMs();
    const start = now - (now % length);
    if (start !== windowStart) {
      windowStart = start;
      windowCount = 0;
      windowAccepted = 0;
    }
    windowCount++;
    stats.maxRequestsPerWindow = Math.max(stats.maxRequestsPerWindow, windowCount);
    let text: string;
    try {
      text = await readBody(request);
    } catch {
      stats.inFlight--;
      return;
    }
    const limit = behaviour.rateLimit;
    if (limit && windowAccepted >= limit.requests) {
      stats.rateLimited++;
      const waitMs = Math.max(1, windowStart + length - Date.now());
      return send(response, 429, JSON.stringify({ error: { message: 'rate limit exceeded' } }), {
        'retry-after': String(Math.ceil(waitMs / 1000)),
        'retry-after-ms': String(waitMs),
      });
    }
    windowAccepted++;
    stats.maxAcceptedPerWindow = Math.max(stats.maxAcceptedPerWindow, windowAccepted);
    let tasks: Array<{ id: string; payload: unknown }>;
    try {
      const body = JSON.parse(text) as { tasks?: unknown };
      if (!Array.isArray(body.tasks)) throw new Error('no tasks');
      tasks = body.tasks.map((task: unknown) => {
        const t = task as { id?: unknown; payload?: unknown };
        if (typeof t?.id !== 'string') throw new Error('bad task');
        return { id: t.id, payload: t.payload };
      });
    } catch {
      return send(response, 400, JSON.stringify({ error: { message: 'expected { tasks: [{ id, payload }] }' } }));
    }
    stats.tasksReceived += tasks.length;
    if (tasks.length > behaviour.maxTasksPerRequest) {
      return send(
        response,
        413,
        JSON.stringify({ error: { message: `at most ${behaviour.maxTasksPerRequest} tasks per request` } }),
      );
    }
    const b = behaviour;
    const delay = b.latencyMs + (b.jitterMs > 0 ? random() * b.jitterMs : 0);
    const poison = tasks.find((task) => b.poisonIds.has(task.id));
    if (poison) {
      return later(delay, () =>
        send(response, 422, JSON.stringify({ error: { message: `task ${poison.id} cannot be processed` } })),
      );
    }
    if (random() < b.hangRate) {
      stats.hung++;
      hung.add(response);
      response.on('close', () => {
        if (hung.delete(response)) stats.inFlight--;
      });
      return;
    }
    if (random() < b.failureRate) {
      return later(delay, () => send(response, 500, JSON.stringify({ error: { message: 'internal error' } })));
    }
    if (random() < b.malformedRate) {
      return later(delay, () => send(response, 200, '{"results": [{"id": '));
    }
    const results: unknown[] = [];
    const produced: string[] = [];
    for (const task of tasks) {
      const roll = random();
      if (roll < b.missingItemRate) continue;
      if (roll < b.missingItemRate + b.itemErrorRate) {
        results.push({ id: task.id, error: { message: 'model overloaded for this item', retryable: true } });
      } else if (roll < b.missingItemRate + b.itemErrorRate + b.malformedItemRate) {
        results.push({ id: task.id, outptu: 'typo' });
      } else {
        results.push({ id: task.id, output: b.respond(task) });
        produced.push(task.id);
      }
    }
    for (let i = results.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [results[i], results[j]] = [results[j], results[i]];
    }
    later(delay, () => {
      if (response.destroyed) {
        stats.inFlight--;
        return;
      }
      for (const id of produced) resultCounts.set(id, (resultCounts.get(id) ?? 0) + 1);
      stats.resultsProduced += produced.length;
      send(response, 200, JSON.stringify({ results }));
    });
  };

  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/health') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"status":"ok"}');
      return;
    }
    if (request.method !== 'POST') {
      response.writeHead(405, { 'content-type': 'application/json', allow: 'POST' });
      response.end(JSON.stringify({ error: { message: 'POST a batch, or GET /health' } }));
      return;
    }
    void handleBatch(request, response);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new BatcherError(`Expected the server to listen on a TCP port, got ${String(address)}`);
  const base = `http://127.0.0.1:${address.port}`;
  let closed = false;

  return {
    url: `${base}/v1/batch`,
    healthUrl: `${base}/health`,
    port: address.port,
    stats: () => ({
      ...stats,
      statuses: { ...stats.statuses },
      windowMs: windowMs(),
      resultCounts: new Map(resultCounts),
    }),
    configure(next) {
      const nextRecord = checkObject('options', next);
      if ('port' in nextRecord) throw new InvalidArgumentError('Expected no `port` in `configure`, got one');
      const before = windowMs();
      behaviour = resolveBehaviour(nextRecord, behaviour);
      // A new window length starts a new window: the old counts (say, of a 1 s window that began
      // on a whole minute) must not count against a new 60 s limit.
      if (windowMs() !== before) windowStart = Number.NaN;
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const response of hung) response.destroy();
        server.closeIdleConnections();
        const sweep = setInterval(() => server.closeIdleConnections(), 20);
        server.once('close', () => clearInterval(sweep));
      });
    },
    kill() {
      closed = true;
      server.close();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
    },
  };
}
