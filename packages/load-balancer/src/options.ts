import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import {
  expectDuration,
  expectFraction,
  expectFunction,
  expectInteger,
  expectNumber,
  expectObject,
  expectOptions,
  invalid,
} from './validation.js';

/**
 * How a worker is chosen among those that can take a task.
 * - `'least-loaded'`: lowest `inFlight / capacity`, then lowest reported load (default).
 * - `'power-of-two'`: two random candidates, the less loaded wins (Envoy's P2C).
 * - `'round-robin'`: next worker in turn.
 * - `'weighted'`: smooth weighted round robin by `weight`.
 */
export type Strategy = 'least-loaded' | 'power-of-two' | 'round-robin' | 'weighted';

/** Outlier ejection: take a worker out after consecutive worker errors. */
export interface EjectionOptions {
  /** Consecutive {@link WorkerUnavailableError}s that eject a worker. @defaultValue `5` */
  consecutiveFailures?: number;
  /** Ejection time for the first ejection (ms); the n-th ejection lasts `n ×` this. @defaultValue `30000` */
  baseEjectionTimeMs?: number;
  /** Upper bound of the growing ejection time (ms). @defaultValue `300000` */
  maxEjectionTimeMs?: number;
  /**
   * At most this percentage of workers can be ejected at once (at least one always can), so a
   * fault that hits every worker (a bad dependency, bad tasks) does not empty the pool. The cap
   * only holds while the workers left in rotation are failing too: a failing worker is ejected
   * beyond it whenever another worker in rotation has not failed since its last success (as in
   * Envoy, where the cap protects the pool only when the remaining hosts are no better).
   * @defaultValue `50`
   */
  maxEjectionPercent?: number;
}

/** Envoy-style retry budget: retries in progress may not exceed a share of active tasks. */
export interface RetryBudgetOptions {
  /** Retries in progress may be at most this percentage of tasks queued or running. @defaultValue `20` */
  percent?: number;
  /** Retries allowed in progress regardless of `percent`. @defaultValue `3` */
  minConcurrency?: number;
}

/** Retries of failed attempts. */
export interface RetryOptions {
  /**
   * Attempts per task in total (first one included), unless `submit` says otherwise. A failover
   * (the worker failed) is never refused while a worker the task has not failed on is still in
   * rotation (not `unreachable`, `draining` or removed): `maxAttempts` bounds the attempts once
   * every such worker has failed the task. @defaultValue `3`
   */
  maxAttempts?: number;
  /** Backoff base (ms): the delay before retry n is random in [0, min(maxDelayMs, baseDelayMs × 2^(n-1))) ("full jitter"). @defaultValue `100` */
  baseDelayMs?: number;
  /** Backoff cap (ms). @defaultValue `10000` */
  maxDelayMs?: number;
  /** Retry budget, or `false` for none. @defaultValue `{ percent: 20, minConcurrency: 3 }` */
  budget?: RetryBudgetOptions | false;
}

/** Priority aging: a waiting task's effective priority grows with its wait. */
export interface AgingOptions {
  /** Every `intervalMs` waited adds `boost` to the task's effective priority. */
  intervalMs: number;
  /** Priority added per interval waited. @defaultValue `1` */
  boost?: number;
  /** Cap of the total boost. @defaultValue `Infinity` */
  maxBoost?: number;
}

/**
 * Options of `new LoadBalancer(options)`. Every field is optional; an unknown key is an
 * {@link InvalidArgumentError} listing the valid ones. Every duration (`…Ms`) is in
 * milliseconds, finite, from 0 to 2^31−1 (the longest delay a Node timer honours).
 *
 * @example
 * ```ts
 * const lb = new LoadBalancer<Job, Output>({
 *   strategy: 'power-of-two',
 *   heartbeatIntervalMs: 1000,
 *   heartbeatTimeoutMs: 5000,
 *   ejection: { consecutiveFailures: 3, baseEjectionTimeMs: 10_000 },
 *   retry: { maxAttempts: 4, baseDelayMs: 50 },
 *   retryOn: (error) => error instanceof TransientError,
 *   maxQueueSize: 10_000,
 *   aging: { intervalMs: 500, boost: 1, maxBoost: 5 },
 * });
 * ```
 */
export interface LoadBalancerOptions<Task = unknown> {
  /** Worker selection strategy. @defaultValue `'least-loaded'` */
  strategy?: Strategy;
  /** How often health checks run and heartbeat deadlines are checked (ms). @defaultValue `5000` */
  heartbeatIntervalMs?: number;
  /** A worker with a health check or push heartbeats becomes `unreachable` after this long without one (ms). @defaultValue `15000` */
  heartbeatTimeoutMs?: number;
  /** A health check not answered within this long counts as failed (ms). @defaultValue `heartbeatIntervalMs` */
  healthCheckTimeoutMs?: number;
  /** Consecutive failed health checks that make a worker `unreachable`. @defaultValue `1` */
  unhealthyThreshold?: number;
  /** Consecutive successful health checks that bring an `unreachable` worker back. @defaultValue `1` */
  healthyThreshold?: number;
  /** Reported load (in [0, 1]) at or above which a worker is `overloaded`. @defaultValue `0.9` */
  overloadThreshold?: number;
  /** Reported load at or below which an `overloaded` worker recovers (hysteresis). @defaultValue `overloadThreshold - 0.1` */
  overloadRecoveryThreshold?: number;
  /** How long a {@link WorkerOverloadedError} without `retryAfterMs` keeps the worker `overloaded` (ms). @defaultValue `1000` */
  overloadCooldownMs?: number;
  /** Outlier ejection, or `false` to never eject. @defaultValue `{ consecutiveFailures: 5, baseEjectionTimeMs: 30000, maxEjectionTimeMs: 300000, maxEjectionPercent: 50 }` */
  ejection?: EjectionOptions | false;
  /** Retry and failover limits. */
  retry?: RetryOptions;
  /** Whether a task error (anything but the worker errors) is worth another attempt. @defaultValue `() => false` */
  retryOn?: (error: unknown, task: Task) => boolean;
  /**
   * Envoy's panic threshold, in percent: when fewer than this share of the workers (draining
   * ones not counted) are healthy (`active` or `overloaded`), `unreachable` workers with free
   * slots receive tasks too. `0` turns panic mode off. @defaultValue `0`
   */
  panicThreshold?: number;
  /** Most tasks waiting in the queue; more are rejected with {@link QueueFullError}. @defaultValue `Infinity` */
  maxQueueSize?: number;
  /** Priority aging, or `false`/absent for strict priority. @defaultValue `false` */
  aging?: AgingOptions | false;
  /** Time source and timers. @defaultValue {@link systemClock} */
  clock?: Clock;
  /** Random numbers in [0, 1) for backoff jitter and `'power-of-two'`. @defaultValue `Math.random` */
  random?: () => number;
}

/**
 * Options of `lb.submit(task, options)`.
 *
 * @example
 * ```ts
 * await lb.submit(task, { priority: 10, timeoutMs: 5000, signal: request.signal, maxAttempts: 2, key: task.id });
 * ```
 */
export interface SubmitOptions {
  /** Higher runs first; FIFO among equal priorities. Any finite number (a few distinct levels is best). @defaultValue `0` */
  priority?: number;
  /** Deadline from `submit` (queue time included), ms. @defaultValue no timeout */
  timeoutMs?: number;
  /** Aborts the task (queued or running). */
  signal?: AbortSignal;
  /** Attempts in total for this task. @defaultValue `retry.maxAttempts` */
  maxAttempts?: number;
  /** A label carried into events and the execute context (e.g. a request id). */
  key?: string;
}

/** Options of `lb.removeWorker(id, options)`. */
export interface RemoveWorkerOptions {
  /** Let in-flight tasks finish first (`true`), or fail them over at once (`false`). @defaultValue `true` */
  drain?: boolean;
  /** With `drain`, give up waiting after this long (ms) and fail the rest over. @defaultValue no limit */
  timeoutMs?: number;
}

/** Options of `lb.shutdown(options)`. */
export interface ShutdownOptions {
  /** Finish queued and running tasks first (`true`), or reject them with {@link ShutdownError} at once (`false`). @defaultValue `true` */
  drain?: boolean;
  /** With `drain`, stop waiting after this long (ms) and reject what is left with {@link ShutdownError}. @defaultValue no limit */
  timeoutMs?: number;
}

/** Options after defaults and validation. */
export interface ResolvedOptions<Task> {
  strategy: Strategy;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  healthCheckTimeoutMs: number;
  unhealthyThreshold: number;
  healthyThreshold: number;
  overloadThreshold: number;
  overloadRecoveryThreshold: number;
  overloadCooldownMs: number;
  ejection: Required<EjectionOptions> | false;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  budget: Required<RetryBudgetOptions> | false;
  retryOn: (error: unknown, task: Task) => boolean;
  maxQueueSize: number;
  panicThreshold: number;
  aging: Required<AgingOptions> | false;
  clock: Required<Clock>;
  random: () => number;
}

const strategies: readonly Strategy[] = ['least-loaded', 'power-of-two', 'round-robin', 'weighted'];

function orDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

/**
 * Every key {@link LoadBalancerOptions} accepts; the constructor rejects any other with an
 * `InvalidArgumentError` listing these. Exported for wrappers that pass options through (the
 * `@x/platform` fleet checks its own keys plus these).
 *
 * @example
 * ```ts
 * import { LOAD_BALANCER_OPTION_KEYS } from '@x/load-balancer';
 * LOAD_BALANCER_OPTION_KEYS.includes('maxQueueSize'); // true
 * ```
 */
export const LOAD_BALANCER_OPTION_KEYS: readonly (keyof LoadBalancerOptions)[] = [
  'strategy',
  'heartbeatIntervalMs',
  'heartbeatTimeoutMs',
  'healthCheckTimeoutMs',
  'unhealthyThreshold',
  'healthyThreshold',
  'overloadThreshold',
  'overloadRecoveryThreshold',
  'overloadCooldownMs',
  'ejection',
  'retry',
  'retryOn',
  'panicThreshold',
  'maxQueueSize',
  'aging',
  'clock',
  'random',
];
const EJECTION_KEYS = [
  'consecutiveFailures',
  'baseEjectionTimeMs',
  'maxEjectionTimeMs',
  'maxEjectionPercent',
] as const satisfies ReadonlyArray<keyof EjectionOptions>;
const RETRY_KEYS = ['maxAttempts', 'baseDelayMs', 'maxDelayMs', 'budget'] as const satisfies ReadonlyArray<
  keyof RetryOptions
>;
const BUDGET_KEYS = ['percent', 'minConcurrency'] as const satisfies ReadonlyArray<keyof RetryBudgetOptions>;
const AGING_KEYS = ['intervalMs', 'boost', 'maxBoost'] as const satisfies ReadonlyArray<keyof AgingOptions>;
/** The keys `submit` accepts. */
export const SUBMIT_KEYS = ['priority', 'timeoutMs', 'signal', 'maxAttempts', 'key'] as const satisfies ReadonlyArray<
  keyof SubmitOptions
>;
/** The keys `removeWorker` and `shutdown` accept. */
export const DRAIN_KEYS = ['drain', 'timeoutMs'] as const satisfies ReadonlyArray<keyof ShutdownOptions>;

/** Applies defaults and validates every option, throwing {@link InvalidArgumentError} on bad input. */
export function resolveOptions<Task>(input: LoadBalancerOptions<Task> = {}): ResolvedOptions<Task> {
  const options = expectOptions(
    'options',
    'LoadBalancer',
    input,
    LOAD_BALANCER_OPTION_KEYS,
  ) as LoadBalancerOptions<Task>;
  const strategy = orDefault(options.strategy, 'least-loaded');
  if (!strategies.includes(strategy)) throw invalid('strategy', `one of ${strategies.join(', ')}`, strategy);
  const heartbeatIntervalMs = expectDuration('heartbeatIntervalMs', orDefault(options.heartbeatIntervalMs, 5000), true);
  const heartbeatTimeoutMs = expectDuration('heartbeatTimeoutMs', orDefault(options.heartbeatTimeoutMs, 15000), true);
  const healthCheckTimeoutMs = expectDuration(
    'healthCheckTimeoutMs',
    orDefault(options.healthCheckTimeoutMs, heartbeatIntervalMs),
    true,
  );
  const overloadThreshold = expectFraction('overloadThreshold', orDefault(options.overloadThreshold, 0.9));
  const overloadRecoveryThreshold = expectFraction(
    'overloadRecoveryThreshold',
    orDefault(options.overloadRecoveryThreshold, Math.max(0, overloadThreshold - 0.1)),
  );
  if (overloadRecoveryThreshold > overloadThreshold) {
    throw invalid(
      'overloadRecoveryThreshold',
      `a number from 0 to overloadThreshold (${overloadThreshold})`,
      overloadRecoveryThreshold,
    );
  }
  let ejection: ResolvedOptions<Task>['ejection'] = false;
  if (options.ejection !== false) {
    const e = expectOptions('ejection', 'ejection', orDefault<EjectionOptions>(options.ejection, {}), EJECTION_KEYS);
    ejection = {
      consecutiveFailures: expectInteger('ejection.consecutiveFailures', orDefault(e.consecutiveFailures, 5), 1),
      baseEjectionTimeMs: expectDuration('ejection.baseEjectionTimeMs', orDefault(e.baseEjectionTimeMs, 30000)),
      maxEjectionTimeMs: expectDuration('ejection.maxEjectionTimeMs', orDefault(e.maxEjectionTimeMs, 300000)),
      maxEjectionPercent: expectNumber('ejection.maxEjectionPercent', orDefault(e.maxEjectionPercent, 50), 0),
    };
    if (ejection.maxEjectionPercent > 100) {
      throw invalid('ejection.maxEjectionPercent', 'a number from 0 to 100', ejection.maxEjectionPercent);
    }
  }
  const retry = expectOptions('retry', 'retry', orDefault<RetryOptions>(options.retry, {}), RETRY_KEYS) as RetryOptions;
  let budget: ResolvedOptions<Task>['budget'] = false;
  if (retry.budget !== false) {
    const b = expectOptions(
      'retry.budget',
      'retry.budget',
      orDefault<RetryBudgetOptions>(retry.budget, {}),
      BUDGET_KEYS,
    );
    budget = {
      percent: expectNumber('retry.budget.percent', orDefault(b.percent, 20), 0),
      minConcurrency: expectInteger('retry.budget.minConcurrency', orDefault(b.minConcurrency, 3), 0),
    };
  }
  let aging: ResolvedOptions<Task>['aging'] = false;
  if (options.aging !== undefined && options.aging !== false) {
    const a = expectOptions('aging', 'aging', options.aging, AGING_KEYS);
    aging = {
      intervalMs: expectDuration('aging.intervalMs', a.intervalMs, true),
      boost: expectNumber('aging.boost', orDefault(a.boost, 1), 0),
      maxBoost: orDefault(a.maxBoost as number | undefined, Number.POSITIVE_INFINITY),
    };
    if (typeof aging.maxBoost !== 'number' || !(aging.maxBoost >= 0)) {
      throw invalid('aging.maxBoost', 'a number from 0 and up (Infinity allowed)', a.maxBoost);
    }
  }
  const panicThreshold = orDefault(options.panicThreshold, 0);
  if (typeof panicThreshold !== 'number' || !(panicThreshold >= 0 && panicThreshold <= 100)) {
    throw invalid('panicThreshold', 'a number from 0 to 100', panicThreshold);
  }
  const maxQueueSize = orDefault(options.maxQueueSize, Number.POSITIVE_INFINITY);
  if (maxQueueSize !== Number.POSITIVE_INFINITY) expectInteger('maxQueueSize', maxQueueSize, 0);
  const clock = options.clock === undefined ? systemClock : expectObject('clock', options.clock);
  expectFunction('clock.now', clock.now);
  const resolvedClock: Required<Clock> =
    options.clock === undefined
      ? systemClock
      : {
          now: (clock.now as () => number).bind(clock),
          setTimeout:
            clock.setTimeout === undefined
              ? systemClock.setTimeout
              : expectFunction<Required<Clock>['setTimeout']>('clock.setTimeout', clock.setTimeout).bind(clock),
          clearTimeout:
            clock.clearTimeout === undefined
              ? systemClock.clearTimeout
              : expectFunction<Required<Clock>['clearTimeout']>('clock.clearTimeout', clock.clearTimeout).bind(clock),
        };
  return {
    strategy,
    heartbeatIntervalMs,
    heartbeatTimeoutMs,
    healthCheckTimeoutMs,
    unhealthyThreshold: expectInteger('unhealthyThreshold', orDefault(options.unhealthyThreshold, 1), 1),
    healthyThreshold: expectInteger('healthyThreshold', orDefault(options.healthyThreshold, 1), 1),
    overloadThreshold,
    overloadRecoveryThreshold,
    overloadCooldownMs: expectDuration('overloadCooldownMs', orDefault(options.overloadCooldownMs, 1000)),
    ejection,
    maxAttempts: expectInteger('retry.maxAttempts', orDefault(retry.maxAttempts, 3), 1),
    baseDelayMs: expectDuration('retry.baseDelayMs', orDefault(retry.baseDelayMs, 100)),
    maxDelayMs: expectDuration('retry.maxDelayMs', orDefault(retry.maxDelayMs, 10000)),
    budget,
    retryOn: expectFunction(
      'retryOn',
      orDefault(options.retryOn, () => false),
    ),
    maxQueueSize,
    panicThreshold,
    aging,
    clock: resolvedClock,
    random: expectFunction('random', orDefault(options.random, Math.random)),
  };
}
