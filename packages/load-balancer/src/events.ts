import type { WorkerState, WorkerStateReason } from './worker.js';

/** Payload of `'worker-state'`: a worker moved from one state to another. */
export interface WorkerStateEvent {
  readonly workerId: string;
  readonly from: WorkerState;
  readonly to: WorkerState;
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
  readonly attemptId: number;
  readonly workerId: string;
  readonly error: unknown;
  /** Backoff before the task re-enters the queue (ms); 0 for failover and overload. */
  readonly delayMs: number;
  readonly priority: number;
  readonly key: string | undefined;
}

/** Payload of `'task-failed'`: a submit promise rejected (for any reason). */
export interface TaskFailedEvent {
  readonly error: unknown;
  /** Attempts dispatched (0 if it never left the queue). */
  readonly attempts: number;
  readonly priority: number;
  readonly key: string | undefined;
}

/** Payload of `'queue-full'`: a submit was rejected with {@link QueueFullError}. */
export interface QueueFullEvent {
  readonly maxQueueSize: number;
  readonly priority: number;
  readonly key: string | undefined;
}

/** Payload of `'late-result'`: an abandoned attempt settled after the task moved on; its outcome was ignored. */
export interface LateResultEvent {
  readonly workerId: string;
  readonly attemptId: number;
  readonly key: string | undefined;
  /** `'fulfilled'` or `'rejected'`. */
  readonly outcome: 'fulfilled' | 'rejected';
}

/** Payload of `'worker-added'` and `'worker-removed'`. */
export interface WorkerMembershipEvent {
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
  'worker-state': WorkerStateEvent;
  'worker-added': WorkerMembershipEvent;
  'worker-removed': WorkerMembershipEvent;
  'task-retry': TaskRetryEvent;
  'task-failed': TaskFailedEvent;
  'queue-full': QueueFullEvent;
  'late-result': LateResultEvent;
  /** The queue is empty and nothing is running or waiting for a retry. */
  idle: Record<string, never>;
}

/** A listener for event `E`. */
export type LoadBalancerListener<E extends keyof LoadBalancerEvents> = (payload: LoadBalancerEvents[E]) => void;
