import type { WorkerState, WorkerStateReason } from './worker.js';

/** Payload of `'worker-state'`: a worker moved from one state to another. */
export interface WorkerStateEvent {
  /** The id of the worker that changed state. */
  readonly workerId: string;
  /** The state it left. */
  readonly from: WorkerState;
  /** The state it entered (never equal to `from`). */
  readonly to: WorkerState;
  /** Why it moved, e.g. `'ejected'` after too many worker errors in a row or `'heartbeat-timeout'`. */
  readonly reason: WorkerStateReason;
  /** Clock time of the transition (ms). */
  readonly at: number;
}

/** Payload of `'task-retry'`: a task goes back to the queue for another attempt. */
export interface TaskRetryEvent {
  /**
   * `'retry'`: a task error that `retryOn` accepted (after a backoff delay);
   * `'failover'`: the worker failed (a {@link WorkerUnavailableError}, or it became unreachable or
   * was removed while running the task); `'overloaded'`: the worker pushed back with
   * {@link WorkerOverloadedError} (no attempt counted).
   */
  readonly kind: 'retry' | 'failover' | 'overloaded';
  /** The attempt that just failed (1-based). */
  readonly attempt: number;
  /** Balancer-wide id of the failed dispatch, the same as its {@link ExecuteContext.attemptId}. */
  readonly attemptId: number;
  /** The worker the failed attempt ran on; after a retry or failover the task avoids it while another worker can take it. */
  readonly workerId: string;
  /**
   * What the attempt failed with: the task's own error (`'retry'`), a {@link WorkerUnavailableError}
   * (`'failover'`) or the worker's {@link WorkerOverloadedError} (`'overloaded'`).
   */
  readonly error: unknown;
  /** Backoff before the task re-enters the queue (ms); 0 for failover and overload. */
  readonly delayMs: number;
  /** The task's priority as submitted (aging is not included). */
  readonly priority: number;
  /** The task's `key` as submitted, `undefined` if it had none. */
  readonly key: string | undefined;
}

/** Payload of `'task-failed'`: a submit promise rejected (for any reason). */
export interface TaskFailedEvent {
  /**
   * The error the submit promise rejected with: a {@link LoadBalancerError} subclass
   * ({@link RetriesExhaustedError}, {@link TaskTimeoutError}, {@link QueueFullError}, …) or the
   * task's own error when `retryOn` did not allow a retry.
   */
  readonly error: unknown;
  /** Attempts dispatched (0 if it never left the queue). */
  readonly attempts: number;
  /** The task's priority as submitted (aging is not included). */
  readonly priority: number;
  /** The task's `key` as submitted, `undefined` if it had none. */
  readonly key: string | undefined;
}

/** Payload of `'queue-full'`: a submit was rejected with {@link QueueFullError}. */
export interface QueueFullEvent {
  /** The configured `maxQueueSize`: the number of tasks already waiting when this one was refused. */
  readonly maxQueueSize: number;
  /** The refused task's priority as submitted. */
  readonly priority: number;
  /** The refused task's `key`, `undefined` if it had none. */
  readonly key: string | undefined;
}

/** Payload of `'late-result'`: an abandoned attempt settled after the task moved on; its outcome was ignored. */
export interface LateResultEvent {
  /** The worker that ran the abandoned attempt. */
  readonly workerId: string;
  /** Balancer-wide id of the abandoned attempt, the same as its {@link ExecuteContext.attemptId}. */
  readonly attemptId: number;
  /** The task's `key` as submitted, `undefined` if it had none. */
  readonly key: string | undefined;
  /** `'fulfilled'` or `'rejected'`. */
  readonly outcome: 'fulfilled' | 'rejected';
}

/** Payload of `'worker-added'` and `'worker-removed'`. */
export interface WorkerMembershipEvent {
  /** The id of the worker that was added or removed. */
  readonly workerId: string;
}

/**
 * Every event `lb.on` accepts, with its payload type.
 *
 * @example
 * ```ts
 * lb.on('worker-state', ({ workerId, from, to, reason }) => log(`${workerId}: ${from} -> ${to} (${reason})`));
 * ```
 */
export interface LoadBalancerEvents {
  /** A worker changed state (e.g. `active` → `unreachable`); see {@link WorkerState}. */
  'worker-state': WorkerStateEvent;
  /** `addWorker` registered a worker. */
  'worker-added': WorkerMembershipEvent;
  /** A removed worker is gone: its in-flight tasks finished (draining) or were failed over. */
  'worker-removed': WorkerMembershipEvent;
  /** An attempt failed and the task goes back to the queue (retry, failover or overload push-back). */
  'task-retry': TaskRetryEvent;
  /** A submit promise rejected, for any reason (queue full, timeout, abort, retries exhausted, shutdown). */
  'task-failed': TaskFailedEvent;
  /** A submit was refused because `maxQueueSize` tasks were already waiting (followed by `'task-failed'`). */
  'queue-full': QueueFullEvent;
  /** An abandoned attempt settled after its task moved on; its outcome was ignored. */
  'late-result': LateResultEvent;
  /** The queue is empty and nothing is running or waiting for a retry. */
  idle: Record<string, never>;
}

/** A listener for event `E`. */
export type LoadBalancerListener<E extends keyof LoadBalancerEvents> = (payload: LoadBalancerEvents[E]) => void;
