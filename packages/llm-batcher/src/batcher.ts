import { randomUUID } from 'node:crypto';
import { describeValue, expected, MAX_TIMER_MS } from '@x/checks';
import {
  checkDuration,
  checkFunction,
  checkInteger,
  checkKnownKeys,
  checkNumber,
  checkObject,
  checkString,
} from './argument-checks.js';
import {
  EmptyJobError,
  InvalidArgumentError,
  InvalidPayloadError,
  JobNotFoundError,
  JobStateError,
  JobTooLargeError,
  TaskNotFoundError,
} from './batcher-error.js';
import { type Clock, systemClock } from './clock.js';
import {
  FINAL_JOB_STATES,
  type JobInfo,
  type JobProgress,
  type JobRecord,
  type JobReport,
  type JobState,
  type TaskResult,
} from './job.js';
import { JobRunner, type RunnerContext } from './job-runner.js';
import { type JobStore, visibleCounts } from './job-store.js';
import type { LlmClient } from './llm-client.js';
import { memoryJobStore } from './memory-job-store.js';
import { payloadProblem } from './payload-check.js';
import { RateGate } from './rate-limiter.js';
import type { RetryOptions } from './retry-policy.js';
import type { LlmTask, TaskFilter, TaskSource } from './task.js';

/**
 * The most tasks one job may hold (5000).
 *
 * @example
 * ```ts
 * import { MAX_JOB_TASKS } from '@x/llm-batcher';
 * for (let i = 0; i < ids.length; i += MAX_JOB_TASKS) await batcher.createJob({ taskIds: ids.slice(i, i + MAX_JOB_TASKS) });
 * ```
 */
export const MAX_JOB_TASKS = 5000;

/**
 * The most tasks one request may carry (10), the upper bound of `batchSize`.
 *
 * @example
 * ```ts
 * import { MAX_BATCH_SIZE, createBatcher } from '@x/llm-batcher';
 * createBatcher({ source, client, batchSize: MAX_BATCH_SIZE });
 * ```
 */
export const MAX_BATCH_SIZE = 10;

/**
 * Client-side rate limits: token buckets for requests and for LLM tokens, refilled continuously.
 * In any window of W ms at most `burst + perMinute × W / 60000` go out, so set the burst and the
 * rate so that this stays under the provider's limit.
 *
 * @example
 * ```ts
 * createBatcher({
 *   source, client,
 *   rateLimit: { requestsPerMinute: 600, tokensPerMinute: 200_000, estimateTokens: (task) => JSON.stringify(task.payload).length / 4 },
 * });
 * ```
 */
export interface RateLimitOptions {
  /** Requests per minute (refill rate of the request bucket). No limit when absent. */
  requestsPerMinute?: number;
  /** Requests that may go at once after a quiet time (bucket capacity). @default max(1, floor(requestsPerMinute / 60)) */
  requestBurst?: number;
  /** LLM tokens per minute (refill rate of the token bucket). No limit when absent. */
  tokensPerMinute?: number;
  /** Tokens that may go at once after a quiet time. @default max(1, floor(tokensPerMinute / 60)) */
  tokenBurst?: number;
  /** Tokens one task will use. @default about one token per 4 characters of the payload's JSON */
  estimateTokens?: (task: LlmTask) => number;
}

/**
 * Options of {@link createBatcher}.
 *
 * @example
 * ```ts
 * const options: BatcherOptions = { source, client, concurrency: 16, retry: { maxAttempts: 6 } };
 * ```
 */
export interface BatcherOptions {
  /** Where the tasks are read from when a job is created. */
  source: TaskSource;
  /** Where jobs, leases and results are kept. @default memoryJobStore() */
  store?: JobStore;
  /** Sends one batch request to the LLM service. */
  client: LlmClient;
  /** Tasks per request, from 1 to 10. @default 10 */
  batchSize?: number;
  /** Requests in flight at once, per runner. @default 4 */
  concurrency?: number;
  /** Client-side rate limits. No limit when absent (429 answers still pause the client). */
  rateLimit?: RateLimitOptions;
  /** Retry policy for failed tasks. */
  retry?: RetryOptions;
  /** A request not answered within this many milliseconds is aborted and retried. @default 60000 */
  requestTimeoutMs?: number;
  /**
   * How long a claim on tasks lasts, in milliseconds; a runner that dies leaves leases that other
   * runners take over after this long. Renewed before every request; must exceed `requestTimeoutMs`.
   * @default 120000
   */
  leaseMs?: number;
  /** The time source for leases, retry times, rate limits and throughput. @default Date.now */
  clock?: Clock;
  /** How often an idle runner looks at the store for state changes and expired leases, in ms. @default 250 */
  pollIntervalMs?: number;
  /** The pause after a 429 that carries no `Retry-After`, in milliseconds. @default 1000 */
  defaultRetryAfterMs?: number;
}

/**
 * What `createJob` takes: exactly one of `taskIds` and `filter`.
 *
 * @example
 * ```ts
 * await batcher.createJob({ taskIds: ['t1', 't2'], name: 'nightly', idempotencyKey: 'nightly-2026-11-25' });
 * ```
 */
export interface CreateJobInput {
  /** Ids of the tasks; duplicates collapse. At most 5000 distinct ids. */
  taskIds?: readonly string[];
  /** Selects the tasks in the source; at most 5000 may match. */
  filter?: TaskFilter;
  /** A human-readable name. */
  name?: string;
  /** A second `createJob` with the same key returns the first job (whatever else it asks for). */
  idempotencyKey?: string;
}

/**
 * Options of `runJob`.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * process.once('SIGINT', () => controller.abort());
 * await batcher.runJob(id, { signal: controller.signal, onProgress: console.log });
 * ```
 */
export interface RunJobOptions {
  /**
   * Stops this runner: in-flight requests are aborted and their tasks handed back (not charged an
   * attempt); the job stays as it is for another `runJob` to resume. The report says `interrupted`.
   */
  signal?: AbortSignal;
  /** Called after each request settles, with counts, throughput (EWMA) and ETA. */
  onProgress?: (progress: JobProgress) => void;
}

/**
 * A batcher: creates jobs from a task source and runs them against an LLM client. Created by
 * {@link createBatcher}.
 *
 * @example
 * ```ts
 * const job = await batcher.createJob({ filter: { kind: 'review' } });
 * const report = await batcher.runJob(job.id);
 * for await (const result of batcher.results(job.id)) console.log(result.taskId, result.status);
 * ```
 */
export interface Batcher {
  /** Creates a job (state `queued`) from task ids or a filter. */
  createJob(input: CreateJobInput): Promise<JobInfo>;
  /**
   * Works the job until it is final and resolves with its report. Resumes whatever earlier runs
   * left: succeeded tasks are never redone, expired leases are taken over. While the job is
   * paused, the run waits for `resumeJob` or `cancelJob`.
   */
  runJob(jobId: string, options?: RunJobOptions): Promise<JobReport>;
  /** The job with live counts (and ETA while this process runs it). */
  getJob(jobId: string): Promise<JobInfo>;
  /** Settled tasks (succeeded, failed, cancelled) in job order; may be read while the job runs. */
  results(jobId: string): AsyncIterable<TaskResult>;
  /** Stops claiming, aborts in-flight requests, keeps results already written; resolves when local runners stopped. */
  cancelJob(jobId: string): Promise<JobInfo>;
  /** Claims nothing new; in-flight requests finish. */
  pauseJob(jobId: string): Promise<JobInfo>;
  /** Lets a paused job be claimed again. */
  resumeJob(jobId: string): Promise<JobInfo>;
}

const OPTION_KEYS = [
  'source',
  'store',
  'client',
  'batchSize',
  'concurrency',
  'rateLimit',
  'retry',
  'requestTimeoutMs',
  'leaseMs',
  'clock',
  'pollIntervalMs',
  'defaultRetryAfterMs',
] as const;

function checkMethods(name: string, value: unknown, methods: readonly string[]): void {
  const record = checkObject(name, value);
  for (const method of methods) {
    if (typeof record[method] !== 'function') {
      throw new InvalidArgumentError(
        `Expected \`${name}\` to have a \`${method}\` method, got ${describeValue(record[method])} for it`,
      );
    }
  }
}

function checkJobId(jobId: unknown): string {
  return checkString('jobId', jobId);
}

class BatcherImpl implements Batcher {
  readonly #ctx: RunnerContext;
  readonly #source: TaskSource;
  readonly #runners = new Map<string, Set<JobRunner>>();
  readonly #runs = new Map<JobRunner, Promise<unknown>>();

  constructor(options: BatcherOptions) {
    const record = checkObject('options', options);
    checkKnownKeys('createBatcher', record, OPTION_KEYS);
    checkMethods('source', options.source, ['findByIds', 'findByFilter']);
    checkMethods('client', options.client, ['complete']);
    const store = options.store ?? memoryJobStore();
    checkMethods('store', store, [
      'createJob',
      'getJob',
      'transitionJob',
      'claimItems',
      'renewLease',
      'settleItem',
      'cancelItems',
      'countItems',
      'listItems',
    ]);
    const clock = options.clock ?? systemClock;
    checkMethods('clock', clock, ['now']);
    const batchSize = checkInteger('batchSize', options.batchSize ?? MAX_BATCH_SIZE, 1, MAX_BATCH_SIZE);
    const concurrency = checkInteger('concurrency', options.concurrency ?? 4, 1, 1024);
    const requestTimeoutMs = checkDuration('requestTimeoutMs', options.requestTimeoutMs ?? 60_000, true);
    const leaseMs = checkDuration(
      'leaseMs',
      options.leaseMs ?? Math.min(MAX_TIMER_MS, Math.max(120_000, requestTimeoutMs * 2)),
      true,
    );
    if (leaseMs <= requestTimeoutMs) {
      throw new InvalidArgumentError(
        expected('leaseMs', `greater than \`requestTimeoutMs\` (${requestTimeoutMs})`, leaseMs),
      );
    }
    const pollIntervalMs = checkDuration('pollIntervalMs', options.pollIntervalMs ?? 250, true);
    const defaultRetryAfterMs = checkDuration('defaultRetryAfterMs', options.defaultRetryAfterMs ?? 1000);
    const retryInput = options.retry === undefined ? {} : checkObject('retry', options.retry);
    checkKnownKeys('retry', retryInput, ['maxAttempts', 'baseDelayMs', 'maxDelayMs']);
    const retry = {
      maxAttempts: checkInteger('retry.maxAttempts', retryInput.maxAttempts ?? 5, 1),
      baseDelayMs: checkDuration('retry.baseDelayMs', retryInput.baseDelayMs ?? 500),
      maxDelayMs: checkDuration('retry.maxDelayMs', retryInput.maxDelayMs ?? 30_000),
    };
    const rate = options.rateLimit === undefined ? {} : checkObject('rateLimit', options.rateLimit);
    checkKnownKeys('rateLimit', rate, [
      'requestsPerMinute',
      'requestBurst',
      'tokensPerMinute',
      'tokenBurst',
      'estimateTokens',
    ]);
    const limits: ConstructorParameters<typeof RateGate>[1] = {};
    if (rate.requestsPerMinute !== undefined)
      limits.requestsPerMinute = checkNumber('rateLimit.requestsPerMinute', rate.requestsPerMinute, 0, true);
    if (rate.requestBurst !== undefined)
      limits.requestBurst = checkInteger('rateLimit.requestBurst', rate.requestBurst, 1);
    if (rate.tokensPerMinute !== undefined)
      limits.tokensPerMinute = checkNumber('rateLimit.tokensPerMinute', rate.tokensPerMinute, 0, true);
    if (rate.tokenBurst !== undefined) limits.tokenBurst = checkInteger('rateLimit.tokenBurst', rate.tokenBurst, 1);
    if (rate.requestBurst !== undefined && rate.requestsPerMinute === undefined) {
      throw new InvalidArgumentError('Expected `rateLimit.requestsPerMinute` with `rateLimit.requestBurst`, got none');
    }
    if (rate.tokenBurst !== undefined && rate.tokensPerMinute === undefined) {
      throw new InvalidArgumentError('Expected `rateLimit.tokensPerMinute` with `rateLimit.tokenBurst`, got none');
    }
    let estimateTokens: ((task: LlmTask) => number) | undefined;
    if (rate.estimateTokens !== undefined) {
      checkFunction('rateLimit.estimateTokens', rate.estimateTokens);
      const estimate = rate.estimateTokens as (task: LlmTask) => number;
      estimateTokens = (task) => {
        const tokens = estimate(task);
        if (typeof tokens !== 'number' || !Number.isFinite(tokens) || tokens < 0) {
          throw new InvalidArgumentError(
            `Expected \`rateLimit.estimateTokens\` to return a finite number from 0 and up, got ${describeValue(tokens)} for task \`${task.id}\``,
          );
        }
        return tokens;
      };
    }
    this.#source = options.source;
    this.#ctx = {
      store,
      client: options.client,
      gate: new RateGate(clock, limits),
      clock,
      batchSize,
      concurrency,
      retry,
      requestTimeoutMs,
      leaseMs,
      pollIntervalMs,
      defaultRetryAfterMs,
      estimateTokens,
    };
  }

  async createJob(input: CreateJobInput): Promise<JobInfo> {
    const record = checkObject('input', input);
    checkKnownKeys('createJob', record, ['taskIds', 'filter', 'name', 'idempotencyKey']);
    if ((input.taskIds === undefined) === (input.filter === undefined)) {
      throw new InvalidArgumentError(
        `Expected exactly one of \`taskIds\` and \`filter\`, got ${input.taskIds === undefined ? 'neither' : 'both'}`,
      );
    }
    if (input.name !== undefined) checkString('name', input.name);
    if (input.idempotencyKey !== undefined) checkString('idempotencyKey', input.idempotencyKey);
    let tasks: LlmTask[];
    if (input.taskIds !== undefined) {
      if (!Array.isArray(input.taskIds)) {
        throw new InvalidArgumentError(expected('taskIds', 'an array of strings', input.taskIds));
      }
      input.taskIds.forEach((id, index) => {
        checkString(`taskIds[${index}]`, id);
      });
      const ids = [...new Set(input.taskIds)];
      if (ids.length === 0) throw new EmptyJobError('Expected at least one task id, got an empty `taskIds`');
      if (ids.length > MAX_JOB_TASKS) throw new JobTooLargeError(ids.length, MAX_JOB_TASKS);
      const found = new Map((await this.#source.findByIds(ids)).map((task) => [task.id, task]));
      const missing = ids.filter((id) => !found.has(id));
      if (missing.length > 0) throw new TaskNotFoundError(missing);
      tasks = ids.map((id) => found.get(id)!);
    } else {
      const filter = input.filter;
      if (typeof filter !== 'function') checkObject('filter', filter);
      const found = await this.#source.findByFilter(filter as TaskFilter, MAX_JOB_TASKS + 1);
      const seen = new Map<string, LlmTask>();
      for (const task of found) if (!seen.has(task.id)) seen.set(task.id, task);
      tasks = [...seen.values()];
      if (tasks.length === 0) throw new EmptyJobError('Expected the filter to match at least one task, got none');
      if (tasks.length > MAX_JOB_TASKS) throw new JobTooLargeError(tasks.length, MAX_JOB_TASKS, true);
    }
    // invariant: a task's own defect never costs another task anything, so a payload that cannot
    // be sent as JSON is refused here, before any request could carry it next to healthy tasks
    const problems: { taskId: string; problem: string }[] = [];
    for (const task of tasks) {
      const problem = payloadProblem(task.payload);
      if (problem !== undefined) problems.push({ taskId: task.id, problem });
    }
    if (problems.length > 0) throw new InvalidPayloadError(problems);
    const { job } = await this.#ctx.store.createJob({
      id: randomUUID(),
      createdAt: this.#ctx.clock.now(),
      tasks,
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
    });
    return this.#info(job);
  }

  async runJob(jobId: string, options: RunJobOptions = {}): Promise<JobReport> {
    checkJobId(jobId);
    const record = checkObject('options', options);
    checkKnownKeys('runJob', record, ['signal', 'onProgress']);
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
      throw new InvalidArgumentError(expected('signal', 'an AbortSignal', options.signal));
    }
    if (options.onProgress !== undefined) checkFunction('onProgress', options.onProgress);
    await this.#record(jobId);
    const runner = new JobRunner(this.#ctx, jobId, options);
    let set = this.#runners.get(jobId);
    if (!set) {
      set = new Set();
      this.#runners.set(jobId, set);
    }
    set.add(runner);
    const run = runner.run();
    this.#runs.set(runner, run);
    try {
      return await run;
    } finally {
      this.#runs.delete(runner);
      set.delete(runner);
      if (set.size === 0) this.#runners.delete(jobId);
    }
  }

  async getJob(jobId: string): Promise<JobInfo> {
    checkJobId(jobId);
    let record = await this.#record(jobId);
    if (record.state === 'cancelling' && !this.#runners.has(jobId)) record = await this.#finishCancel(jobId);
    return this.#info(record);
  }

  results(jobId: string): AsyncIterable<TaskResult> {
    checkJobId(jobId);
    const store = this.#ctx.store;
    const record = () => this.#record(jobId);
    return {
      async *[Symbol.asyncIterator]() {
        await record();
        let afterSeq = -1;
        for (;;) {
          const page = await store.listItems(jobId, {
            afterSeq,
            limit: 500,
            states: ['succeeded', 'failed', 'cancelled'],
          });
          for (const item of page) {
            const result: TaskResult = {
              taskId: item.taskId,
              status: item.state as TaskResult['status'],
              errors: item.errors,
              attempts: item.attempts,
            };
            if (item.state === 'succeeded') result.output = item.output;
            if (item.state === 'failed') result.error = item.error ?? 'failed';
            yield result;
          }
          if (page.length < 500) return;
          afterSeq = page[page.length - 1]!.seq;
        }
      },
    };
  }

  async cancelJob(jobId: string): Promise<JobInfo> {
    checkJobId(jobId);
    const record = await this.#record(jobId);
    if (record.state === 'cancelled') return this.#info(record);
    if (FINAL_JOB_STATES.includes(record.state)) {
      throw new JobStateError(jobId, 'cancel', ['queued', 'running', 'paused', 'cancelling'], record.state);
    }
    const now = this.#ctx.clock.now();
    const moved = await this.#ctx.store.transitionJob(jobId, ['queued', 'running', 'paused'], 'cancelling', now);
    if (!moved) {
      const current = await this.#record(jobId);
      if (current.state !== 'cancelling' && current.state !== 'cancelled') {
        throw new JobStateError(jobId, 'cancel', ['queued', 'running', 'paused', 'cancelling'], current.state);
      }
    }
    const local = [...(this.#runners.get(jobId) ?? [])];
    for (const runner of local) runner.cancel();
    await Promise.allSettled(local.map((runner) => this.#runs.get(runner)));
    return this.#info(await this.#finishCancel(jobId));
  }

  async pauseJob(jobId: string): Promise<JobInfo> {
    checkJobId(jobId);
    const moved = await this.#ctx.store.transitionJob(jobId, ['queued', 'running'], 'paused', this.#ctx.clock.now());
    const record = moved ?? (await this.#record(jobId));
    if (!moved && record.state !== 'paused') {
      throw new JobStateError(jobId, 'pause', ['queued', 'running', 'paused'], record.state);
    }
    this.#notify(jobId);
    return this.#info(record);
  }

  async resumeJob(jobId: string): Promise<JobInfo> {
    checkJobId(jobId);
    const to: JobState = this.#runners.has(jobId) ? 'running' : 'queued';
    const moved = await this.#ctx.store.transitionJob(jobId, ['paused'], to, this.#ctx.clock.now());
    const record = moved ?? (await this.#record(jobId));
    if (!moved && record.state !== 'queued' && record.state !== 'running') {
      throw new JobStateError(jobId, 'resume', ['paused', 'queued', 'running'], record.state);
    }
    this.#notify(jobId);
    return this.#info(record);
  }

  #notify(jobId: string): void {
    for (const runner of this.#runners.get(jobId) ?? []) runner.notify();
  }

  async #record(jobId: string): Promise<JobRecord> {
    const record = await this.#ctx.store.getJob(jobId);
    if (!record) throw new JobNotFoundError(jobId);
    return record;
  }

  async #finishCancel(jobId: string): Promise<JobRecord> {
    const { store, clock } = this.#ctx;
    await store.cancelItems(jobId, clock.now());
    const counts = await store.countItems(jobId);
    if (counts.leased === 0) await store.transitionJob(jobId, ['cancelling'], 'cancelled', clock.now());
    return this.#record(jobId);
  }

  async #info(record: JobRecord): Promise<JobInfo> {
    const counts = await this.#ctx.store.countItems(record.id);
    const runner = this.#runners.get(record.id)?.values().next().value;
    const remaining = counts.pending + counts.leased;
    return {
      ...record,
      ...visibleCounts(counts),
      throughputPerSec: runner ? runner.throughputPerSec : null,
      etaMs: FINAL_JOB_STATES.includes(record.state) ? 0 : runner ? runner.etaMs(remaining) : null,
    };
  }
}

/**
 * Creates a batcher: jobs of up to 5000 tasks, sent to an LLM service `batchSize` (≤ 10) per
 * request, `concurrency` requests at a time, with retries (exponential backoff, full jitter),
 * rate limits, a client-wide pause on 429, bisection of requests rejected with a 4xx, leases
 * for crash recovery and exactly-once result writes.
 *
 * @example
 * ```ts
 * import { createBatcher, httpLlmClient, memoryTaskSource } from '@x/llm-batcher';
 *
 * const batcher = createBatcher({
 *   source: memoryTaskSource([{ id: 't1', payload: { prompt: 'Say hi' } }]),
 *   client: httpLlmClient({ url: 'http://127.0.0.1:8080/v1/batch' }),
 *   concurrency: 8,
 *   rateLimit: { requestsPerMinute: 600 },
 *   retry: { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 },
 * });
 * const job = await batcher.createJob({ taskIds: ['t1'], idempotencyKey: 'hello-1' });
 * const report = await batcher.runJob(job.id, { onProgress: (p) => console.log(p.succeeded, p.etaMs) });
 * console.log(report.state); // 'completed'
 * ```
 */
export function createBatcher(options: BatcherOptions): Batcher {
  return new BatcherImpl(options);
}
