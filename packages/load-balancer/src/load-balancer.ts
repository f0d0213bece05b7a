import { Dispatcher, lastResolve, newTaskPromise } from './dispatcher.js';
import {
  DuplicateWorkerError,
  ShutdownError,
  TaskAbortedError,
  TaskTimeoutError,
  UnknownWorkerError,
  WorkerUnavailableError,
} from './errors.js';
import { EventHub } from './event-hub.js';
import type { LoadBalancerEvents, LoadBalancerListener } from './events.js';
import {
  DRAIN_KEYS,
  type LoadBalancerOptions,
  type RemoveWorkerOptions,
  type ResolvedOptions,
  resolveOptions,
  type ShutdownOptions,
  SUBMIT_KEYS,
  type SubmitOptions,
} from './options.js';
import { OutlierDetector } from './outlier-detector.js';
import { RetryPolicy } from './retry-policy.js';
import type { LoadBalancerStats } from './stats.js';
import { TaskState } from './task-state.js';
import {
  expectDuration,
  expectFraction,
  expectFunction,
  expectInteger,
  expectNumber,
  expectOptions,
  invalid,
} from './validation.js';
import type { HealthReport, WorkerSnapshot, WorkerSpec } from './worker.js';
import { WorkerEntry } from './worker-entry.js';
import { WorkerHealth } from './worker-health.js';

const WORKER_KEYS = ['id', 'capacity', 'weight', 'execute', 'healthCheck'] as const satisfies ReadonlyArray<
  keyof WorkerSpec<unknown, unknown>
>;
const REPORT_KEYS = ['load'] as const satisfies ReadonlyArray<keyof HealthReport>;

/**
 * Dispatches tasks to a dynamic set of workers, each with a capacity, keeping track of their
 * health (heartbeats, health checks, outlier ejection) and load, with a priority queue, retries
 * with backoff and a retry budget, and lossless failover.
 *
 * @typeParam Task - what `submit` takes and workers `execute`.
 * @typeParam Result - what `execute` resolves with and `submit` returns.
 *
 * @example
 * ```ts
 * import { LoadBalancer } from '@x/load-balancer';
 *
 * const lb = new LoadBalancer<{ n: number }, number>();
 * lb.addWorker({ id: 'a', capacity: 2, execute: async ({ n }) => n * 2 });
 * lb.addWorker({ id: 'b', capacity: 2, execute: async ({ n }) => n * 2 });
 * console.log(await lb.submit({ n: 21 }, { priority: 5 })); // 42
 * await lb.shutdown();
 * ```
 */
export class LoadBalancer<Task, Result> {
  readonly #options: ResolvedOptions<Task>;
  readonly #events = new EventHub();
  readonly #health: WorkerHealth;
  readonly #outliers: OutlierDetector;
  readonly #dispatcher: Dispatcher<Task>;
  /** No new tasks or workers (shutdown called). */
  #closed = false;
  #shutdown: Promise<void> | undefined = undefined;

  /**
   * @param options - see {@link LoadBalancerOptions}; every field is optional.
   * @throws {@link InvalidArgumentError} when an option has the wrong type or value, or an unknown key.
   */
  constructor(options: LoadBalancerOptions<Task> = {}) {
    this.#options = resolveOptions(options);
    const shared = this.#options as ResolvedOptions<unknown>;
    this.#health = new WorkerHealth(shared, this.#events);
    this.#outliers = new OutlierDetector(shared, this.#health);
    this.#dispatcher = new Dispatcher(
      this.#options,
      this.#events,
      this.#health,
      this.#outliers,
      new RetryPolicy(shared),
    );
    this.#health.connect(this.#dispatcher);
  }

  /** Tasks waiting for a worker (not counting those waiting out a retry backoff). */
  get size(): number {
    return this.#dispatcher.waiting;
  }

  /** Tasks whose current attempt is running. */
  get pending(): number {
    return this.#dispatcher.running;
  }

  // ---------------------------------------------------------------- membership

  /**
   * Registers a worker. Without a `healthCheck` it is `active` at once and starts taking queued
   * tasks immediately; with one it is `joining` until its first check (run at once) succeeds.
   *
   * @throws {@link InvalidArgumentError} for a bad spec (empty id, capacity not an integer ≥ 1, weight ≤ 0, …).
   * @throws {@link DuplicateWorkerError} when the id is already registered.
   * @throws {@link ShutdownError} after `shutdown()`.
   *
   * @example
   * ```ts
   * lb.addWorker({ id: 'w1', capacity: 4, execute: (task, { signal }) => run(task, signal) });
   * ```
   */
  addWorker(spec: WorkerSpec<Task, Result>): void {
    expectOptions('worker', 'addWorker', spec, WORKER_KEYS);
    if (typeof spec.id !== 'string' || spec.id.length === 0) throw invalid('id', 'a non-empty string', spec.id);
    expectInteger('capacity', spec.capacity, 1);
    const weight = spec.weight === undefined ? 1 : expectNumber('weight', spec.weight, 0, true);
    expectFunction('execute', spec.execute);
    if (spec.healthCheck !== undefined) expectFunction('healthCheck', spec.healthCheck);
    if (this.#closed) throw new ShutdownError('Cannot add a worker: the load balancer is shut down');
    if (this.#health.byId.has(spec.id)) throw new DuplicateWorkerError(spec.id);
    const worker = new WorkerEntry(spec as WorkerSpec<unknown, unknown>, weight, this.#options.clock.now());
    this.#health.add(worker);
    this.#events.emit('worker-added', { workerId: worker.id });
    if (worker.joining) this.#health.runHealthCheck(worker);
    else this.#dispatcher.workersChanged();
  }

  /**
   * Removes a worker. With `drain` (the default) it turns `draining`, gets no new tasks and the
   * promise resolves once its running tasks have finished (or `timeoutMs` passed, after which
   * the rest fail over). Without `drain`, its running tasks are aborted and fail over at once.
   *
   * @returns a promise rejected with {@link UnknownWorkerError} for an unknown id.
   *
   * @example
   * ```ts
   * await lb.removeWorker('w1');                   // finish in-flight work first
   * await lb.removeWorker('w2', { drain: false }); // fail its tasks over now
   * ```
   */
  removeWorker(id: string, options: RemoveWorkerOptions = {}): Promise<void> {
    try {
      expectOptions('options', 'removeWorker', options, DRAIN_KEYS);
      const drain = options.drain ?? true;
      if (typeof drain !== 'boolean') throw invalid('drain', 'a boolean', drain);
      const timeoutMs = options.timeoutMs === undefined ? undefined : expectDuration('timeoutMs', options.timeoutMs);
      const worker = this.#health.byId.get(id);
      if (worker === undefined) throw new UnknownWorkerError(String(id));
      const dispatcher = this.#dispatcher;
      if (!drain) {
        worker.draining = true;
        this.#health.update(worker, 'draining');
        dispatcher.failOverAll(worker, new WorkerUnavailableError(`Worker \`${id}\` was removed`));
        dispatcher.finishRemoval(worker);
        return Promise.resolve();
      }
      if (worker.removal !== undefined) return worker.removal;
      worker.draining = true;
      this.#health.update(worker, 'draining');
      worker.removal = new Promise<void>((resolve) => worker.drainWaiters.push(resolve));
      if (timeoutMs !== undefined) {
        worker.drainTimer = this.#options.clock.setTimeout(() => {
          worker.drainTimer = undefined;
          if (worker.removed) return;
          dispatcher.failOverAll(
            worker,
            new WorkerUnavailableError(`Worker \`${id}\` did not drain in ${timeoutMs} ms`),
          );
          dispatcher.finishRemoval(worker);
        }, timeoutMs);
      }
      if (worker.current === 0) dispatcher.finishRemoval(worker);
      else dispatcher.workersChanged(); // parked tasks may have been waiting for it
      return worker.removal;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * A push heartbeat: the worker is alive, optionally with its load in [0, 1]. From its first
   * push on, a worker without a health check is also held to `heartbeatTimeoutMs`. Brings an
   * `unreachable` worker back (unless it is still within an ejection period).
   *
   * @throws {@link UnknownWorkerError} for an unknown id; {@link InvalidArgumentError} for a load outside [0, 1].
   *
   * @example
   * ```ts
   * setInterval(() => lb.heartbeat('w1', { load: currentLoad() }), 1000);
   * ```
   */
  heartbeat(id: string, report: HealthReport = {}): void {
    expectOptions('report', 'heartbeat', report, REPORT_KEYS);
    if (report.load !== undefined) expectFraction('load', report.load);
    const worker = this.#health.byId.get(id);
    if (worker === undefined) throw new UnknownWorkerError(String(id));
    worker.monitored = true;
    this.#health.healthy(worker, report, 'heartbeat');
  }

  // ---------------------------------------------------------------- submit

  /**
   * Queues a task; the promise settles exactly once, with the accepted result or an error:
   * the task's own error (not retried unless `retryOn` says so), {@link QueueFullError},
   * {@link TaskTimeoutError}, {@link TaskAbortedError}, {@link RetriesExhaustedError},
   * {@link ShutdownError}, or {@link InvalidArgumentError} for bad options (e.g. a NaN priority).
   *
   * @example
   * ```ts
   * const result = await lb.submit(task, { priority: 10, timeoutMs: 2000, key: 'req-1' });
   * ```
   */
  submit(task: Task, options?: SubmitOptions): Promise<Result> {
    if (options !== undefined) return this.#submitWithOptions(task, options);
    if (this.#closed) return Promise.reject(new ShutdownError());
    const dispatcher = this.#dispatcher;
    if (dispatcher.full()) return dispatcher.rejectFull(0, undefined);
    return dispatcher.submitPlain(task) as Promise<Result>;
  }

  #submitWithOptions(task: Task, options: SubmitOptions): Promise<Result> {
    try {
      expectOptions('options', 'submit', options, SUBMIT_KEYS);
      const priority = options.priority ?? 0;
      if (typeof priority !== 'number' || !Number.isFinite(priority))
        throw invalid('priority', 'a finite number', priority);
      const timeoutMs =
        options.timeoutMs === undefined ? undefined : expectDuration('timeoutMs', options.timeoutMs, true);
      const maxAttempts =
        options.maxAttempts === undefined
          ? this.#options.maxAttempts
          : expectInteger('maxAttempts', options.maxAttempts, 1);
      if (options.key !== undefined && typeof options.key !== 'string') throw invalid('key', 'a string', options.key);
      const signal = options.signal;
      if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalid('signal', 'an AbortSignal', signal);
      if (this.#closed) throw new ShutdownError();
      const dispatcher = this.#dispatcher;
      if (dispatcher.full()) return dispatcher.rejectFull(priority, options.key);
      if (signal?.aborted) throw dispatcher.rejectAborted(signal, priority, options.key);
      // Nothing that needs a per-task state (no timeout, no key, the default attempt limit): when a
      // worker has a free slot now, the task starts at once and its attempt listens on the signal.
      if (timeoutMs === undefined && options.key === undefined && maxAttempts === this.#options.maxAttempts) {
        const started = dispatcher.submitNow(task, priority, signal);
        if (started !== undefined) return started as Promise<Result>;
      }
      const promise = newTaskPromise<Result>();
      const resolve = lastResolve();
      const state = new TaskState(priority, options.key, maxAttempts);
      state.task = task;
      state.resolve = resolve;
      const now = this.#options.clock.now();
      state.enqueuedAt = now;
      if (timeoutMs !== undefined) {
        state.timeoutTimer = this.#options.clock.setTimeout(() => {
          state.timeoutTimer = undefined;
          dispatcher.counters.timedOut++;
          dispatcher.abandon(state, new TaskTimeoutError(timeoutMs));
        }, timeoutMs);
      }
      if (signal !== undefined) dispatcher.watch(state, signal);
      dispatcher.submitWithState(state, now);
      return promise;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  // ---------------------------------------------------------------- observation

  /**
   * A snapshot of every registered worker (draining ones included).
   *
   * @example
   * ```ts
   * console.table(lb.workers());
   * ```
   */
  workers(): WorkerSnapshot[] {
    return this.#health.list.map((worker) => worker.snapshot());
  }

  /**
   * Counters and latency percentiles.
   *
   * @example
   * ```ts
   * const { queued, completed, failed, waitMs } = lb.stats();
   * ```
   */
  stats(): LoadBalancerStats {
    const dispatcher = this.#dispatcher;
    const counters = dispatcher.counters;
    return {
      panic: this.#outliers.panicking(),
      queued: dispatcher.waiting,
      queuedByPriority: dispatcher.queuedByPriority(),
      waitingRetry: dispatcher.retryWaiting.size,
      inFlight: dispatcher.running,
      completed: counters.completed,
      failed: counters.failed,
      retried: counters.retried,
      failovers: counters.failovers,
      overloadRequeues: counters.overloadRequeues,
      timedOut: counters.timedOut,
      aborted: counters.aborted,
      rejectedQueueFull: counters.rejectedQueueFull,
      lateResults: counters.lateResults,
      workerErrors: counters.workerErrors,
      taskErrors: counters.taskErrors,
      waitMs: dispatcher.waitMs.percentiles(),
      runMs: dispatcher.runMs.percentiles(),
    };
  }

  /**
   * Subscribes to an event; returns a function that unsubscribes. A listener that throws does
   * not disturb the balancer (the error is rethrown asynchronously). No event is emitted once
   * `shutdown()` has resolved.
   *
   * @example
   * ```ts
   * const off = lb.on('worker-state', ({ workerId, from, to, reason }) => console.log(workerId, from, '->', to, reason));
   * off();
   * ```
   */
  on<E extends keyof LoadBalancerEvents>(event: E, listener: LoadBalancerListener<E>): () => void {
    expectFunction('listener', listener);
    this.#events.on(event, listener);
    return () => this.off(event, listener);
  }

  /**
   * Unsubscribes a listener added with {@link LoadBalancer.on}.
   *
   * @example
   * ```ts
   * lb.off('task-failed', onFailed);
   * ```
   */
  off<E extends keyof LoadBalancerEvents>(event: E, listener: LoadBalancerListener<E>): void {
    this.#events.off(event, listener);
  }

  // ---------------------------------------------------------------- backpressure and lifecycle

  /**
   * Resolves when the queue is empty and nothing is running or waiting for a retry.
   *
   * @example
   * ```ts
   * for (const job of jobs) lb.submit(job).catch(log);
   * await lb.onIdle();
   * ```
   */
  onIdle(): Promise<void> {
    return this.#dispatcher.onIdle();
  }

  /**
   * Resolves when fewer than `limit` tasks are queued: wait on it before submitting more to keep
   * memory bounded.
   *
   * @throws {@link InvalidArgumentError} (as a rejection) when `limit` is not an integer ≥ 1.
   *
   * @example
   * ```ts
   * for (const job of hugeList) {
   *   await lb.onSizeLessThan(1000);
   *   lb.submit(job).catch(log);
   * }
   * ```
   */
  onSizeLessThan(limit: number): Promise<void> {
    try {
      expectInteger('limit', limit, 1);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#dispatcher.onSizeLessThan(limit);
  }

  /**
   * Stops the balancer: `submit` rejects with {@link ShutdownError} from now on. With `drain`
   * (the default) queued and running tasks finish first (up to `timeoutMs`); whatever is left
   * then, or everything at once without `drain`, is rejected with {@link ShutdownError} and
   * running attempts are aborted. Heartbeat and health-check timers stop.
   *
   * @example
   * ```ts
   * process.on('SIGTERM', () => lb.shutdown({ timeoutMs: 10_000 }));
   * ```
   */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    try {
      expectOptions('options', 'shutdown', options, DRAIN_KEYS);
      const drain = options.drain ?? true;
      if (typeof drain !== 'boolean') throw invalid('drain', 'a boolean', drain);
      const timeoutMs = options.timeoutMs === undefined ? undefined : expectDuration('timeoutMs', options.timeoutMs);
      // workers stay monitored while draining: a worker that dies mid-drain still fails its tasks over
      this.#closed = true;
      if (!drain) {
        this.#forceStop();
        return Promise.resolve();
      }
      if (this.#shutdown !== undefined) return this.#shutdown;
      const idle = this.#dispatcher.onIdle();
      this.#shutdown =
        timeoutMs === undefined
          ? idle.then(() => this.#stop())
          : new Promise<void>((resolve) => {
              const timer = this.#options.clock.setTimeout(() => {
                this.#forceStop();
                resolve();
              }, timeoutMs);
              idle.then(() => {
                this.#options.clock.clearTimeout(timer);
                this.#stop();
                resolve();
              });
            });
      return this.#shutdown;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Rejects everything still pending with {@link ShutdownError}, then stops. */
  #forceStop(): void {
    this.#dispatcher.forceStop();
    this.#stop();
  }

  /** Stops heartbeats, health checks and worker timers; from now on no event is emitted. */
  #stop(): void {
    this.#health.stop();
    this.#events.close();
  }
}
