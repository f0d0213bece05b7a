/**
 * What a worker's `execute` receives besides the task.
 *
 * @example
 * ```ts
 * lb.addWorker({
 *   id: 'a', capacity: 2,
 *   execute: async (task, { signal, attempt, workerId }) => fetchSomething(task, { signal }),
 * });
 * ```
 */
export interface ExecuteContext {
  /**
   * Aborted when the attempt no longer counts: the task timed out, its caller aborted, the
   * worker was declared unreachable or removed without draining, or the balancer shut down.
   * `signal.reason` says which (a {@link LoadBalancerError} subclass).
   */
  readonly signal: AbortSignal;
  /**
   * Calls `listener` once, with the same reason as `signal`, when the attempt no longer counts (at
   * once if it already does not). For executors that own their cancellation: unlike reading
   * `signal`, it creates no `AbortController` for the attempt. One listener per attempt; a second
   * call replaces the first.
   */
  onAbort(listener: (reason: unknown) => void): void;
  /** 1 for the first attempt of this task, 2 for the first retry or failover, and so on. */
  readonly attempt: number;
  /** Unique id of this dispatch (attempt) across the balancer; a late result of an abandoned attempt is ignored. */
  readonly attemptId: number;
  /** The id of the worker running this attempt. */
  readonly workerId: string;
  /** The task's priority as submitted. */
  readonly priority: number;
  /** The task's `key` as submitted, if any. */
  readonly key: string | undefined;
}

/** What a `healthCheck` may report besides "healthy": a load in [0, 1]. */
export interface HealthReport {
  /** The worker's own load estimate in [0, 1]; at or above `overloadThreshold` makes it `overloaded`. */
  load?: number;
}

/**
 * A worker: something that runs tasks, up to `capacity` at a time. In-process handlers and
 * remote services alike (see `httpWorker`).
 *
 * @example
 * ```ts
 * lb.addWorker({
 *   id: 'resize-1',
 *   capacity: 4,
 *   weight: 2,
 *   execute: (image, { signal }) => resize(image, { signal }),
 *   healthCheck: async () => ({ load: os.loadavg()[0] / os.cpus().length }),
 * });
 * ```
 */
export interface WorkerSpec<Task, Result> {
  /** Unique id among the balancer's workers. */
  readonly id: string;
  /** The most tasks this worker runs at once: an integer from 1 up. Never exceeded. */
  readonly capacity: number;
  /** Relative share for the `'weighted'` strategy: a number above 0. @defaultValue `1` */
  readonly weight?: number;
  /**
   * Runs one task. Throw {@link WorkerUnavailableError} when the worker (not the task) failed,
   * {@link WorkerOverloadedError} to push back ("429"); anything else is a task error.
   */
  execute(task: Task, context: ExecuteContext): Promise<Result>;
  /**
   * Optional active health check, called on joining and every `heartbeatIntervalMs` (with a
   * `healthCheckTimeoutMs` timeout). `true` or an object = healthy (a heartbeat); `false`, a
   * throw or a timeout = failed. A worker with a health check becomes `unreachable` after
   * `heartbeatTimeoutMs` without a successful one.
   */
  healthCheck?(): Promise<boolean | HealthReport>;
}

/**
 * A worker's state.
 * - `joining`: added with a `healthCheck` that has not answered yet; gets no tasks.
 * - `active`: receives tasks.
 * - `overloaded`: at capacity, or reported load ≥ `overloadThreshold`, or pushed back with
 *   {@link WorkerOverloadedError}; gets no new tasks. A capacity signal, not a failure.
 * - `unreachable`: missed heartbeats, failed health checks or ejected after consecutive
 *   worker errors; gets no tasks until a successful heartbeat/health check (or, for a worker
 *   with neither, until its ejection time has passed).
 * - `draining`: being removed; finishes its in-flight tasks and gets no new ones.
 */
export type WorkerState = 'joining' | 'active' | 'overloaded' | 'unreachable' | 'draining';

/**
 * Why a worker changed state, carried by every `'worker-state'` event.
 */
export type WorkerStateReason =
  | 'added'
  | 'health-check-passed'
  | 'health-check-failed'
  | 'heartbeat'
  | 'heartbeat-timeout'
  | 'ejected'
  | 'ejection-expired'
  | 'at-capacity'
  | 'load-high'
  | 'retry-after'
  | 'recovered'
  | 'draining';

/**
 * A point-in-time copy of one worker's bookkeeping, from `lb.workers()`.
 *
 * @example
 * ```ts
 * for (const w of lb.workers()) console.log(w.id, w.state, `${w.inFlight}/${w.capacity}`);
 * ```
 */
export interface WorkerSnapshot {
  /** The worker's id, as given to `addWorker`. */
  readonly id: string;
  /** Its current state: only `active` workers get new tasks (see {@link WorkerState}). */
  readonly state: WorkerState;
  /** Why it is in that state. */
  readonly stateReason: WorkerStateReason;
  /** When it entered that state (clock time, ms). */
  readonly stateSince: number;
  /** `execute` calls started on it and not yet settled (abandoned attempts included). */
  readonly inFlight: number;
  /** The most tasks it runs at once, as given to `addWorker`. */
  readonly capacity: number;
  /** Its relative share under the `'weighted'` strategy, as given to `addWorker` (default `1`). */
  readonly weight: number;
  /** Last reported load in [0, 1] (0 until one is reported). */
  readonly load: number;
  /** Clock time of the last successful heartbeat or health check, `undefined` if none yet. */
  readonly lastHeartbeatAt: number | undefined;
  /** Worker (infrastructure) errors in total: {@link WorkerUnavailableError}s thrown by `execute`. */
  readonly failures: number;
  /** Worker errors in a row since the last success; reaching `ejection.consecutiveFailures` ejects it. */
  readonly consecutiveFailures: number;
  /** Task errors thrown by `execute` (not counted against the worker's health). */
  readonly taskErrors: number;
  /** Attempts that returned a result that was accepted. */
  readonly completed: number;
  /** How many times it has been ejected. */
  readonly ejections: number;
}
