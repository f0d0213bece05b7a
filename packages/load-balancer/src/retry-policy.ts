import type { ResolvedOptions } from './options.js';
import type { TaskState } from './task-state.js';
import type { WorkerEntry } from './worker-entry.js';

/** Why a task may not go back to the queue. */
export type Exhausted = 'max-attempts' | 'budget';

/**
 * May a task that left a worker try again, when, and where. Attempts and their limit, the
 * full-jitter backoff, the retry budget, and (like Envoy's previous-hosts retry predicate) the
 * workers a task already failed on, which its next attempts avoid.
 *
 * invariant: a failover (the worker's fault) is refused only when no worker in rotation is left
 * that the task has not failed on, so no task fails while a worker that could run it is in
 * rotation.
 */
export class RetryPolicy {
  readonly #options: ResolvedOptions<unknown>;
  /** Tasks counted as "retries in progress" by the budget. */
  active = 0;

  constructor(options: ResolvedOptions<unknown>) {
    this.#options = options;
  }

  /** Attempts per task unless `submit` says otherwise. */
  get maxAttempts(): number {
    return this.#options.maxAttempts;
  }

  /** Remembers that `worker` failed the task: its next attempts go elsewhere while they can. */
  failedOn(state: TaskState, worker: WorkerEntry): void {
    if (state.failedOn === undefined) state.failedOn = [worker];
    else if (!state.failedOn.includes(worker)) state.failedOn.push(worker);
  }

  /**
   * Whether a worker the task has not failed on is in rotation (joining, active or overloaded:
   * it can take the task now or soon). While one is, the task waits for it rather than go back
   * to a worker that failed it.
   */
  hasUntried(state: TaskState, workers: readonly WorkerEntry[]): boolean {
    const failedOn = state.failedOn;
    for (const worker of workers) {
      const s = worker.state;
      if (
        (s === 'active' || s === 'overloaded' || s === 'joining') &&
        (failedOn === undefined || !failedOn.includes(worker))
      ) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the task may go back to the queue after its attempt failed. A failover is refused
   * only once `maxAttempts` ran and no untried worker is in rotation; a retry of a task error
   * (`retryOn`) is refused once `maxAttempts` ran or the budget says no.
   */
  exhausted(
    state: TaskState,
    kind: 'retry' | 'failover',
    workers: readonly WorkerEntry[],
    tasksActive: number,
  ): Exhausted | undefined {
    if (state.attempts >= state.maxAttempts) {
      if (kind === 'retry' || !this.hasUntried(state, workers)) return 'max-attempts';
    }
    if (kind === 'retry' && !this.#budgetAllows(state, tasksActive)) return 'budget';
    return undefined;
  }

  /** Counts the task as a retry in progress (once, until it settles). */
  startRetrying(state: TaskState): void {
    if (state.retrying) return;
    state.retrying = true;
    this.active++;
  }

  /** The task settled: it no longer counts as a retry in progress. */
  settled(state: TaskState): void {
    if (!state.retrying) return;
    state.retrying = false;
    this.active--;
  }

  /** Backoff before retry n (after n attempts): random in [0, min(maxDelayMs, baseDelayMs × 2^(n-1))). */
  backoffMs(attempts: number): number {
    const ceiling = Math.min(this.#options.maxDelayMs, this.#options.baseDelayMs * 2 ** (attempts - 1));
    return this.#options.random() * ceiling;
  }

  /** Envoy's retry budget: retries in progress may not exceed a share of the tasks queued, running or waiting. */
  #budgetAllows(state: TaskState, tasksActive: number): boolean {
    const budget = this.#options.budget;
    if (budget === false || state.retrying) return true;
    return this.active < Math.max(budget.minConcurrency, (budget.percent / 100) * (tasksActive + 1));
  }
}
