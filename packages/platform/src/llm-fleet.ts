import {
  classifyLlmError,
  httpLlmClient,
  type LlmBatchResponse,
  type LlmClient,
  type LlmRequestContext,
  type LlmTask,
} from '@x/llm-batcher';
import {
  LoadBalancer,
  type LoadBalancerOptions,
  MAX_RETRY_AFTER_MS,
  WorkerOverloadedError,
  WorkerUnavailableError,
} from '@x/load-balancer';
import { describeValue, FleetOptionsError } from './fleet-error.js';
import type { LlmFleetEvents } from './fleet-events.js';

/**
 * One LLM endpoint of a fleet.
 *
 * @example
 * ```ts
 * const endpoint: LlmEndpoint = { id: 'gpu-a', url: 'http://10.0.0.5:8080/batch', concurrency: 8, weight: 2 };
 * ```
 */
export interface LlmEndpoint {
  /** Unique id among the fleet's endpoints; shown in events and stats. */
  id: string;
  /** The batch endpoint's URL (`http:` or `https:`); requests are POSTed here by `httpLlmClient`. */
  url: string;
  /** Requests in flight at most on this endpoint at once: its capacity in the load balancer. */
  concurrency: number;
  /** Relative share of requests under the `'weighted'` strategy. @defaultValue `1` */
  weight?: number;
  /**
   * URL answering GET health checks, or `false` for none (the endpoint is then judged by its
   * errors only). Any answer below 500 counts as healthy: it proves the server is up.
   * @defaultValue the endpoint's `url`
   */
  healthUrl?: string | false;
  /** Extra HTTP headers for every request (e.g. `authorization`). @defaultValue `{}` */
  headers?: Record<string, string>;
}

/**
 * Options of {@link createLlmFleet}: the endpoints, plus any `LoadBalancerOptions` of the
 * underlying `@x/load-balancer` (strategy, heartbeat interval and timeout, ejection, retry, clock...).
 *
 * @example
 * ```ts
 * const options: LlmFleetOptions = {
 *   endpoints: [
 *     { id: 'a', url: 'http://127.0.0.1:8081/batch', concurrency: 4 },
 *     { id: 'b', url: 'http://127.0.0.1:8082/batch', concurrency: 4 },
 *   ],
 *   requestTimeoutMs: 30_000,
 *   strategy: 'least-loaded',
 * };
 * ```
 */
export interface LlmFleetOptions extends LoadBalancerOptions<readonly LlmTask[]> {
  /** The endpoints; at least one. */
  endpoints: readonly LlmEndpoint[];
  /** Timeout of one HTTP request to one endpoint, in milliseconds; a timeout fails over. @defaultValue `30000` */
  requestTimeoutMs?: number;
  /**
   * Dispatches of one batch over the fleet (failovers included; 429 push-backs are not counted)
   * before `complete` rejects and the batcher's own retry takes over.
   * @defaultValue `2 × endpoints + 1`
   */
  maxAttemptsPerBatch?: number;
  /**
   * Makes the client for one endpoint. Tests and custom wire formats plug in here; errors it throws
   * are classified with `classifyLlmError` from `@x/llm-batcher`.
   * @defaultValue `httpLlmClient({ url, headers, timeoutMs: requestTimeoutMs })`
   */
  clientFor?: (endpoint: LlmEndpoint, requestTimeoutMs: number) => LlmClient;
}

/**
 * Live counters of a fleet, from {@link LlmFleet.stats}.
 *
 * @example
 * ```ts
 * const { requests, failovers, rateLimited } = fleet.stats();
 * ```
 */
export interface LlmFleetStats {
  /** HTTP requests sent to endpoints (every attempt of every batch). */
  requests: number;
  /** Batches that got an answer (`complete` resolved). */
  succeeded: number;
  /** Batches whose `complete` rejected (task errors, or every attempt failed). */
  failed: number;
  /** Batches moved to another endpoint after an endpoint failure. */
  failovers: number;
  /** 429 answers (each made its endpoint `overloaded` until its Retry-After passed). */
  rateLimited: number;
  /** 5xx answers. */
  serverErrors: number;
  /** Connection errors and timeouts. */
  networkErrors: number;
  /** Endpoint state changes seen. */
  stateChanges: number;
  /** Per endpoint: id, state, requests in flight now and at most, completed, failures. */
  endpoints: LlmEndpointStats[];
}

/**
 * One endpoint's line of {@link LlmFleetStats}.
 *
 * @example
 * ```ts
 * for (const e of fleet.stats().endpoints) console.log(e.id, e.state, `${e.maxInFlight}/${e.concurrency}`);
 * ```
 */
export interface LlmEndpointStats {
  /** The endpoint's id. */
  id: string;
  /** Its URL. */
  url: string;
  /** Its state in the load balancer (`active`, `overloaded`, `unreachable`, ...). */
  state: string;
  /** Its configured concurrency (capacity). */
  concurrency: number;
  /** Requests in flight on it now. */
  inFlight: number;
  /** The most requests it ever had in flight at once (never above `concurrency`). */
  maxInFlight: number;
  /** Requests sent to it. */
  requests: number;
  /** Requests it answered with a usable response. */
  completed: number;
  /** 429 answers it gave. */
  rateLimited: number;
  /** 5xx answers, connection errors and timeouts. */
  failures: number;
  /**
   * Requests sent to it while it was cooling down after a 429 (before its Retry-After had passed,
   * with 2 ms allowed for timer granularity). Always 0: the check that Retry-After is respected.
   */
  requestsDuringRetryAfter: number;
}

interface EndpointCounters {
  endpoint: LlmEndpoint;
  client: LlmClient;
  inFlight: number;
  maxInFlight: number;
  requests: number;
  completed: number;
  rateLimited: number;
  failures: number;
  coolingUntil: number;
  requestsDuringRetryAfter: number;
}

/** Slack for timer granularity when checking that no request went out during a Retry-After. */
const timerSlackMs = 2;

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function validateOptions(options: LlmFleetOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new FleetOptionsError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
  }
  if (!Array.isArray(options.endpoints) || options.endpoints.length === 0) {
    throw new FleetOptionsError(
      `Expected \`endpoints\` to be a non-empty array of { id, url, concurrency }, got ${describeValue(options.endpoints)}`,
    );
  }
  const ids = new Set<string>();
  options.endpoints.forEach((endpoint, index) => {
    const at = `endpoints[${index}]`;
    if (typeof endpoint !== 'object' || endpoint === null) {
      throw new FleetOptionsError(`Expected \`${at}\` to be an object, got ${describeValue(endpoint)}`);
    }
    if (typeof endpoint.id !== 'string' || endpoint.id === '') {
      throw new FleetOptionsError(`Expected \`${at}.id\` to be a non-empty string, got ${describeValue(endpoint.id)}`);
    }
    if (ids.has(endpoint.id)) {
      throw new FleetOptionsError(`Expected \`${at}.id\` to be unique, got \`${endpoint.id}\` twice`);
    }
    ids.add(endpoint.id);
    if (!isHttpUrl(endpoint.url)) {
      throw new FleetOptionsError(`Expected \`${at}.url\` to be an http(s) URL, got ${describeValue(endpoint.url)}`);
    }
    if (endpoint.healthUrl !== undefined && endpoint.healthUrl !== false && !isHttpUrl(endpoint.healthUrl)) {
      throw new FleetOptionsError(
        `Expected \`${at}.healthUrl\` to be an http(s) URL or false, got ${describeValue(endpoint.healthUrl)}`,
      );
    }
    if (!Number.isInteger(endpoint.concurrency) || endpoint.concurrency < 1) {
      throw new FleetOptionsError(
        `Expected \`${at}.concurrency\` to be an integer from 1 and up, got ${describeValue(endpoint.concurrency)}`,
      );
    }
    if (
      endpoint.weight !== undefined &&
      !(typeof endpoint.weight === 'number' && endpoint.weight > 0 && Number.isFinite(endpoint.weight))
    ) {
      throw new FleetOptionsError(
        `Expected \`${at}.weight\` to be a number above 0, got ${describeValue(endpoint.weight)}`,
      );
    }
  });
  for (const name of ['requestTimeoutMs', 'maxAttemptsPerBatch'] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
      throw new FleetOptionsError(`Expected \`${name}\` to be an integer from 1 and up, got ${describeValue(value)}`);
    }
  }
}

/**
 * Several LLM endpoints behind one {@link LlmClient}: each batch request goes through an
 * `@x/load-balancer` `LoadBalancer` whose workers are the endpoints. Made by {@link createLlmFleet}.
 *
 * Failure semantics: an endpoint never has more than `concurrency` requests in flight; a 429
 * makes it `overloaded` until its `Retry-After` passes and the batch goes to another endpoint at
 * once (no attempt counted); 5xx, connection errors and timeouts count as endpoint failures, and
 * after `ejection.consecutiveFailures` of them (or failed health checks) the endpoint is
 * `unreachable` and its in-flight batches fail over to the others. Other 4xx answers are the
 * batch's fault and go back to the batcher (which bisects the batch). A batch is never lost:
 * `complete` settles exactly once, with the first accepted answer or an error the batcher retries.
 *
 * @example
 * ```ts
 * import { createLlmFleet } from '@x/platform';
 * import { createBatcher, memoryTaskSource } from '@x/llm-batcher';
 * const fleet = createLlmFleet({
 *   endpoints: [
 *     { id: 'a', url: 'http://127.0.0.1:8081/batch', concurrency: 4 },
 *     { id: 'b', url: 'http://127.0.0.1:8082/batch', concurrency: 4 },
 *   ],
 * });
 * fleet.on('endpoint-state', (e) => console.log(e.endpointId, e.from, '→', e.to, e.reason));
 * const batcher = createBatcher({ source: memoryTaskSource(tasks), client: fleet, concurrency: 8 });
 * // ... run jobs ...
 * await fleet.close();
 * ```
 */
export class LlmFleet implements LlmClient {
  readonly #lb: LoadBalancer<readonly LlmTask[], LlmBatchResponse>;
  readonly #endpoints = new Map<string, EndpointCounters>();
  readonly #listeners: { [E in keyof LlmFleetEvents]: Set<(payload: LlmFleetEvents[E]) => void> } = {
    'endpoint-state': new Set(),
    failover: new Set(),
  };
  readonly #maxAttempts: number;
  readonly #now: () => number;
  readonly #defaultCooldownMs: number;
  #requests = 0;
  #succeeded = 0;
  #failed = 0;
  #failovers = 0;
  #rateLimited = 0;
  #serverErrors = 0;
  #networkErrors = 0;
  #stateChanges = 0;

  constructor(options: LlmFleetOptions) {
    validateOptions(options);
    const { endpoints, requestTimeoutMs = 30_000, maxAttemptsPerBatch, clientFor, ...balancerOptions } = options;
    this.#maxAttempts = maxAttemptsPerBatch ?? endpoints.length * 2 + 1;
    const clock = balancerOptions.clock;
    this.#now = clock ? () => clock.now() : () => Date.now();
    this.#defaultCooldownMs = balancerOptions.overloadCooldownMs ?? 1_000;
    const healthCheckTimeoutMs = balancerOptions.healthCheckTimeoutMs ?? balancerOptions.heartbeatIntervalMs ?? 5_000;
    this.#lb = new LoadBalancer<readonly LlmTask[], LlmBatchResponse>({
      ...balancerOptions,
      // Fleet defaults: eject after 3 consecutive endpoint failures; no retry budget (failing over
      // a dead endpoint's batches is not a retry storm, and the batcher has its own retry policy).
      ejection: balancerOptions.ejection === false ? false : { consecutiveFailures: 3, ...balancerOptions.ejection },
      retry: { budget: false, baseDelayMs: 50, maxDelayMs: 2_000, ...balancerOptions.retry },
    });
    this.#lb.on('worker-state', (event) => {
      this.#stateChanges++;
      this.#emit('endpoint-state', {
        endpointId: event.workerId,
        from: event.from,
        to: event.to,
        reason: event.reason,
        at: event.at,
      });
    });
    this.#lb.on('task-retry', (event) => {
      if (event.kind === 'retry') return;
      if (event.kind === 'failover') this.#failovers++;
      const error = event.error;
      const retryAfterMs =
        error instanceof WorkerOverloadedError ? (error.retryAfterMs ?? this.#defaultCooldownMs) : undefined;
      this.#emit('failover', {
        endpointId: event.workerId,
        kind: event.kind === 'failover' ? 'failover' : 'rate-limited',
        attempt: event.attempt,
        message: error instanceof Error ? error.message : String(error),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    });
    for (const endpoint of endpoints) {
      const client = clientFor
        ? clientFor(endpoint, requestTimeoutMs)
        : httpLlmClient({
            url: endpoint.url,
            timeoutMs: requestTimeoutMs,
            ...(endpoint.headers ? { headers: endpoint.headers } : {}),
          });
      const counters: EndpointCounters = {
        endpoint,
        client,
        inFlight: 0,
        maxInFlight: 0,
        requests: 0,
        completed: 0,
        rateLimited: 0,
        failures: 0,
        coolingUntil: Number.NEGATIVE_INFINITY,
        requestsDuringRetryAfter: 0,
      };
      this.#endpoints.set(endpoint.id, counters);
      const healthUrl = endpoint.healthUrl === undefined ? endpoint.url : endpoint.healthUrl;
      this.#lb.addWorker({
        id: endpoint.id,
        capacity: endpoint.concurrency,
        ...(endpoint.weight === undefined ? {} : { weight: endpoint.weight }),
        execute: (tasks, context) => this.#send(counters, tasks, context.signal),
        ...(healthUrl === false ? {} : { healthCheck: () => checkHealth(healthUrl, healthCheckTimeoutMs) }),
      });
    }
  }

  /** Sends one batch through the fleet; resolves with the first accepted answer. */
  async complete(tasks: readonly LlmTask[], context: LlmRequestContext): Promise<LlmBatchResponse> {
    try {
      const response = await this.#lb.submit(tasks, { signal: context.signal, maxAttempts: this.#maxAttempts });
      this.#succeeded++;
      return response;
    } catch (error) {
      this.#failed++;
      throw error;
    }
  }

  /** One attempt on one endpoint: maps the endpoint's answer to what the load balancer understands. */
  async #send(counters: EndpointCounters, tasks: readonly LlmTask[], signal: AbortSignal): Promise<LlmBatchResponse> {
    counters.inFlight++;
    counters.maxInFlight = Math.max(counters.maxInFlight, counters.inFlight);
    counters.requests++;
    this.#requests++;
    if (this.#now() < counters.coolingUntil - timerSlackMs) counters.requestsDuringRetryAfter++;
    try {
      const response = await counters.client.complete(tasks, { signal });
      counters.completed++;
      return response;
    } catch (error) {
      const kind = classifyLlmError(error);
      if (kind.aborted || signal.aborted) throw error;
      if (kind.rateLimited) {
        counters.rateLimited++;
        this.#rateLimited++;
        // WorkerOverloadedError takes 0..MAX_RETRY_AFTER_MS: clamp a server's longer (or odd) value
        const retryAfterMs =
          kind.retryAfterMs === undefined || !(kind.retryAfterMs >= 0)
            ? undefined
            : Math.min(kind.retryAfterMs, MAX_RETRY_AFTER_MS);
        const waitMs = retryAfterMs ?? this.#defaultCooldownMs;
        counters.coolingUntil = Math.max(counters.coolingUntil, this.#now() + waitMs);
        // A capacity signal, not a failure: the endpoint is `overloaded` until Retry-After passes.
        throw new WorkerOverloadedError(`${counters.endpoint.id} answered 429`, {
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
          cause: error,
        });
      }
      const serverError = kind.status !== undefined && kind.status >= 500;
      const noAnswer = kind.status === undefined && kind.retryable;
      if (serverError || noAnswer || kind.status === 408) {
        counters.failures++;
        if (serverError) this.#serverErrors++;
        else this.#networkErrors++;
        // An endpoint failure: counts toward ejection, and the batch fails over to another endpoint.
        throw new WorkerUnavailableError(`${counters.endpoint.id}: ${kind.message}`, { cause: error });
      }
      // A 4xx (or a client-side error): the batch's own fault; the batcher classifies it.
      throw error;
    } finally {
      counters.inFlight--;
    }
  }

  /**
   * Listens to an event: `'endpoint-state'` (state changes with reasons) or `'failover'` (a batch
   * left an endpoint). Returns a function that removes the listener.
   */
  on<E extends keyof LlmFleetEvents>(event: E, listener: (payload: LlmFleetEvents[E]) => void): () => void {
    this.#listeners[event].add(listener);
    return () => {
      this.#listeners[event].delete(listener);
    };
  }

  #emit<E extends keyof LlmFleetEvents>(event: E, payload: LlmFleetEvents[E]): void {
    for (const listener of this.#listeners[event]) listener(payload);
  }

  /** A copy of the fleet's counters and each endpoint's state. */
  stats(): LlmFleetStats {
    const states = new Map(this.#lb.workers().map((worker) => [worker.id, worker.state]));
    return {
      requests: this.#requests,
      succeeded: this.#succeeded,
      failed: this.#failed,
      failovers: this.#failovers,
      rateLimited: this.#rateLimited,
      serverErrors: this.#serverErrors,
      networkErrors: this.#networkErrors,
      stateChanges: this.#stateChanges,
      endpoints: [...this.#endpoints.values()].map((counters) => ({
        id: counters.endpoint.id,
        url: counters.endpoint.url,
        state: states.get(counters.endpoint.id) ?? 'removed',
        concurrency: counters.endpoint.concurrency,
        inFlight: counters.inFlight,
        maxInFlight: counters.maxInFlight,
        requests: counters.requests,
        completed: counters.completed,
        rateLimited: counters.rateLimited,
        failures: counters.failures,
        requestsDuringRetryAfter: counters.requestsDuringRetryAfter,
      })),
    };
  }

  /** Stops health checks and rejects batches still queued; call it when the fleet is no longer needed. */
  async close(): Promise<void> {
    await this.#lb.shutdown({ drain: false });
  }
}

/** GET the health URL: any answer below 500 within the timeout means the server is up. */
async function checkHealth(url: string, timeoutMs: number): Promise<boolean> {
  const response = await fetch(url, { method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
  await response.body?.cancel();
  return response.status < 500;
}

/**
 * Makes an {@link LlmFleet}: one {@link LlmClient} for `@x/llm-batcher` that spreads batch
 * requests over several LLM endpoints through `@x/load-balancer`, with per-endpoint concurrency,
 * Retry-After-aware overload, ejection of failing endpoints and lossless failover.
 *
 * @example
 * ```ts
 * import { createLlmFleet } from '@x/platform';
 * const fleet = createLlmFleet({
 *   endpoints: [
 *     { id: 'a', url: 'http://127.0.0.1:8081/batch', concurrency: 4 },
 *     { id: 'b', url: 'http://127.0.0.1:8082/batch', concurrency: 4, weight: 2 },
 *   ],
 *   heartbeatIntervalMs: 1000,
 * });
 * const response = await fleet.complete([{ id: 't1', payload: { text: 'hi' } }], { signal: AbortSignal.timeout(60_000) });
 * await fleet.close();
 * ```
 */
export function createLlmFleet(options: LlmFleetOptions): LlmFleet {
  return new LlmFleet(options);
}
