import type { TaskState } from './task-state.js';
import type { ExecuteContext } from './worker.js';
import type { WorkerEntry } from './worker-entry.js';

/**
 * One dispatch of a task to a worker: the record of a running task and, at the same time, the
 * `context` its `execute` receives (only the {@link ExecuteContext} fields are part of that
 * type). The abort signal is created lazily, so tasks that never look at it cost no
 * AbortController.
 */
export class Attempt implements ExecuteContext {
  readonly attempt: number;
  readonly attemptId: number;
  readonly workerId: string;
  readonly priority: number;
  /** @internal the task */
  readonly task: unknown;
  /** @internal the caller's resolver */
  readonly resolve: (value: unknown) => void;
  /** @internal optional per-task state */
  state: TaskState | undefined;
  /** @internal when the task entered the queue (kept across requeues) */
  readonly enqueuedAt: number;
  /** @internal when this attempt was dispatched */
  readonly startedAt: number;
  /** @internal dispatch sequence number */
  readonly seq: number;
  /** @internal worker running it */
  readonly worker: WorkerEntry;
  /** @internal false once abandoned or settled: a result arriving then is late and ignored */
  current = true;
  /** @internal links in the worker's list of unsettled attempts */
  prev: Attempt | null = null;
  /** @internal */
  next: Attempt | null = null;
  #controller: AbortController | undefined = undefined;
  #abortReason: unknown = undefined;
  #aborted = false;

  constructor(
    task: unknown,
    resolve: (value: unknown) => void,
    state: TaskState | undefined,
    priority: number,
    enqueuedAt: number,
    worker: WorkerEntry,
    attempt: number,
    attemptId: number,
    startedAt: number,
    seq: number,
  ) {
    this.task = task;
    this.resolve = resolve;
    this.state = state;
    this.priority = priority;
    this.enqueuedAt = enqueuedAt;
    this.worker = worker;
    this.workerId = worker.id;
    this.attempt = attempt;
    this.attemptId = attemptId;
    this.startedAt = startedAt;
    this.seq = seq;
  }

  get key(): string | undefined {
    return this.state?.key;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#abortReason);
    }
    return this.#controller.signal;
  }

  /** @internal aborts the attempt's signal (once). */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }
}
