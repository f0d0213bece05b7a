import type { TaskState } from './task-state.js';
import { invalid } from './validation.js';
import type { ExecuteContext } from './worker.js';
import type { WorkerEntry } from './worker-entry.js';

// The balancer's bookkeeping lives under module-private symbols, so the attempt record can be
// the `context` given to `execute` (no second object per dispatch) without exposing it as
// ordinary properties: `execute` sees only the ExecuteContext fields.
export const TASK: unique symbol = Symbol('task');
export const RESOLVE: unique symbol = Symbol('resolve');
export const STATE: unique symbol = Symbol('state');
export const ENQUEUED_AT: unique symbol = Symbol('enqueuedAt');
export const STARTED_AT: unique symbol = Symbol('startedAt');
export const SEQ: unique symbol = Symbol('seq');
export const WORKER: unique symbol = Symbol('worker');
export const CURRENT: unique symbol = Symbol('current');
export const PREV: unique symbol = Symbol('prev');
export const NEXT: unique symbol = Symbol('next');
export const ABORT: unique symbol = Symbol('abort');
export const CALLER_SIGNAL: unique symbol = Symbol('callerSignal');
export const ON_CALLER_ABORT: unique symbol = Symbol('onCallerAbort');

/**
 * One dispatch of a task to a worker: the record of a running task and, at the same time, the
 * `context` its `execute` receives. The abort signal is created lazily, so tasks that never
 * look at it cost no AbortController.
 */
export class Attempt implements ExecuteContext {
  readonly attempt: number;
  readonly attemptId: number;
  readonly workerId: string;
  readonly priority: number;
  readonly [TASK]: unknown;
  readonly [RESOLVE]: (value: unknown) => void;
  /** Optional per-task state (created on the first requeue if the task had none). */
  [STATE]: TaskState | undefined;
  /** When the task entered the queue (kept across requeues). */
  readonly [ENQUEUED_AT]: number;
  /** When this attempt was dispatched. */
  readonly [STARTED_AT]: number;
  /** Dispatch sequence number. */
  readonly [SEQ]: number;
  readonly [WORKER]: WorkerEntry;
  /** False once abandoned or settled: a result arriving then is late and ignored. */
  [CURRENT] = true;
  /** Links in the worker's list of unsettled attempts. */
  [PREV]: Attempt | null = null;
  [NEXT]: Attempt | null = null;
  /**
   * The caller's signal, for a task dispatched the moment it was submitted with no per-task state
   * (see `Dispatcher.submitNow`): the attempt listens on it until the task settles or gets a state.
   */
  [CALLER_SIGNAL]: AbortSignal | undefined = undefined;
  [ON_CALLER_ABORT]: (() => void) | undefined = undefined;
  #controller: AbortController | undefined = undefined;
  #abortReason: unknown = undefined;
  #aborted = false;
  #onAbort: ((reason: unknown) => void) | undefined = undefined;

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
    this[TASK] = task;
    this[RESOLVE] = resolve;
    this[STATE] = state;
    this.priority = priority;
    this[ENQUEUED_AT] = enqueuedAt;
    this[WORKER] = worker;
    this.workerId = worker.id;
    this.attempt = attempt;
    this.attemptId = attemptId;
    this[STARTED_AT] = startedAt;
    this[SEQ] = seq;
  }

  get key(): string | undefined {
    return this[STATE]?.key;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#abortReason);
    }
    return this.#controller.signal;
  }

  onAbort(listener: (reason: unknown) => void): void {
    if (typeof listener !== 'function') throw invalid('listener', 'a function', listener);
    if (this.#aborted) listener(this.#abortReason);
    else this.#onAbort = listener;
  }

  /** Aborts the attempt's signal and tells its `onAbort` listener (once). */
  [ABORT](reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
    const listener = this.#onAbort;
    this.#onAbort = undefined;
    if (listener === undefined) return;
    try {
      listener(reason);
    } catch (error) {
      // user code: surfaced as an uncaught error, never a disturbance of the balancer's bookkeeping
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
