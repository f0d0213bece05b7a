/**
 * `@x/load-balancer`: an in-process task dispatcher over a dynamic set of workers (in-process
 * handlers or HTTP services), with health states, heartbeats, outlier ejection, a priority queue,
 * retries with a budget and lossless failover. Start with {@link LoadBalancer}; a worker throws
 * {@link WorkerUnavailableError} when it, not the task, is broken. A manual clock for tests is on
 * `@x/load-balancer/testing`.
 *
 * @packageDocumentation
 */
export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
export {
  DuplicateWorkerError,
  HttpStatusError,
  InvalidArgumentError,
  InvalidResponseError,
  LoadBalancerError,
  QueueFullError,
  RetriesExhaustedError,
  ShutdownError,
  TaskAbortedError,
  TaskTimeoutError,
  UnknownWorkerError,
  WorkerOverloadedError,
  WorkerUnavailableError,
} from './errors.js';
export type {
  LateResultEvent,
  LoadBalancerEvents,
  LoadBalancerListener,
  QueueFullEvent,
  TaskFailedEvent,
  TaskRetryEvent,
  WorkerMembershipEvent,
  WorkerStateEvent,
} from './events.js';
export type { HttpWorkerOptions } from './http-worker.js';
export { httpWorker } from './http-worker.js';
export { LoadBalancer } from './load-balancer.js';
export type {
  AgingOptions,
  EjectionOptions,
  LoadBalancerOptions,
  RemoveWorkerOptions,
  RetryBudgetOptions,
  RetryOptions,
  ShutdownOptions,
  Strategy,
  SubmitOptions,
} from './options.js';
export { LOAD_BALANCER_OPTION_KEYS } from './options.js';
export type { HeaderSource } from './retry-after.js';
export { MAX_RETRY_AFTER_MS, parseRetryAfter } from './retry-after.js';
export type { LoadBalancerStats, Percentiles } from './stats.js';
export type {
  ExecuteContext,
  HealthReport,
  WorkerSnapshot,
  WorkerSpec,
  WorkerState,
  WorkerStateReason,
} from './worker.js';
