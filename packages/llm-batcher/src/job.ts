/**
 * The life of a job: `queued` (created, no runner yet) → `running` → `completed` (every task
 * succeeded), `completed_with_errors` (some failed) or `failed` (every task failed). `paused`
 * claims nothing new; `cancelling` aborts in-flight requests and becomes `cancelled`, keeping the
 * results already written.
 *
 * @example
 * ```ts
 * import type { JobState } from '@x/llm-batcher';
 * const done = (state: JobState) => ['completed', 'completed_with_errors', 'failed', 'cancelled'].includes(state);
 * ```
 */
export type JobState =
  | 'queued'
  | 'running'
  | 'paused'
  | 'cancelling'
  | 'completed'
  | 'completed_with_errors'
  | 'failed'
  | 'cancelled';

/**
 * The states a job never leaves.
 *
 * @example
 * ```ts
 * import { FINAL_JOB_STATES } from '@x/llm-batcher';
 * const done = FINAL_JOB_STATES.includes((await batcher.getJob(id)).state);
 * ```
 */
export const FINAL_JOB_STATES: readonly JobState[] = ['completed', 'completed_with_errors', 'failed', 'cancelled'];

/**
 * The state of one task inside a job: `pending` (waiting, maybe until a retry time), `leased`
 * (claimed by a runner, request in flight), then `succeeded`, `failed` or `cancelled`.
 *
 * @example
 * ```ts
 * import type { TaskState } from '@x/llm-batcher';
 * const settled = (state: TaskState) => state !== 'pending' && state !== 'leased';
 * ```
 */
export type TaskState = 'pending' | 'leased' | 'succeeded' | 'failed' | 'cancelled';

/**
 * What went wrong in one request that carried the task: `http` (non-2xx answer), `network`,
 * `timeout`, `rate_limited` (429, not counted as an attempt), `item_error` (the service returned an
 * error for this item), `missing` (no item for this task), `malformed` (an item with neither a
 * usable `output` nor an `error`), `response` (the whole body was unreadable, or `complete`
 * resolved to something without a `results` array), `request` (the request could not be built
 * from the tasks: an `LlmRequestBuildError`), `client` (the client threw something else, or
 * returned a non-promise), `aborted` (the runner stopped).
 *
 * @example
 * ```ts
 * import type { TaskErrorCode } from '@x/llm-batcher';
 * const isServiceFault = (code: TaskErrorCode) => code === 'http' || code === 'item_error';
 * ```
 */
export type TaskErrorCode =
  | 'http'
  | 'network'
  | 'timeout'
  | 'rate_limited'
  | 'item_error'
  | 'missing'
  | 'malformed'
  | 'response'
  | 'request'
  | 'client'
  | 'aborted';

/**
 * One entry of a task's error history.
 *
 * @example
 * ```ts
 * for (const entry of result.errors) console.log(entry.attempt, entry.code, entry.status, entry.message);
 * ```
 */
export interface TaskAttemptError {
  /** When it happened, by the batcher's clock (ms). */
  at: number;
  /** The attempt number it belongs to (1-based); bisection and 429 entries repeat the next attempt's number. */
  attempt: number;
  /** What kind of failure it was. */
  code: TaskErrorCode;
  /** HTTP status, when there was one. */
  status?: number;
  /** How many tasks the request carried. */
  batchSize: number;
  /** A short description. */
  message: string;
}

/**
 * The stored record of a job (without counts).
 *
 * @example
 * ```ts
 * const record = await store.getJob(jobId);
 * if (record?.state === 'running') console.log(record.startedAt);
 * ```
 */
export interface JobRecord {
  /** The job's id. */
  id: string;
  /** A human-readable name, when given. */
  name?: string;
  /** The idempotency key it was created with, when given. */
  idempotencyKey?: string;
  /** Its state. */
  state: JobState;
  /** The number of distinct tasks it holds. */
  total: number;
  /** When it was created (ms, batcher clock). */
  createdAt: number;
  /** When it last changed state (ms, batcher clock). */
  updatedAt: number;
  /** When a runner first started it (ms, batcher clock). */
  startedAt?: number;
  /** When it reached a final state (ms, batcher clock). */
  finishedAt?: number;
}

/**
 * A job as `createJob` and `getJob` describe it: the record plus live counts and, while a runner
 * in this process works on it, throughput and ETA.
 *
 * @example
 * ```ts
 * const job = await batcher.getJob(id);
 * console.log(`${job.succeeded + job.failed}/${job.total}, eta ${job.etaMs} ms`);
 * ```
 */
export interface JobInfo extends JobRecord {
  /** Tasks whose result was written. */
  succeeded: number;
  /** Tasks that failed for good. */
  failed: number;
  /** Tasks cancelled before they completed. */
  cancelled: number;
  /** Tasks waiting to be sent (including those waiting for a retry time). */
  pending: number;
  /** Tasks claimed by a runner, request in flight. */
  inFlight: number;
  /** Attempts made so far over all tasks (429 answers and bisection steps not counted). */
  attempts: number;
  /** Tasks completed per second (EWMA), while a runner in this process works on the job; else `null`. */
  throughputPerSec: number | null;
  /** Estimated milliseconds to the end, from the EWMA throughput; `null` when unknown. */
  etaMs: number | null;
}

/**
 * What `onProgress` receives after each request settles.
 *
 * @example
 * ```ts
 * await batcher.runJob(id, {
 *   onProgress: (p) => console.log(`${p.succeeded}/${p.total} ok, ${p.throughputPerSec.toFixed(0)}/s, eta ${p.etaMs} ms`),
 * });
 * ```
 */
export interface JobProgress {
  /** The job's id. */
  jobId: string;
  /** The job's state as this runner last saw it. */
  state: JobState;
  /** Tasks in the job. */
  total: number;
  /** Tasks succeeded so far (all runners). */
  succeeded: number;
  /** Tasks failed for good so far (all runners). */
  failed: number;
  /** Tasks cancelled so far. */
  cancelled: number;
  /** Tasks waiting to be sent. */
  pending: number;
  /** Tasks in flight (all runners). */
  inFlight: number;
  /** Attempts made so far over all tasks. */
  attempts: number;
  /** Requests this runner sent so far. */
  requests: number;
  /** Tasks completed per second, exponentially weighted (time constant 5 s). */
  throughputPerSec: number;
  /** Estimated milliseconds to the end at that throughput; `null` before the first completion. */
  etaMs: number | null;
  /** Milliseconds since this runner started. */
  elapsedMs: number;
}

/**
 * What `runJob` resolves with once the job is final (or the run was stopped by its signal).
 *
 * @example
 * ```ts
 * const report = await batcher.runJob(id);
 * if (report.state === 'completed_with_errors') console.warn(`${report.failed} tasks failed`);
 * ```
 */
export interface JobReport {
  /** The job's id. */
  jobId: string;
  /** The job's name, when it has one. */
  name?: string;
  /** The job's state when the run ended. */
  state: JobState;
  /** Tasks in the job. */
  total: number;
  /** Tasks succeeded (all runners). */
  succeeded: number;
  /** Tasks failed for good (all runners). */
  failed: number;
  /** Tasks cancelled. */
  cancelled: number;
  /** Tasks not settled when the run ended (only after a stop by signal or a pause-then-stop). */
  pending: number;
  /** Attempts made over all tasks. */
  attempts: number;
  /** HTTP requests this runner sent (bisection steps included). */
  requests: number;
  /** Requests answered 429 by the service. */
  rateLimited: number;
  /** Requests split in two after a whole-request 4xx. */
  bisections: number;
  /** Writes this runner attempted after losing its lease; rejected by the store, as they must be. */
  staleWrites: number;
  /** True when the run was ended by its `signal` rather than by the job finishing. */
  interrupted: boolean;
  /** Wall time of this run, by the batcher's clock (ms). */
  durationMs: number;
  /** Tasks this runner completed per second of its run. */
  throughputPerSec: number;
}

/**
 * One task's outcome, as `results()` yields it.
 *
 * @example
 * ```ts
 * for await (const result of batcher.results(id)) {
 *   if (result.status === 'succeeded') save(result.taskId, result.output);
 *   else console.warn(result.taskId, result.error, result.errors);
 * }
 * ```
 */
export interface TaskResult {
  /** The task's id. */
  taskId: string;
  /** How it ended. */
  status: 'succeeded' | 'failed' | 'cancelled';
  /** The service's output, for succeeded tasks. */
  output?: unknown;
  /** The last error's message, for failed tasks. */
  error?: string;
  /** Every error met on the way, oldest first. */
  errors: readonly TaskAttemptError[];
  /** Attempts made. */
  attempts: number;
}
