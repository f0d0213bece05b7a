import type { Attempt } from './attempt.js';
import type { WorkerEntry } from './worker-entry.js';

/**
 * The per-task bookkeeping that a plain `submit(task)` does not need: created at submit when
 * options ask for a timeout, signal, key or attempt limit, or lazily when a task first has to
 * go back to the queue (retry, failover).
 */
export class TaskState {
  readonly priority: number;
  readonly key: string | undefined;
  readonly maxAttempts: number;
  /** Attempts dispatched so far. */
  attempts = 0;
  /** Dispatch order of the first attempt (FIFO position within the priority), -1 before it ran. */
  seq = -1;
  /** The promise has been settled (or is being): nothing may touch it again. */
  settled = false;
  /** The running attempt, if one is current. */
  attempt: Attempt | null = null;
  /** Every worker an attempt of this task failed on (Envoy's previous hosts): later attempts avoid them. */
  failedOn: WorkerEntry[] | undefined = undefined;
  /** The error of the last failed attempt (the `cause` if the task runs out of attempts). */
  lastError: unknown = undefined;
  /** Waiting out a retry backoff. */
  retryTimer: unknown = undefined;
  /** Counted in the retry budget's "retries in progress". */
  retrying = false;
  timeoutTimer: unknown = undefined;
  signal: AbortSignal | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  /**
   * Where the task is: queued, parked (waiting for a worker it has not failed on to free a
   * slot), running, waiting out a retry backoff, or done.
   */
  where: 'queued' | 'parked' | 'running' | 'retry-wait' | 'done' = 'queued';
  /** The task and its resolver, kept while it waits out a retry backoff. */
  task: unknown = undefined;
  resolve: unknown = undefined;
  enqueuedAt = 0;

  constructor(priority: number, key: string | undefined, maxAttempts: number) {
    this.priority = priority;
    this.key = key;
    this.maxAttempts = maxAttempts;
  }
}
