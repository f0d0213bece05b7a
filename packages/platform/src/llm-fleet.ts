import { durationProblem, expected, unknownOptionsMessage } from '@x/checks';
import {
  classifyLlmError,
  httpLlmClient,
  type LlmBatchResponse,
  type LlmClient,
  LlmRateLimitError,
  type LlmRequestContext,
  type LlmTask,
  LlmTimeoutError,
} from '@x/llm-batcher';
import {
  type ExecuteContext,
  LOAD_BALANCER_OPTION_KEYS,
  LoadBalancer,
  type LoadBalancerOptions,
  MAX_RETRY_AFTER_MS,
  WorkerOverloadedError,
  WorkerUnavailableError,
} from '@x/load-balancer';
import { FleetArgumentError, FleetOptionsError } from './fleet-error.js';
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
   * A client made here handles `requestTimeoutMs` itself (the fleet does not time its requests out).
   * @defaultValue `httpLlmClient({ url, headers })`, whose requests the fleet aborts after `requestTimeoutMs`
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
   * Requests sent to it while it was cooling down after a 429 (before its Retry-After had passed).
   * Always 0: a batch the balancer hands to a cooling endpoint leaves it without a request (to
   * another endpoint, or back to the batcher as a rate limit).
   */
  requestsDuringRetryAfter: number;
}

interface EndpointCounters {
  endpoint: LlmEndpoint;
  client: LlmClient;
  /**
   * The fleet times requests out itself (the built-in client, made without a timeout): then one
   * AbortController per request carries both the timeout and the balancer's abandoning of the
   * attempt, instead of three (the attempt's, the client's timeout, and fetch's own).
   */
  timeoutMs: number | undefined;
  /** The endpoint's state as last reported to `'endpoint-state'` listeners (capacity flips hidden). */
  shownState: string;
  inFlight: number;
  maxInFlight: number;
  requests: number;
  completed: number;
  rateLimited: number;
  failures: number;
  coolingUntil: number;
  requestsDuringRetryAfter: number;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The keys `createLlmFleet` takes besides the load balancer's. */
const FLEET_KEYS = ['endpoints', 'requestTimeoutMs', 'maxAttemptsPerBatch', 'clientFor'];

const ENDPOINT_KEYS = ['id', 'url', 'concurrency', 'weight', 'healthUrl', 'headers'];

function validateOptions(options: LlmFleetOptions): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new FleetOptionsError(expected('options', 'an object', options));
  }
  const unknown = unknownOptionsMessage('createLlmFleet', options, [...FLEET_KEYS, ...LOAD_BALANCER_OPTION_KEYS]);
  if (unknown !== undefined) throw new FleetOptionsError(unknown);
  if (!Array.isArray(options.endpoints) || options.endpoints.length === 0) {
    throw new FleetOptionsError(
      expected('endpoints', 'a non-empty array of { id, url, concurrency }', options.endpoints),
    );
  }
  const ids = new Set<string>();
  options.endpoints.forEach((endpoint, index) => {
    const at = `endpoints[${index}]`;
    if (typeof endpoint !== 'object' || endpoint === null || Array.isArray(endpoint)) {
      throw new FleetOptionsError(expected(at, 'an object', endpoint));
    }
    const unknownKey = unknownOptionsMessage(at, endpoint, ENDPOINT_KEYS);
    if (unknownKey !== undefined) throw new FleetOptionsError(unknownKey);
    if (typeof endpoint.id !== 'string' || endpoint.id === '') {
      throw new FleetOptionsError(expected(`${at}.id`, 'a non-empty string', endpoint.id));
    }
    if (ids.has(endpoint.id)) {
      throw new FleetOptionsError(`Expected \`${at}.id\` to be unique, got \`${endpoint.id}\` twice`);
    }
    ids.add(endpoint.id);
    if (!isHttpUrl(endpoint.url)) throw new FleetOptionsError(expected(`${at}.url`, 'an http(s) URL', endpoint.url));
    if (endpoint.healthUrl !== undefined && endpoint.healthUrl !== false && !isHttpUrl(endpoint.healthUrl)) {
      throw new FleetOptionsError(expected(`${at}.healthUrl`, 'an http(s) URL or false', endpoint.healthUrl));
    }
    if (!Number.isInteger(endpoint.concurrency) || endpoint.concurrency < 1) {
      throw new FleetOptionsError(expected(`${at}.concurrency`, 'an integer from 1 and up', endpoint.concurrency));
    }
    if (
      endpoint.weight !== undefined &&
      !(typeof endpoint.weight === 'number' && endpoint.weight > 0 && Number.isFinite(endpoint.weight))
    ) {
      throw new FleetOptionsError(expected(`${at}.weight`, 'a number above 0', endpoint.weight));
    }
  });
  if (options.requestTimeoutMs !== undefined) {
    const problem = durationProblem('requestTimeoutMs', options.requestTimeoutMs, 1);
    if (problem !== undefined) throw new FleetOptionsError(problem);
  }
  const maxAttempts = options.maxAttemptsPerBatch;
  if (maxAttempts !== undefined && !(Number.isInteger(maxAttempts) && maxAttempts >= 1)) {
    throw new FleetOptionsError(expected('maxAttemptsPerBatch', 'an integer from 1 and up', maxAttempts));
  }
  if (options.clientFor !== undefined && typeof options.clientFor !== 'function') {
    throw new FleetOptionsError(expected('clientFor', 'a function', options.clientFor));
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
  readonly #now: () => number;
  readonly #defaultCooldownMs: number;
  #requests = 0;
  /** Batches refused before reaching the balancer (every endpoint cooling down). */
  #refused = 0;
  /** The latest `coolingUntil` of any endpoint: before it, some endpoint may be cooling down. */
  #coolingUntilMax = Number.NEGATIVE_INFINITY;
  #failovers = 0;
  #rateLimited = 0;
  #serverErrors = 0;
  #networkErrors = 0;
  #stateChanges = 0;

  constructor(options: LlmFleetOptions) {
    validateOptions(options);
    const { endpoints, requestTimeoutMs = 30_000, maxAttemptsPerBatch, clientFor, ...balancerOptions } = options;
    const maxAttempts = maxAttemptsPerBatch ?? endpoints.length * 2 + 1;
    const clock = balancerOptions.clock;
    this.#now = clock ? () => clock.now() : () => Date.now();
    this.#defaultCooldownMs = balancerOptions.overloadCooldownMs ?? 1_000;
    const healthCheckTimeoutMs = balancerOptions.healthCheckTimeoutMs ?? balancerOptions.heartbeatIntervalMs ?? 5_000;
    this.#lb = new LoadBalancer<readonly LlmTask[], LlmBatchResponse>({
      ...balancerOptions,
      // Fleet defaults: eject after 3 consecutive endpoint failures; no retry budget (failing over
      // a dead endpoint's batches is not a retry storm, and the batcher has its own retry policy).
      // The attempt limit is `maxAttemptsPerBatch` as the balancer's default, so a batch is
      // submitted with no option but the caller's signal: it then starts at once when an endpoint
      // has a free slot, without a per-task state (the balancer's fast path).
      ejection: balancerOptions.ejection === false ? false : { consecutiveFailures: 3, ...balancerOptions.ejection },
      retry: {
        budget: false,
        baseDelayMs: 50,
        maxDelayMs: 2_000,
        ...balancerOptions.retry,
        maxAttempts,
      },
    });
    this.#lb.on('worker-state', (event) => {
      const counters = this.#endpoints.get(event.workerId);
      if (counters === undefined) return;
      // A busy endpoint flips `overloaded (at-capacity)` ↔ `active` on nearly every request: that is
      // its concurrency limit working, not a change of health. Listeners see only real changes,
      // reported from the state they were last told about.
      if (event.reason === 'at-capacity' || event.to === counters.shownState) return;
      const from = counters.shownState;
      counters.shownState = event.to;
      this.#stateChanges++;
      if (this.#listeners['endpoint-state'].size === 0) return;
      this.#emit('endpoint-state', {
        endpointId: event.workerId,
        from,
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
        : httpLlmClient({ url: endpoint.url, ...(endpoint.headers ? { headers: endpoint.headers } : {}) });
      const counters: EndpointCounters = {
        endpoint,
        client,
        timeoutMs: clientFor ? undefined : requestTimeoutMs,
        shownState: 'joining',
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
        execute: (tasks, context) => this.#send(counters, tasks, context),
        ...(healthUrl === false ? {} : { healthCheck: () => checkHealth(healthUrl, healthCheckTimeoutMs) }),
      });
    }
  }

  /**
   * Sends one batch through the fleet; resolves with the first accepted answer. When every usable
   * endpoint is cooling down after 429s, rejects at once with `LlmRateLimitError` whose
   * `retryAfterMs` is the wait until the first of them accepts work again, so the batcher pauses
   * without charging an attempt. A missing `context` means no signal.
   */
  complete(tasks: readonly LlmTask[], context?: LlmRequestContext): Promise<LlmBatchResponse> {
    // Not an async function: the hot path allocates no generator frame, only the `then` below.
    let signal: AbortSignal | undefined;
    try {
      if (!Array.isArray(tasks)) throw new FleetArgumentError(expected('tasks', 'an array of { id, payload }', tasks));
      if (context !== undefined && context !== null) {
        if (typeof context !== 'object')
          throw new FleetArgumentError(expected('context', 'an object { signal }', context));
        signal = context.signal;
        if (signal !== undefined && !(signal instanceof AbortSignal)) {
          throw new FleetArgumentError(expected('context.signal', 'an AbortSignal', signal));
        }
      }
      const limited = this.#allCooling(this.#now());
      if (limited !== undefined) {
        this.#refused++;
        throw limited;
      }
    } catch (error) {
      return Promise.reject(error);
    }
    // The balancer counts how its promises settle (`stats()` reads that): no reaction here.
    return signal === undefined ? this.#lb.submit(tasks) : this.#lb.submit(tasks, { signal });
  }

  /**
   * When every endpoint that can take work (not unreachable or draining) is cooling down after a
   * 429, the rate-limit error to give the batcher: it waits until the first of them accepts work again.
   */
  #allCooling(now: number): LlmRateLimitError | undefined {
    if (now >= this.#coolingUntilMax) return undefined; // no endpoint is cooling down (the common case)
    let earliest = Number.POSITIVE_INFINITY;
    let usable = 0;
    for (const counters of this.#endpoints.values()) {
      if (counters.shownState === 'unreachable' || counters.shownState === 'draining') continue;
      usable++;
      if (counters.coolingUntil <= now) return undefined;
      if (counters.coolingUntil < earliest) earliest = counters.coolingUntil;
    }
    if (usable === 0) return undefined; // an outage, not a rate limit: the batcher's timeout and retries handle it
    return new LlmRateLimitError(
      `Expected an endpoint of the fleet to accept work, but all ${usable} are cooling down after 429 answers`,
      { retryAfterMs: Math.max(0, earliest - now) },
    );
  }

  /** One attempt on one endpoint: maps the endpoint's answer to what the load balancer understands. */
  async #send(
    counters: EndpointCounters,
    tasks: readonly LlmTask[],
    context: ExecuteContext,
  ): Promise<LlmBatchResponse> {
    const now = this.#now();
    if (now < counters.coolingUntil) {
      // Still cooling (the balancer thought it free): send nothing. The batch leaves at once, to
      // another endpoint, or back to the batcher as a rate limit when every endpoint is cooling.
      const limited = this.#allCooling(now);
      if (limited !== undefined) throw limited;
      throw new WorkerOverloadedError(`${counters.endpoint.id} is cooling down after a 429`, {
        retryAfterMs: counters.coolingUntil - now,
      });
    }
    counters.inFlight++;
    if (counters.inFlight > counters.maxInFlight) counters.maxInFlight = counters.inFlight;
    counters.requests++;
    this.#requests++;
    let signal: AbortSignal;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let timedOut = false;
    if (counters.timeoutMs === undefined) signal = context.signal;
    else {
      const controller = new AbortController();
      signal = controller.signal;
      context.onAbort((reason) => controller.abort(reason));
      timer = setTimeout(() => {
        if (signal.aborted) return; // the balancer abandoned the attempt first
        timedOut = true;
        controller.abort();
      }, counters.timeoutMs);
    }
    try {
      const response = await counters.client.complete(tasks, { signal });
      counters.completed++;
      return response;
    } catch (thrown) {
      // our own timeout aborted the request: the same timeout error the client would have given
      const error = timedOut ? new LlmTimeoutError(counters.timeoutMs!) : thrown;
      const kind = classifyLlmError(error);
      if (!timedOut && (kind.aborted || signal.aborted)) throw error;
      if (kind.rateLimited) {
        counters.rateLimited++;
        this.#rateLimited++;
        // WorkerOverloadedError takes 0..MAX_RETRY_AFTER_MS: clamp a server's longer (or odd) value
        const retryAfterMs =
          kind.retryAfterMs === undefined || !(kind.retryAfterMs >= 0)
            ? undefined
            : Math.min(kind.retryAfterMs, MAX_RETRY_AFTER_MS);
        const at = this.#now();
        const waitMs = retryAfterMs ?? this.#defaultCooldownMs;
        counters.coolingUntil = Math.max(counters.coolingUntil, at + waitMs);
        if (counters.coolingUntil > this.#coolingUntilMax) this.#coolingUntilMax = counters.coolingUntil;
        // invariant: a rate limit never becomes a charged timeout; when no endpoint is left to take
        // the batch, it goes back to the batcher as a rate limit (a task error here: no endpoint is
        // penalised, and the balancer does not hold the batch)
        const limited = this.#allCooling(at);
        if (limited !== undefined) throw limited;
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
      // A 4xx, or a request that could not be built from the tasks: the batch's own fault, not the
      // endpoint's; the batcher classifies it (and bisects the batch).
      throw error;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
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
    const settled = this.#lb.stats();
    return {
      requests: this.#requests,
      succeeded: settled.completed,
      failed: settled.failed + this.#refused,
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
