import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { describeValue, MAX_RETRY_AFTER_MS } from '@x/checks';
import type { Clock } from './clock.js';
import {
  FINAL_JOB_STATES,
  type JobProgress,
  type JobReport,
  type JobState,
  type TaskAttemptError,
  type TaskErrorCode,
} from './job.js';
import { type ItemCounts, type ItemSettlement, type JobItemRecord, type JobStore, visibleCounts } from './job-store.js';
import type { LlmClient } from './llm-client.js';
import {
  classifyLlmError,
  isRetryableStatus,
  LlmClientError,
  LlmHttpError,
  LlmNetworkError,
  LlmRequestBuildError,
  LlmResponseError,
  LlmTimeoutError,
} from './llm-request-error.js';
import { type RateGate, sleep } from './rate-limiter.js';
import { backoffDelay, type RetryPolicy } from './retry-policy.js';
import type { LlmTask } from './task.js';
import { ThroughputMeter } from './throughput-meter.js';

/** Everything a runner needs from its batcher. */
export interface RunnerContext {
  store: JobStore;
  client: LlmClient;
  gate: RateGate;
  clock: Clock;
  batchSize: number;
  concurrency: number;
  retry: RetryPolicy;
  requestTimeoutMs: number;
  leaseMs: number;
  pollIntervalMs: number;
  defaultRetryAfterMs: number;
  estimateTokens: ((task: LlmTask) => number) | undefined;
}

/** A claimed task as the runner tracks it during one lease. */
interface WorkItem {
  taskId: string;
  payload: unknown;
  attempts: number;
  errors: TaskAttemptError[];
}

interface Failure {
  code: TaskErrorCode;
  message: string;
  status?: number;
  retryable: boolean;
  /** For a `rate_limited` item: the wait the service asked for. */
  retryAfterMs?: number;
}

/**
 * Calls `client.complete` and turns every way it can misbehave into a rejection: a synchronous
 * throw rejects with what was thrown; a return value that is not a promise (or thenable) rejects
 * with {@link LlmClientError}.
 */
function callClient(client: LlmClient, tasks: LlmTask[], signal: AbortSignal): Promise<unknown> {
  let returned: unknown;
  try {
    returned = client.complete(tasks, { signal });
  } catch (error) {
    return Promise.reject(error);
  }
  if (returned instanceof Promise) return returned;
  let then: unknown;
  try {
    then = (returned as { then?: unknown } | null | undefined)?.then;
  } catch (error) {
    return Promise.reject(error);
  }
  if (typeof then === 'function') return Promise.resolve(returned);
  return Promise.reject(
    new LlmClientError(`Expected \`client.complete\` to return a promise, got ${describeValue(returned)}`),
  );
}

/** Rejects with `signal.reason` as soon as `signal` aborts, even if `promise` never settles. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function errorCode(error: unknown, status: number | undefined): TaskErrorCode {
  if (error instanceof LlmHttpError) return 'http';
  if (error instanceof LlmTimeoutError) return 'timeout';
  if (error instanceof LlmNetworkError) return 'network';
  if (error instanceof LlmResponseError) return 'response';
  if (error instanceof LlmRequestBuildError) return 'request';
  if (error instanceof LlmClientError) return 'client';
  return status === undefined ? 'client' : 'http';
}

/**
 * Works one job until it is final: claims batches under leases, sends them, writes results
 * conditionally on the lease. Several runners (in this or other processes) may work one job.
 */
export class JobRunner {
  readonly jobId: string;
  readonly #ctx: RunnerContext;
  readonly #signal: AbortSignal | undefined;
  readonly #onProgress: ((progress: JobProgress) => void) | undefined;
  /** Aborts in-flight requests: on cancellation or when the caller's signal fires. */
  readonly #abort = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #meter: ThroughputMeter;
  readonly #startedAt: number;
  #state: JobState = 'queued';
  #total = 0;
  #counts: ItemCounts = { pending: 0, leased: 0, succeeded: 0, failed: 0, cancelled: 0, attempts: 0 };
  #mustRefresh = true;
  #lastRefresh = Number.NEGATIVE_INFINITY;
  #nextRetryAt = Number.POSITIVE_INFINITY;
  #stopReason: 'cancel' | 'signal' | undefined;
  #wake: (() => void) | undefined;
  #woken = false;
  #callbackError: { error: unknown } | undefined;
  #requests = 0;
  #rateLimited = 0;
  #bisections = 0;
  #staleWrites = 0;
  #completedHere = 0;

  constructor(
    ctx: RunnerContext,
    jobId: string,
    options: { signal?: AbortSignal; onProgress?: (progress: JobProgress) => void },
  ) {
    this.#ctx = ctx;
    this.jobId = jobId;
    this.#signal = options.signal;
    this.#onProgress = options.onProgress;
    this.#startedAt = ctx.clock.now();
    this.#meter = new ThroughputMeter(this.#startedAt);
    // one listener per request in flight plus the rate gate's sleep: more than the default 10
    setMaxListeners(0, this.#abort.signal);
  }

  /** Tasks per second completed by this runner (EWMA). */
  get throughputPerSec(): number {
    return this.#meter.perSecond;
  }

  /** Estimated ms until `remaining` tasks are done at this runner's throughput. */
  etaMs(remaining: number): number | null {
    return this.#meter.etaMs(remaining);
  }

  /** Cancels at once from this process: aborts in-flight requests and any wait for the rate limiter. */
  cancel(): void {
    this.#stopReason ??= 'cancel';
    this.#abort.abort();
    this.notify();
  }

  /** Tells the runner the job's state changed in this process (pause, resume). */
  notify(): void {
    this.#mustRefresh = true;
    this.#wakeUp();
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    if (wake) wake();
    else this.#woken = true;
  }

  #waitForWake(ms: number): Promise<void> {
    if (this.#woken) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        this.#woken = false;
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, Math.min(ms, this.#ctx.pollIntervalMs)));
      this.#wake = done;
    });
  }

  async run(): Promise<JobReport> {
    const { store, clock } = this.#ctx;
    const onAbort = () => {
      this.#stopReason ??= 'signal';
      this.#abort.abort();
      this.#wakeUp();
    };
    if (this.#signal?.aborted) onAbort();
    else this.#signal?.addEventListener('abort', onAbort, { once: true });
    try {
      try {
        await this.#loop();
      } catch (error) {
        // a store or callback failure: stop our requests (their tasks go back to pending), then report it
        this.#callbackError ??= { error };
        onAbort();
      }
      await Promise.allSettled([...this.#inFlight]);
      if (this.#state === 'cancelling') await this.finishCancel();
    } finally {
      this.#signal?.removeEventListener('abort', onAbort);
    }
    const record = await store.getJob(this.jobId);
    this.#counts = await store.countItems(this.jobId);
    if (this.#callbackError) throw this.#callbackError.error;
    const durationMs = Math.max(0, clock.now() - this.#startedAt);
    const report: JobReport = {
      jobId: this.jobId,
      state: record?.state ?? this.#state,
      total: record?.total ?? this.#total,
      succeeded: this.#counts.succeeded,
      failed: this.#counts.failed,
      cancelled: this.#counts.cancelled,
      pending: this.#counts.pending + this.#counts.leased,
      attempts: this.#counts.attempts,
      requests: this.#requests,
      rateLimited: this.#rateLimited,
      bisections: this.#bisections,
      staleWrites: this.#staleWrites,
      interrupted: this.#stopReason === 'signal',
      durationMs,
      throughputPerSec: durationMs > 0 ? (this.#completedHere * 1000) / durationMs : 0,
    };
    if (record?.name !== undefined) report.name = record.name;
    return report;
  }

  /** Cancels what is left (pending and expired-lease items) and ends the job once nothing is leased. */
  async finishCancel(): Promise<void> {
    const { store, clock } = this.#ctx;
    await store.cancelItems(this.jobId, clock.now());
    const counts = await store.countItems(this.jobId);
    if (counts.leased === 0) await store.transitionJob(this.jobId, ['cancelling'], 'cancelled', clock.now());
  }

  async #refresh(): Promise<void> {
    const now = this.#ctx.clock.now();
    if (!this.#mustRefresh && now - this.#lastRefresh < this.#ctx.pollIntervalMs) return;
    this.#mustRefresh = false;
    this.#lastRefresh = now;
    const record = await this.#ctx.store.getJob(this.jobId);
    if (record) {
      this.#state = record.state;
      this.#total = record.total;
    }
  }

  async #loop(): Promise<void> {
    const { store, clock, gate } = this.#ctx;
    for (;;) {
      if (this.#stopReason === 'signal') return;
      await this.#refresh();
      const state = this.#state;
      if (FINAL_JOB_STATES.includes(state)) return;
      if (state === 'cancelling') {
        this.#stopReason = 'cancel';
        this.#abort.abort();
        return;
      }
      if (state === 'queued') {
        await store.transitionJob(this.jobId, ['queued'], 'running', clock.now());
        this.#mustRefresh = true;
        continue;
      }
      if (state === 'paused' || this.#inFlight.size >= this.#ctx.concurrency) {
        if (state === 'paused' && this.#inFlight.size === 0 && (await this.#finishIfDone(['paused']))) continue;
        await this.#waitForWake(this.#ctx.pollIntervalMs);
        continue;
      }
      const leaseId = randomUUID();
      const claimed = await store.claimItems(this.jobId, {
        leaseId,
        now: clock.now(),
        leaseMs: this.#ctx.leaseMs,
        limit: this.#ctx.batchSize,
      });
      if (claimed.length === 0) {
        if (this.#inFlight.size === 0 && (await this.#finishIfDone(['running', 'queued']))) continue;
        await this.#waitForWake(this.#nextRetryAt - clock.now());
        continue;
      }
      const items = claimed.map((item: JobItemRecord) => ({
        taskId: item.taskId,
        payload: item.payload,
        attempts: item.attempts,
        errors: item.errors,
      }));
      const cost = this.#tokenCost(items);
      const before = clock.now();
      if (!(await gate.acquire(cost, this.#abort.signal))) {
        await this.#settleAborted(items, leaseId);
        continue;
      }
      const waited = clock.now() > before;
      const work = this.#processBatch(items, leaseId, waited).finally(() => {
        this.#inFlight.delete(work);
        this.#wakeUp();
      });
      this.#inFlight.add(work);
    }
  }

  async #finishIfDone(from: readonly JobState[]): Promise<boolean> {
    const { store, clock } = this.#ctx;
    const counts = await store.countItems(this.jobId);
    this.#counts = counts;
    if (counts.pending + counts.leased > 0) return false;
    const to: JobState =
      counts.failed === 0 ? 'completed' : counts.succeeded === 0 ? 'failed' : 'completed_with_errors';
    await store.transitionJob(this.jobId, from, to, clock.now());
    this.#mustRefresh = true;
    return true;
  }

  #tokenCost(items: readonly WorkItem[]): number {
    const estimate = this.#ctx.estimateTokens;
    if (!this.#ctx.gate.limitsTokens) return 0;
    let cost = 0;
    for (const item of items) {
      cost += estimate ? estimate({ id: item.taskId, payload: item.payload }) : defaultTokenEstimate(item.payload);
    }
    return cost;
  }

  async #processBatch(items: WorkItem[], leaseId: string, renew: boolean): Promise<void> {
    try {
      await this.#send(items, leaseId, renew);
    } catch (error) {
      this.#callbackError ??= { error };
      this.#stopReason ??= 'signal';
      this.#abort.abort();
    }
    await this.#emitProgress();
  }

  async #emitProgress(): Promise<void> {
    if (!this.#onProgress) return;
    const now = this.#ctx.clock.now();
    const counts = await this.#ctx.store.countItems(this.jobId);
    const remaining = counts.pending + counts.leased;
    try {
      this.#onProgress({
        jobId: this.jobId,
        state: this.#state,
        total: this.#total,
        ...visibleCounts(counts),
        requests: this.#requests,
        throughputPerSec: this.#meter.perSecond,
        etaMs: this.#meter.etaMs(remaining),
        elapsedMs: now - this.#startedAt,
      });
    } catch (error) {
      this.#callbackError ??= { error };
      this.#stopReason ??= 'signal';
      this.#abort.abort();
      this.#wakeUp();
    }
  }

  /** Sends one request for `items` and settles each of them (or bisects and recurses). */
  async #send(items: WorkItem[], leaseId: string, renew: boolean): Promise<void> {
    const { store, clock, client } = this.#ctx;
    if (renew) {
      await store.renewLease(
        this.jobId,
        items.map((item) => item.taskId),
        leaseId,
        clock.now() + this.#ctx.leaseMs,
      );
    }
    const controller = new AbortController();
    const stop = () => controller.abort(this.#abort.signal.reason);
    this.#abort.signal.addEventListener('abort', stop, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new LlmTimeoutError(this.#ctx.requestTimeoutMs));
    }, this.#ctx.requestTimeoutMs);
    const tasks: LlmTask[] = items.map((item) => ({ id: item.taskId, payload: item.payload }));
    this.#requests++;
    let response: unknown;
    let failure: { error: unknown } | undefined;
    try {
      response = await raceAbort(callClient(client, tasks, controller.signal), controller.signal);
    } catch (error) {
      failure = { error };
    } finally {
      clearTimeout(timer);
      this.#abort.signal.removeEventListener('abort', stop);
    }
    if (failure) {
      if (this.#abort.signal.aborted && !timedOut) return this.#settleAborted(items, leaseId);
      return this.#handleRequestFailure(
        items,
        leaseId,
        timedOut ? new LlmTimeoutError(this.#ctx.requestTimeoutMs) : failure.error,
      );
    }
    let results: unknown;
    try {
      results = (response as { results?: unknown } | null | undefined)?.results;
    } catch {
      results = undefined; // a getter that throws: as unusable as no results at all
    }
    if (!Array.isArray(results)) {
      return this.#handleRequestFailure(
        items,
        leaseId,
        new LlmResponseError(
          `Expected \`client.complete\` to resolve to { results: [...] }, got ${describeValue(response)}`,
        ),
      );
    }
    const wanted = new Set(items.map((item) => item.taskId));
    const byId = new Map<string, Record<string, unknown>>();
    for (const result of results as unknown[]) {
      if (typeof result !== 'object' || result === null) continue;
      let id: unknown;
      try {
        id = (result as { id?: unknown }).id;
      } catch {
        continue; // an item whose `id` cannot be read matches no task
      }
      // invariant: results are matched by id, never by position; the first item for an id wins
      if (typeof id === 'string' && wanted.has(id) && !byId.has(id)) byId.set(id, result as Record<string, unknown>);
    }
    const now = clock.now();
    const settlements: Promise<void>[] = [];
    let rateLimited = false;
    for (const item of items) {
      const result = byId.get(item.taskId);
      const read = result === undefined ? MISSING : readItem(result);
      if ('code' in read && read.code === 'rate_limited') {
        // an item answered 429 (one request per task, as chat-completion endpoints take them): the
        // whole client pauses and the task goes back uncharged, exactly as for a whole-request 429
        if (!rateLimited) this.#rateLimited++;
        rateLimited = true;
        this.#ctx.gate.pauseUntil(now + (read.retryAfterMs ?? this.#ctx.defaultRetryAfterMs));
        item.errors.push(this.#entry(item.attempts + 1, read, items.length, now));
        settlements.push(
          this.#settle(item, leaseId, {
            state: 'pending',
            notBefore: this.#ctx.gate.pausedUntil,
            attempts: item.attempts,
            errors: item.errors,
            now,
          }),
        );
        this.#noteRetryAt(this.#ctx.gate.pausedUntil);
        continue;
      }
      if (!('code' in read)) {
        item.attempts++;
        settlements.push(
          this.#settle(item, leaseId, {
            state: 'succeeded',
            output: read.output,
            attempts: item.attempts,
            errors: item.errors,
            now,
          }),
        );
        continue;
      }
      settlements.push(this.#failAttempt(item, leaseId, read, items.length, now));
    }
    await Promise.all(settlements);
  }

  async #handleRequestFailure(items: WorkItem[], leaseId: string, error: unknown): Promise<void> {
    const { clock, gate } = this.#ctx;
    const now = clock.now();
    const classified = classifyLlmError(error);
    const failure: Failure = {
      code: errorCode(error, classified.status),
      message: classified.message,
      retryable: classified.retryable,
      ...(classified.status === undefined ? {} : { status: classified.status }),
    };
    if (classified.rateLimited) {
      // the whole client waits the full Retry-After; the tasks are not charged an attempt
      this.#rateLimited++;
      gate.pauseUntil(now + (classified.retryAfterMs ?? this.#ctx.defaultRetryAfterMs));
      await Promise.all(
        items.map((item) => {
          item.errors.push(this.#entry(item.attempts + 1, { ...failure, code: 'rate_limited' }, items.length, now));
          return this.#settle(item, leaseId, {
            state: 'pending',
            notBefore: gate.pausedUntil,
            attempts: item.attempts,
            errors: item.errors,
            now,
          });
        }),
      );
      this.#noteRetryAt(gate.pausedUntil);
      return;
    }
    if (!classified.retryable && items.length > 1) {
      // a whole-request 4xx: split to find the task the service rejects; nobody is charged yet
      this.#bisections++;
      for (const item of items) item.errors.push(this.#entry(item.attempts + 1, failure, items.length, now));
      const half = Math.ceil(items.length / 2);
      await this.#sendSub(items.slice(0, half), leaseId);
      await this.#sendSub(items.slice(half), leaseId);
      return;
    }
    if (!classified.retryable) {
      // alone in a rejected request: retried on its own, with backoff, up to maxAttempts; a request
      // that could not even be built from this task will not build next time either
      const [item] = items as [WorkItem];
      item.attempts++;
      item.errors.push(this.#entry(item.attempts, failure, 1, now));
      if (item.attempts >= this.#ctx.retry.maxAttempts || error instanceof LlmRequestBuildError) {
        return this.#settle(item, leaseId, {
          state: 'failed',
          error: failure.message,
          attempts: item.attempts,
          errors: item.errors,
          now,
        });
      }
      const delay = backoffDelay(this.#ctx.retry, item.attempts);
      // keep the lease through the wait, so no other runner takes the task meanwhile
      await this.#ctx.store.renewLease(this.jobId, [item.taskId], leaseId, now + delay + this.#ctx.leaseMs);
      await sleep(delay, this.#abort.signal);
      return this.#sendSub(items, leaseId);
    }
    await Promise.all(items.map((item) => this.#failAttempt(item, leaseId, failure, items.length, now)));
  }

  /** A sub-request (bisection half, solo retry): goes through the rate gate and renews the lease. */
  async #sendSub(items: WorkItem[], leaseId: string): Promise<void> {
    if (this.#abort.signal.aborted) return this.#settleAborted(items, leaseId);
    const cost = this.#tokenCost(items);
    if (!(await this.#ctx.gate.acquire(cost, this.#abort.signal))) return this.#settleAborted(items, leaseId);
    return this.#send(items, leaseId, true);
  }

  /** Charges one attempt; fails the task for good when it is out of attempts or the error is terminal. */
  #failAttempt(item: WorkItem, leaseId: string, failure: Failure, batchSize: number, now: number): Promise<void> {
    item.attempts++;
    item.errors.push(this.#entry(item.attempts, failure, batchSize, now));
    if (!failure.retryable || item.attempts >= this.#ctx.retry.maxAttempts) {
      return this.#settle(item, leaseId, {
        state: 'failed',
        error: failure.message,
        attempts: item.attempts,
        errors: item.errors,
        now,
      });
    }
    const notBefore = now + backoffDelay(this.#ctx.retry, item.attempts);
    this.#noteRetryAt(notBefore);
    return this.#settle(item, leaseId, {
      state: 'pending',
      notBefore,
      attempts: item.attempts,
      errors: item.errors,
      now,
    });
  }

  /** The request was aborted (cancellation or the runner's signal): cancel or hand the tasks back. */
  #settleAborted(items: WorkItem[], leaseId: string): Promise<void> {
    const now = this.#ctx.clock.now();
    return Promise.all(
      items.map((item) =>
        this.#settle(
          item,
          leaseId,
          this.#stopReason === 'cancel'
            ? { state: 'cancelled', attempts: item.attempts, errors: item.errors, now }
            : { state: 'pending', notBefore: now, attempts: item.attempts, errors: item.errors, now },
        ),
      ),
    ).then(() => undefined);
  }

  async #settle(item: WorkItem, leaseId: string, settlement: ItemSettlement): Promise<void> {
    const written = await this.#ctx.store.settleItem(this.jobId, item.taskId, leaseId, settlement);
    if (!written) {
      this.#staleWrites++;
      return;
    }
    if (settlement.state === 'succeeded' || settlement.state === 'failed') {
      this.#completedHere++;
      this.#meter.record(1, settlement.now);
    }
  }

  #noteRetryAt(at: number): void {
    if (at < this.#nextRetryAt || this.#nextRetryAt < this.#ctx.clock.now()) this.#nextRetryAt = at;
  }

  #entry(attempt: number, failure: Failure, batchSize: number, at: number): TaskAttemptError {
    const entry: TaskAttemptError = { at, attempt, code: failure.code, batchSize, message: failure.message };
    if (failure.status !== undefined) entry.status = failure.status;
    return entry;
  }
}

const MISSING: Failure = {
  code: 'missing',
  message: 'Expected an item for this task in the response, got none',
  retryable: true,
};

/**
 * Reads one result item. `{ id, output }` with `error` absent, `null` or `undefined` is a success;
 * an item with a non-null `error` is a failure even when it also has an `output` (the error wins:
 * a service that says it failed is believed); an item with neither is malformed.
 */
function readItem(result: Record<string, unknown>): { output: unknown } | Failure {
  let error: unknown;
  let output: unknown;
  try {
    error = result.error;
    output = result.output;
  } catch (thrown) {
    return {
      code: 'malformed',
      message: `Expected a readable item, got one whose fields throw: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
      retryable: true,
    };
  }
  if (error === undefined || error === null) {
    if (output !== undefined) return { output };
    return {
      code: 'malformed',
      message: `Expected the item to be { id, output } or { id, error }, got ${describeValue(result)}`,
      retryable: true,
    };
  }
  let message: string;
  let flag: unknown;
  let status: unknown;
  let retryAfterMs: unknown;
  if (typeof error === 'string') message = error;
  else {
    try {
      const record = (typeof error === 'object' ? error : {}) as Record<string, unknown>;
      message = typeof record.message === 'string' ? record.message : describeValue(error);
      flag = record.retryable;
      status = record.status;
      retryAfterMs = record.retryAfterMs;
    } catch {
      message = describeValue(error);
    }
  }
  if (status === 429) {
    const wait =
      typeof retryAfterMs === 'number' && retryAfterMs >= 0 ? Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) : undefined;
    return {
      code: 'rate_limited',
      message,
      status,
      retryable: true,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
    };
  }
  const retryable = flag !== false && (typeof status !== 'number' || isRetryableStatus(status));
  return { code: 'item_error', message, retryable, ...(typeof status === 'number' ? { status } : {}) };
}

/** Default token estimate: about 4 characters of JSON per token (a BigInt counts as its digits). */
export function defaultTokenEstimate(payload: unknown): number {
  let text: string;
  try {
    text =
      typeof payload === 'string'
        ? payload
        : (JSON.stringify(payload, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value)) ??
          '');
  } catch {
    text = ''; // a cycle or a throwing toJSON: createJob refuses these, but a store may hold older jobs
  }
  return Math.max(1, Math.ceil(text.length / 4));
}
