import { ABORT, Attempt, CURRENT, ENQUEUED_AT, RESOLVE, SEQ, STARTED_AT, STATE, TASK, WORKER } from './attempt.js';
import { unrefTimer } from './clock.js';
import {
  DuplicateWorkerError,
  QueueFullError,
  RetriesExhaustedError,
  ShutdownError,
  TaskAbortedError,
  TaskTimeoutError,
  UnknownWorkerError,
  WorkerOverloadedError,
  WorkerUnavailableError,
} from './errors.js';
import type { LoadBalancerEvents, LoadBalancerListener } from './events.js';
import {
  type LoadBalancerOptions,
  type RemoveWorkerOptions,
  type ResolvedOptions,
  resolveOptions,
  type ShutdownOptions,
  type SubmitOptions,
} from './options.js';
import { type Dequeued, PriorityQueue } from './priority-queue.js';
import { type LoadBalancerStats, SampleWindow } from './stats.js';
import { TaskState } from './task-state.js';
import { expectFraction, expectFunction, expectInteger, expectNumber, expectObject, invalid } from './validation.js';
import type { HealthReport, WorkerSnapshot, WorkerSpec, WorkerStateReason } from './worker.js';
import { WorkerEntry } from './worker-entry.js';
import { WorkerPicker } from './worker-picker.js';

type Resolve = (value: unknown) => void;

/** Settles a promise as rejected through its resolve function (the reject function is not kept). */
class Rejection {
  readonly #error: unknown;
  constructor(error: unknown) {
    this.#error = error;
  }
  // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose, adopted by the caller's promise
  then(_onFulfilled: unknown, onRejected: (error: unknown) => void): void {
    onRejected(this.#error);
  }
}

let capturedResolve: Resolve = () => {};
function captureResolve(resolve: Resolve): void {
  capturedResolve = resolve;
}

type Listeners = { [E in keyof LoadBalancerEvents]?: Array<LoadBalancerListener<E>> };

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
  readonly #queue = new PriorityQueue();
  readonly #workerMap = new Map<string, WorkerEntry>();
  #workers: WorkerEntry[] = [];
  readonly #picker: WorkerPicker;
  readonly #listeners: Listeners = {};
  readonly #out: Dequeued = { task: undefined, resolve: undefined, state: undefined, time: 0 };
  readonly #waitMs = new SampleWindow();
  readonly #runMs = new SampleWindow();
  readonly #retryWaiting = new Set<TaskState>();
  #agingInterval = 0;
  #agingBoost = 0;
  #agingMax = 0;
  /** Workers in state `active`: when 0 the dispatch loop does not even look. */
  #activeWorkers = 0;
  #running = 0;
  #retriesActive = 0;
  #attemptIds = 0;
  #seq = 0;
  #sampleCounter = 0;
  #pumping = false;
  #pumpAgain = false;
  /** No new tasks or workers (shutdown called). */
  #closed = false;
  /** Shutdown finished: heartbeats, health checks and worker timers are stopped. */
  #stopped = false;
  #shutdown: Promise<void> | undefined = undefined;
  #heartbeatTimer: unknown = undefined;
  #idleWaiters: Array<() => void> = [];
  #sizeWaiters: Array<{ limit: number; resolve: () => void }> = [];
  // counters
  #completed = 0;
  #failed = 0;
  #retried = 0;
  #failovers = 0;
  #overloadRequeues = 0;
  #timedOut = 0;
  #aborted = 0;
  #rejectedQueueFull = 0;
  #lateResults = 0;
  #workerErrors = 0;
  #taskErrors = 0;

  /**
   * @param options - see {@link LoadBalancerOptions}; every field is optional.
   * @throws {@link InvalidArgumentError} when an option has the wrong type or value.
   */
  constructor(options: LoadBalancerOptions<Task> = {}) {
    this.#options = resolveOptions(options);
    this.#picker = new WorkerPicker(this.#options.strategy, this.#options.random);
    if (this.#options.aging) {
      this.#agingInterval = this.#options.aging.intervalMs;
      this.#agingBoost = this.#options.aging.boost;
      this.#agingMax = this.#options.aging.maxBoost;
    }
  }

  /** Tasks waiting in the queue (not counting those waiting out a retry backoff). */
  get size(): number {
    return this.#queue.live;
  }

  /** Tasks whose current attempt is running. */
  get pending(): number {
    return this.#running;
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
    expectObject('worker', spec);
    if (typeof spec.id !== 'string' || spec.id.length === 0) throw invalid('id', 'a non-empty string', spec.id);
    expectInteger('capacity', spec.capacity, 1);
    const weight = spec.weight === undefined ? 1 : expectNumber('weight', spec.weight, 0, true);
    expectFunction('execute', spec.execute);
    if (spec.healthCheck !== undefined) expectFunction('healthCheck', spec.healthCheck);
    if (this.#closed) throw new ShutdownError('Cannot add a worker: the load balancer is shut down');
    if (this.#workerMap.has(spec.id)) throw new DuplicateWorkerError(spec.id);
    const worker = new WorkerEntry(spec as WorkerSpec<unknown, unknown>, weight, this.#now());
    this.#workerMap.set(worker.id, worker);
    this.#workers = [...this.#workers, worker];
    if (worker.state === 'active') this.#activeWorkers++;
    this.#emit('worker-added', { workerId: worker.id });
    this.#ensureHeartbeatTimer();
    if (worker.joining) this.#runHealthCheck(worker);
    else this.#pump();
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
      expectObject('options', options);
      const drain = options.drain ?? true;
      if (typeof drain !== 'boolean') throw invalid('drain', 'a boolean', drain);
      if (options.timeoutMs !== undefined) expectNumber('timeoutMs', options.timeoutMs, 0);
      const worker = this.#workerMap.get(id);
      if (worker === undefined) throw new UnknownWorkerError(String(id));
      if (!drain) {
        worker.draining = true;
        this.#updateState(worker, 'draining');
        this.#failOverAll(worker, new WorkerUnavailableError(`Worker \`${id}\` was removed`));
        this.#finishRemoval(worker);
        return Promise.resolve();
      }
      if (worker.removal !== undefined) return worker.removal;
      worker.draining = true;
      this.#updateState(worker, 'draining');
      worker.removal = new Promise<void>((resolve) => worker.drainWaiters.push(resolve));
      if (options.timeoutMs !== undefined) {
        worker.drainTimer = this.#options.clock.setTimeout(() => {
          worker.drainTimer = undefined;
          if (worker.removed) return;
          this.#failOverAll(
            worker,
            new WorkerUnavailableError(`Worker \`${id}\` did not drain in ${options.timeoutMs} ms`),
          );
          this.#finishRemoval(worker);
        }, options.timeoutMs);
      }
      if (worker.current === 0) this.#finishRemoval(worker);
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
    expectObject('report', report);
    if (report.load !== undefined) expectFraction('load', report.load);
    const worker = this.#workerMap.get(id);
    if (worker === undefined) throw new UnknownWorkerError(String(id));
    worker.monitored = true;
    this.#healthy(worker, report, 'heartbeat');
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
    if (this.#queue.live >= this.#options.maxQueueSize) return this.#rejectFull(0, undefined);
    const promise = new Promise<Result>(captureResolve as (resolve: (value: Result) => void) => void);
    // the enqueue time feeds aging (always read then) and the waitMs sample (1 task in 8)
    const time = this.#agingInterval !== 0 || (this.#sampleCounter++ & 7) === 0 ? this.#now() : Number.NaN;
    this.#queue.push(0, task, capturedResolve, undefined, time);
    if (this.#activeWorkers > 0 || this.#panicking()) this.#pump();
    return promise;
  }

  #submitWithOptions(task: Task, options: SubmitOptions): Promise<Result> {
    try {
      expectObject('options', options);
      const priority = options.priority ?? 0;
      if (typeof priority !== 'number' || !Number.isFinite(priority))
        throw invalid('priority', 'a finite number', priority);
      if (options.timeoutMs !== undefined) expectNumber('timeoutMs', options.timeoutMs, 0, true);
      const maxAttempts =
        options.maxAttempts === undefined
          ? this.#options.maxAttempts
          : expectInteger('maxAttempts', options.maxAttempts, 1);
      if (options.key !== undefined && typeof options.key !== 'string') throw invalid('key', 'a string', options.key);
      const signal = options.signal;
      if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalid('signal', 'an AbortSignal', signal);
      if (this.#closed) throw new ShutdownError();
      if (this.#queue.live >= this.#options.maxQueueSize) return this.#rejectFull(priority, options.key);
      if (signal?.aborted) {
        this.#aborted++;
        this.#failed++;
        const error = new TaskAbortedError(signal.reason);
        this.#emit('task-failed', { error, attempts: 0, priority, key: options.key });
        throw error;
      }
      const promise = new Promise<Result>(captureResolve as (resolve: (value: Result) => void) => void);
      const resolve = capturedResolve;
      const state = new TaskState(priority, options.key, maxAttempts);
      state.task = task;
      state.resolve = resolve;
      const now = this.#now();
      state.enqueuedAt = now;
      if (options.timeoutMs !== undefined) {
        const timeoutMs = options.timeoutMs;
        state.timeoutTimer = this.#options.clock.setTimeout(() => {
          state.timeoutTimer = undefined;
          this.#timedOut++;
          this.#abandon(state, new TaskTimeoutError(timeoutMs));
        }, timeoutMs);
      }
      if (signal !== undefined) {
        state.signal = signal;
        state.onAbort = () => {
          this.#aborted++;
          this.#abandon(state, new TaskAbortedError(signal.reason));
        };
        signal.addEventListener('abort', state.onAbort, { once: true });
      }
      this.#queue.push(priority, task, resolve, state, now);
      if (this.#activeWorkers > 0 || this.#panicking()) this.#pump();
      return promise;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #rejectFull(priority: number, key: string | undefined): Promise<never> {
    this.#rejectedQueueFull++;
    this.#failed++;
    const error = new QueueFullError(this.#options.maxQueueSize);
    this.#emit('queue-full', { maxQueueSize: this.#options.maxQueueSize, priority, key });
    this.#emit('task-failed', { error, attempts: 0, priority, key });
    return Promise.reject(error);
  }

  // ---------------------------------------------------------------- dispatch

  /** Moves queued tasks to active workers until one of the two runs out. Re-entrant safe. */
  #pump(): void {
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    const queue = this.#queue;
    const out = this.#out;
    try {
      do {
        this.#pumpAgain = false;
        while (queue.live > 0 && (this.#activeWorkers > 0 || this.#panicking())) {
          const now = this.#agingInterval === 0 ? 0 : this.#now();
          const bucket = queue.best(now, this.#agingInterval, this.#agingBoost, this.#agingMax);
          if (bucket === undefined) break;
          const head = bucket.headState();
          if (head?.settled) {
            queue.shift(bucket, out);
            continue;
          }
          let worker = this.#activeWorkers > 0 ? this.#picker.pick(this.#workers, head?.avoid) : undefined;
          // panic mode (Envoy): too few healthy workers, so unreachable ones with free slots take work too
          if (worker === undefined && this.#panicking()) worker = this.#picker.pickUnreachable(this.#workers);
          if (worker === undefined) break;
          queue.shift(bucket, out);
          this.#dispatch(worker, out.task, out.resolve as Resolve, out.state, bucket.priority, out.time);
        }
      } while (this.#pumpAgain);
    } finally {
      this.#pumping = false;
      out.task = undefined;
      out.resolve = undefined;
      out.state = undefined;
    }
    this.#checkSizeWaiters();
  }

  #dispatch(
    worker: WorkerEntry,
    task: unknown,
    resolve: Resolve,
    state: TaskState | undefined,
    priority: number,
    enqueuedAt: number,
  ): void {
    // timing is sampled: tasks submitted without options read the clock 1 time in 8 (NaN otherwise)
    let now = Number.NaN;
    if (!Number.isNaN(enqueuedAt)) {
      now = this.#now();
      this.#waitMs.add(now - enqueuedAt);
    }
    const seq = this.#seq++;
    let attemptNo = 1;
    if (state !== undefined) {
      attemptNo = ++state.attempts;
      if (state.seq < 0) state.seq = seq;
      state.where = 'running';
    }
    const attempt = new Attempt(
      task,
      resolve,
      state,
      priority,
      enqueuedAt,
      worker,
      attemptNo,
      ++this.#attemptIds,
      now,
      seq,
    );
    if (state !== undefined) state.attempt = attempt;
    worker.link(attempt);
    worker.inFlight++;
    worker.current++;
    this.#running++;
    // invariant: inFlight <= capacity — a full worker leaves `active` before the next pick
    if (worker.inFlight >= worker.capacity && worker.state === 'active') {
      this.#flip(worker, 'overloaded', 'at-capacity', !Number.isNaN(now) ? now : this.#now());
    }
    this.#run(worker, attempt);
  }

  #run(worker: WorkerEntry, attempt: Attempt): void {
    let pending: Promise<unknown>;
    try {
      pending = Promise.resolve(worker.spec.execute(attempt[TASK], attempt));
    } catch (error) {
      this.#attemptFailed(worker, attempt, error);
      return;
    }
    pending.then(
      (value) => this.#attemptSucceeded(worker, attempt, value),
      (error) => this.#attemptFailed(worker, attempt, error),
    );
  }

  #attemptSettled(worker: WorkerEntry, attempt: Attempt, outcome: 'fulfilled' | 'rejected'): boolean {
    worker.inFlight--;
    worker.unlink(attempt);
    if (attempt[CURRENT]) {
      attempt[CURRENT] = false;
      worker.current--;
      this.#running--;
      return true;
    }
    this.#lateResults++;
    this.#emit('late-result', { workerId: worker.id, attemptId: attempt.attemptId, key: attempt.key, outcome });
    this.#slotFreed(worker);
    return false;
  }

  #attemptSucceeded(worker: WorkerEntry, attempt: Attempt, value: unknown): void {
    if (!this.#attemptSettled(worker, attempt, 'fulfilled')) return;
    worker.completed++;
    worker.consecutiveFailures = 0;
    const startedAt = attempt[STARTED_AT];
    let now = Number.NaN;
    if (!Number.isNaN(startedAt)) {
      now = this.#now();
      this.#runMs.add(now - startedAt);
    }
    const state = attempt[STATE];
    if (state !== undefined) this.#finish(state);
    this.#completed++;
    attempt[RESOLVE](value);
    this.#slotFreed(worker, now);
  }

  #attemptFailed(worker: WorkerEntry, attempt: Attempt, error: unknown): void {
    if (!this.#attemptSettled(worker, attempt, 'rejected')) return;
    if (error instanceof WorkerOverloadedError) {
      this.#overloaded(worker, error.retryAfterMs ?? this.#options.overloadCooldownMs);
      this.#requeue(attempt, 'overloaded', error, false);
    } else if (error instanceof WorkerUnavailableError) {
      worker.failures++;
      worker.consecutiveFailures++;
      this.#workerErrors++;
      this.#maybeEject(worker);
      this.#requeue(attempt, 'failover', error, false);
    } else {
      worker.taskErrors++;
      worker.consecutiveFailures = 0;
      this.#taskErrors++;
      let retry = false;
      try {
        retry = this.#options.retryOn(error, attempt[TASK] as Task) === true;
      } catch (retryOnError) {
        this.#reportListenerError(retryOnError);
      }
      if (retry) {
        this.#requeue(attempt, 'retry', error, true);
      } else {
        this.#reject(attempt[STATE], attempt[RESOLVE], error, attempt.priority, attempt.attempt);
      }
    }
    this.#slotFreed(worker);
  }

  /** A slot of `worker` came free: it may leave `overloaded`, finish draining, take more work. */
  #slotFreed(worker: WorkerEntry, now = Number.NaN): void {
    // `at-capacity` is only the reason while no other condition holds (#updateState keeps it so)
    if (worker.state === 'overloaded' && worker.stateReason === 'at-capacity' && worker.inFlight < worker.capacity) {
      // Saturated: no other worker can take the next task, so it goes straight into this slot and
      // the worker never really leaves `at-capacity` (no event, no clock read).
      const refilled =
        this.#activeWorkers === 0 &&
        this.#agingInterval === 0 &&
        !this.#pumping &&
        worker.inFlight === worker.capacity - 1 &&
        this.#refill(worker);
      if (!refilled) this.#flip(worker, 'active', 'recovered', !Number.isNaN(now) ? now : this.#now());
    }
    if (worker.draining && worker.current === 0 && !worker.removed) this.#finishRemoval(worker);
    if (this.#queue.live > 0) this.#pump();
    else this.#checkIdle();
  }

  /** Dispatches the next live queued task to `worker` (the only possible pick); false if none is queued. */
  #refill(worker: WorkerEntry): boolean {
    const queue = this.#queue;
    const out = this.#out;
    while (queue.live > 0) {
      const bucket = queue.best(0, 0, 0, 0);
      if (bucket === undefined) return false;
      if (!queue.shift(bucket, out)) continue; // settled while queued
      const { task, resolve, state, time } = out;
      out.task = out.resolve = out.state = undefined;
      this.#dispatch(worker, task, resolve as Resolve, state, bucket.priority, time);
      this.#checkSizeWaiters();
      return true;
    }
    return false;
  }

  /**
   * Sends a task that left a worker back to the queue (or fails it when it may not go back).
   * `kind` says why; `budgeted` retries count against the retry budget.
   */
  #requeue(attempt: Attempt, kind: 'retry' | 'failover' | 'overloaded', error: unknown, budgeted: boolean): void {
    let state = attempt[STATE];
    if (state === undefined) {
      state = new TaskState(attempt.priority, undefined, this.#options.maxAttempts);
      state.attempts = attempt.attempt;
      state.seq = attempt[SEQ];
      state.task = attempt[TASK];
      state.resolve = attempt[RESOLVE];
      state.enqueuedAt = attempt[ENQUEUED_AT];
      attempt[STATE] = state;
    }
    if (state.settled) return;
    state.attempt = null;
    if (kind === 'overloaded') {
      state.attempts--; // a push-back is not an attempt
    } else {
      state.avoid = attempt.workerId;
      const exhausted =
        state.attempts >= state.maxAttempts
          ? 'max-attempts'
          : budgeted && !this.#budgetAllows(state)
            ? 'budget'
            : undefined;
      if (exhausted !== undefined) {
        this.#reject(
          state,
          attempt[RESOLVE],
          new RetriesExhaustedError(state.attempts, exhausted, error),
          state.priority,
          state.attempts,
        );
        return;
      }
    }
    if (kind === 'retry') this.#retried++;
    else if (kind === 'failover') this.#failovers++;
    else this.#overloadRequeues++;
    if (!state.retrying && kind !== 'overloaded') {
      state.retrying = true;
      this.#retriesActive++;
    }
    let delayMs = 0;
    if (kind === 'retry') {
      const ceiling = Math.min(this.#options.maxDelayMs, this.#options.baseDelayMs * 2 ** (state.attempts - 1));
      delayMs = this.#options.random() * ceiling;
    }
    this.#emit('task-retry', {
      kind,
      attempt: attempt.attempt,
      attemptId: attempt.attemptId,
      workerId: attempt.workerId,
      error,
      delayMs,
      priority: state.priority,
      key: state.key,
    });
    if (state.settled) return; // a listener may have aborted it
    if (delayMs > 0) {
      state.where = 'retry-wait';
      this.#retryWaiting.add(state);
      const waiting = state;
      state.retryTimer = this.#options.clock.setTimeout(() => {
        waiting.retryTimer = undefined;
        this.#retryWaiting.delete(waiting);
        if (waiting.settled) return;
        this.#enqueueAgain(waiting);
      }, delayMs);
    } else {
      this.#enqueueAgain(state);
    }
  }

  #enqueueAgain(state: TaskState): void {
    state.where = 'queued';
    this.#queue.pushRequeued(state.priority, state.task, state.resolve, state, state.enqueuedAt);
    if (this.#activeWorkers > 0 || this.#panicking()) this.#pump();
  }

  #budgetAllows(state: TaskState): boolean {
    const budget = this.#options.budget;
    if (budget === false || state.retrying) return true;
    const active = this.#queue.live + this.#running + this.#retryWaiting.size + 1;
    return this.#retriesActive < Math.max(budget.minConcurrency, (budget.percent / 100) * active);
  }

  /** The task's deadline passed or its signal aborted: settle it now, wherever it is. */
  #abandon(state: TaskState, error: Error): void {
    if (state.settled) return;
    if (state.where === 'queued') this.#queue.cancelled(state.priority);
    if (state.where === 'retry-wait') {
      this.#retryWaiting.delete(state);
      if (state.retryTimer !== undefined) this.#options.clock.clearTimeout(state.retryTimer);
    }
    const attempt = state.attempt;
    if (attempt?.[CURRENT]) {
      attempt[CURRENT] = false;
      attempt[WORKER].current--;
      this.#running--;
      attempt[ABORT](error);
      const worker = attempt[WORKER];
      if (worker.draining && worker.current === 0 && !worker.removed) this.#finishRemoval(worker);
    }
    this.#reject(state, state.resolve as Resolve, error, state.priority, state.attempts);
    this.#checkSizeWaiters();
    this.#checkIdle();
  }

  /** Clears a task's timers and listeners and marks it settled. */
  #finish(state: TaskState): void {
    state.settled = true;
    state.where = 'done';
    state.attempt = null;
    if (state.timeoutTimer !== undefined) {
      this.#options.clock.clearTimeout(state.timeoutTimer);
      state.timeoutTimer = undefined;
    }
    if (state.signal !== undefined && state.onAbort !== undefined)
      state.signal.removeEventListener('abort', state.onAbort);
    if (state.retrying) {
      state.retrying = false;
      this.#retriesActive--;
    }
    state.task = undefined;
    state.resolve = undefined;
  }

  #reject(state: TaskState | undefined, resolve: Resolve, error: unknown, priority: number, attempts: number): void {
    const key = state?.key;
    if (state !== undefined) this.#finish(state);
    this.#failed++;
    resolve(new Rejection(error));
    this.#emit('task-failed', { error, attempts, priority, key });
  }

  // ---------------------------------------------------------------- worker states

  /**
   * Recomputes a worker's state from its flags and emits `'worker-state'` on a change.
   * Precedence: draining > unreachable > joining > overloaded (retry-after, load, capacity) > active.
   * `reason` names the cause when it is not implied by the flags.
   */
  #updateState(worker: WorkerEntry, reason: WorkerStateReason, now?: number): void {
    if (worker.removed) return;
    let to: WorkerEntry['state'];
    let why: WorkerStateReason = reason;
    if (worker.draining) {
      to = 'draining';
      why = 'draining';
    } else if (worker.unreachable !== undefined) {
      to = 'unreachable';
      why = worker.unreachable;
    } else if (worker.joining) {
      to = 'joining';
    } else if (worker.retryAfter) {
      to = 'overloaded';
      why = 'retry-after';
    } else if (worker.loadHigh) {
      to = 'overloaded';
      why = 'load-high';
    } else if (worker.inFlight >= worker.capacity) {
      to = 'overloaded';
      why = 'at-capacity';
    } else {
      to = 'active';
    }
    const from = worker.state;
    if (from === to && worker.stateReason === why) return;
    if (from === to && to !== 'overloaded') return;
    worker.state = to;
    worker.stateReason = why;
    worker.stateSince = now ?? this.#now();
    if (from === 'active') this.#activeWorkers--;
    if (to === 'active') this.#activeWorkers++;
    if (from !== to) {
      const listeners = this.#listeners['worker-state'];
      if (listeners !== undefined && listeners.length > 0) {
        this.#emit('worker-state', { workerId: worker.id, from, to, reason: why, at: worker.stateSince });
      }
    }
    if (to === 'active' && this.#queue.live > 0) this.#pump();
  }

  /** The hot-path transition between `active` and `overloaded` (`at-capacity`), without recomputing every flag. */
  #flip(worker: WorkerEntry, to: 'active' | 'overloaded', reason: WorkerStateReason, now: number): void {
    const from = worker.state;
    worker.state = to;
    worker.stateReason = reason;
    worker.stateSince = now;
    if (to === 'active') this.#activeWorkers++;
    else this.#activeWorkers--;
    const listeners = this.#listeners['worker-state'];
    if (listeners !== undefined && listeners.length > 0) {
      this.#emit('worker-state', { workerId: worker.id, from, to, reason, at: now });
    }
  }

  #overloaded(worker: WorkerEntry, ms: number): void {
    const until = this.#now() + ms;
    if (worker.retryAfter && until <= worker.overloadedUntil) return;
    worker.retryAfter = true;
    worker.overloadedUntil = until;
    if (worker.overloadTimer !== undefined) this.#options.clock.clearTimeout(worker.overloadTimer);
    worker.overloadTimer = this.#background(() => {
      worker.overloadTimer = undefined;
      worker.retryAfter = false;
      this.#updateState(worker, 'recovered');
    }, ms);
    this.#updateState(worker, 'retry-after');
  }

  #markUnreachable(worker: WorkerEntry, reason: WorkerStateReason): void {
    if (!this.#flagUnreachable(worker, reason)) return;
    this.#failOverAll(worker, new WorkerUnavailableError(`Worker \`${worker.id}\` became unreachable (${reason})`));
    if (this.#queue.live > 0) this.#pump(); // may have started a panic
  }

  /** Marks a worker unreachable without failing its tasks over yet; false if it already was (or is gone). */
  #flagUnreachable(worker: WorkerEntry, reason: WorkerStateReason): boolean {
    if (worker.removed || worker.unreachable !== undefined) return false;
    worker.unreachable = reason;
    worker.healthSuccesses = 0;
    this.#updateState(worker, reason);
    return true;
  }

  /**
   * Panic mode: fewer than `panicThreshold` % of the (non-draining) workers are healthy
   * (`active` or `overloaded`). Then unreachable workers with free slots are used too, rather
   * than piling everything onto the few healthy ones or nothing at all.
   */
  #panicking(): boolean {
    const threshold = this.#options.panicThreshold;
    if (threshold === 0) return false;
    let total = 0;
    let healthy = 0;
    for (const worker of this.#workers) {
      if (worker.draining) continue;
      total++;
      if (worker.state === 'active' || worker.state === 'overloaded') healthy++;
    }
    return total > 0 && healthy * 100 < threshold * total;
  }

  /** Abandons every current attempt of `worker` and requeues its tasks (lossless failover). */
  #failOverAll(worker: WorkerEntry, error: WorkerUnavailableError): void {
    for (const attempt of worker.currentAttempts()) {
      if (!attempt[CURRENT]) continue;
      attempt[CURRENT] = false;
      worker.current--;
      this.#running--;
      attempt[ABORT](error);
      this.#requeue(attempt, 'failover', error, false);
    }
  }

  #maybeEject(worker: WorkerEntry): void {
    const ejection = this.#options.ejection;
    if (ejection === false || worker.removed || worker.draining || worker.unreachable !== undefined) return;
    if (worker.consecutiveFailures < ejection.consecutiveFailures) return;
    let ejected = 0;
    for (const other of this.#workers) if (other.ejected) ejected++;
    const allowed =
      ejection.maxEjectionPercent === 0
        ? 0
        : Math.max(1, Math.floor((this.#workers.length * ejection.maxEjectionPercent) / 100));
    if (ejected >= allowed) return;
    worker.ejections++;
    worker.ejected = true;
    const now = this.#now();
    worker.ejectedAt = now;
    const ms = Math.min(ejection.maxEjectionTimeMs, ejection.baseEjectionTimeMs * worker.ejections);
    worker.ejectionTimer = this.#background(() => {
      worker.ejectionTimer = undefined;
      this.#ejectionExpired(worker);
    }, ms);
    this.#markUnreachable(worker, 'ejected');
  }

  #ejectionExpired(worker: WorkerEntry): void {
    worker.ejected = false;
    if (worker.removed) return;
    if (typeof worker.spec.healthCheck === 'function') {
      this.#runHealthCheck(worker); // comes back on its next successful check
    } else if (worker.monitored) {
      // push heartbeats: back if one arrived during the ejection, else on the next one
      if (worker.lastHeartbeatAt !== undefined && worker.lastHeartbeatAt > worker.ejectedAt) {
        this.#recover(worker, 'ejection-expired');
      }
    } else {
      this.#recover(worker, 'ejection-expired');
    }
  }

  #recover(worker: WorkerEntry, reason: WorkerStateReason): void {
    worker.unreachable = undefined;
    worker.consecutiveFailures = 0;
    worker.healthFailures = 0;
    this.#updateState(worker, reason);
  }

  // ---------------------------------------------------------------- heartbeats

  #ensureHeartbeatTimer(): void {
    if (this.#heartbeatTimer !== undefined || this.#stopped) return;
    this.#heartbeatTimer = this.#background(() => this.#heartbeatTick(), this.#options.heartbeatIntervalMs);
  }

  #heartbeatTick(): void {
    this.#heartbeatTimer = undefined;
    if (this.#stopped || this.#workers.length === 0) return;
    const now = this.#now();
    // first mark every worker that missed its heartbeats, then fail their tasks over, so no task
    // moves to a worker that is about to be declared unreachable in the same tick
    const missed: WorkerEntry[] = [];
    for (const worker of this.#workers) {
      if (worker.removed || !worker.monitored) continue;
      const last = worker.lastHeartbeatAt ?? worker.addedAt;
      if (now - last >= this.#options.heartbeatTimeoutMs && !worker.draining) {
        if (this.#flagUnreachable(worker, 'heartbeat-timeout')) missed.push(worker);
      }
    }
    for (const worker of missed) {
      this.#failOverAll(
        worker,
        new WorkerUnavailableError(`Worker \`${worker.id}\` became unreachable (heartbeat-timeout)`),
      );
    }
    if (missed.length > 0 && this.#queue.live > 0) this.#pump();
    for (const worker of this.#workers) if (!worker.removed) this.#runHealthCheck(worker);
    this.#ensureHeartbeatTimer();
  }

  #runHealthCheck(worker: WorkerEntry): void {
    const check = worker.spec.healthCheck;
    if (typeof check !== 'function' || worker.checking || worker.removed) return;
    worker.checking = true;
    let done = false;
    const timer = this.#background(() => {
      if (done) return;
      done = true;
      worker.checking = false;
      this.#unhealthy(worker);
    }, this.#options.healthCheckTimeoutMs);
    const settle = (result: unknown) => {
      if (done) return;
      done = true;
      worker.checking = false;
      this.#options.clock.clearTimeout(timer);
      if (worker.removed) return;
      if (result === true) this.#healthy(worker, {}, 'health-check-passed');
      else if (typeof result === 'object' && result !== null) {
        const load = (result as HealthReport).load;
        if (load !== undefined && !(typeof load === 'number' && load >= 0 && load <= 1)) this.#unhealthy(worker);
        else this.#healthy(worker, result as HealthReport, 'health-check-passed');
      } else this.#unhealthy(worker);
    };
    new Promise((resolve) => resolve(check.call(worker.spec))).then(settle, () => settle(false));
  }

  #healthy(worker: WorkerEntry, report: HealthReport, reason: WorkerStateReason): void {
    if (worker.removed) return;
    worker.lastHeartbeatAt = this.#now();
    worker.healthFailures = 0;
    worker.healthSuccesses++;
    if (report.load !== undefined) {
      worker.load = report.load;
      if (report.load >= this.#options.overloadThreshold) worker.loadHigh = true;
      else if (report.load <= this.#options.overloadRecoveryThreshold) worker.loadHigh = false;
    }
    if (worker.joining) {
      worker.joining = false;
      if (worker.unreachable === undefined) this.#updateState(worker, reason);
    }
    if (worker.unreachable !== undefined) {
      if (worker.ejected) return; // still within its ejection time
      if (reason === 'health-check-passed' && worker.healthSuccesses < this.#options.healthyThreshold) return;
      this.#recover(worker, reason);
      return;
    }
    this.#updateState(worker, worker.loadHigh ? 'load-high' : 'recovered');
  }

  #unhealthy(worker: WorkerEntry): void {
    if (worker.removed) return;
    worker.healthSuccesses = 0;
    worker.healthFailures++;
    if (worker.joining) {
      worker.joining = false;
      this.#markUnreachable(worker, 'health-check-failed');
      return;
    }
    if (worker.healthFailures >= this.#options.unhealthyThreshold && !worker.draining) {
      this.#markUnreachable(worker, 'health-check-failed');
    }
  }

  #finishRemoval(worker: WorkerEntry): void {
    if (worker.removed) return;
    if (worker.state === 'active') this.#activeWorkers--;
    worker.removed = true;
    const clock = this.#options.clock;
    for (const timer of [worker.drainTimer, worker.ejectionTimer, worker.overloadTimer]) {
      if (timer !== undefined) clock.clearTimeout(timer);
    }
    this.#workerMap.delete(worker.id);
    this.#workers = this.#workers.filter((other) => other !== worker);
    this.#emit('worker-removed', { workerId: worker.id });
    for (const resolve of worker.drainWaiters.splice(0)) resolve();
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
    return this.#workers.map((worker) => worker.snapshot());
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
    return {
      panic: this.#panicking(),
      queued: this.#queue.live,
      queuedByPriority: this.#queue.countsByPriority(),
      waitingRetry: this.#retryWaiting.size,
      inFlight: this.#running,
      completed: this.#completed,
      failed: this.#failed,
      retried: this.#retried,
      failovers: this.#failovers,
      overloadRequeues: this.#overloadRequeues,
      timedOut: this.#timedOut,
      aborted: this.#aborted,
      rejectedQueueFull: this.#rejectedQueueFull,
      lateResults: this.#lateResults,
      workerErrors: this.#workerErrors,
      taskErrors: this.#taskErrors,
      waitMs: this.#waitMs.percentiles(),
      runMs: this.#runMs.percentiles(),
    };
  }

  /**
   * Subscribes to an event; returns a function that unsubscribes. A listener that throws does
   * not disturb the balancer (the error is rethrown asynchronously).
   *
   * @example
   * ```ts
   * const off = lb.on('worker-state', ({ workerId, from, to, reason }) => console.log(workerId, from, '->', to, reason));
   * off();
   * ```
   */
  on<E extends keyof LoadBalancerEvents>(event: E, listener: LoadBalancerListener<E>): () => void {
    expectFunction('listener', listener);
    const listeners = (this.#listeners[event] ?? []) as Array<LoadBalancerListener<E>>;
    (this.#listeners as Record<string, unknown>)[event] = [...listeners, listener];
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
    const listeners = this.#listeners[event] as Array<LoadBalancerListener<E>> | undefined;
    if (listeners === undefined) return;
    (this.#listeners as Record<string, unknown>)[event] = listeners.filter((other) => other !== listener);
  }

  #emit<E extends keyof LoadBalancerEvents>(event: E, payload: LoadBalancerEvents[E]): void {
    const listeners = this.#listeners[event] as Array<LoadBalancerListener<E>> | undefined;
    if (listeners === undefined) return;
    for (const listener of listeners) {
      try {
        listener(payload);
      } catch (error) {
        this.#reportListenerError(error);
      }
    }
  }

  #reportListenerError(error: unknown): void {
    queueMicrotask(() => {
      throw error;
    });
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
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
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
    if (this.#queue.live < limit) return Promise.resolve();
    return new Promise((resolve) => this.#sizeWaiters.push({ limit, resolve }));
  }

  #isIdle(): boolean {
    return this.#queue.live === 0 && this.#running === 0 && this.#retryWaiting.size === 0;
  }

  #checkIdle(): void {
    if (!this.#isIdle()) return;
    if (this.#idleWaiters.length > 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
    if (this.#listeners.idle !== undefined) this.#emit('idle', {});
  }

  #checkSizeWaiters(): void {
    const waiters = this.#sizeWaiters;
    if (waiters.length === 0) return;
    const size = this.#queue.live;
    let ready = false;
    for (const waiter of waiters) {
      if (size < waiter.limit) {
        ready = true;
        break;
      }
    }
    if (!ready) return;
    this.#sizeWaiters = [];
    for (const waiter of waiters) {
      if (size < waiter.limit) waiter.resolve();
      else this.#sizeWaiters.push(waiter);
    }
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
      expectObject('options', options);
      const drain = options.drain ?? true;
      if (typeof drain !== 'boolean') throw invalid('drain', 'a boolean', drain);
      if (options.timeoutMs !== undefined) expectNumber('timeoutMs', options.timeoutMs, 0);
      // workers stay monitored while draining: a worker that dies mid-drain still fails its tasks over
      this.#closed = true;
      if (!drain) {
        this.#forceStop();
        return Promise.resolve();
      }
      if (this.#shutdown !== undefined) return this.#shutdown;
      const idle = this.onIdle();
      const timeoutMs = options.timeoutMs;
      this.#shutdown =
        timeoutMs === undefined
          ? idle.then(() => this.#stopTimers())
          : new Promise<void>((resolve) => {
              const timer = this.#options.clock.setTimeout(() => {
                this.#forceStop();
                resolve();
              }, timeoutMs);
              idle.then(() => {
                this.#options.clock.clearTimeout(timer);
                this.#stopTimers();
                resolve();
              });
            });
      return this.#shutdown;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Rejects everything still pending with {@link ShutdownError} and aborts running attempts. */
  #forceStop(): void {
    const error = new ShutdownError('Load balancer shut down before the task finished');
    this.#queue.clear((_task, resolve, state, priority) => {
      this.#reject(state, resolve as Resolve, error, priority, state?.attempts ?? 0);
    });
    for (const state of [...this.#retryWaiting]) this.#abandon(state, error);
    for (const worker of this.#workers) {
      for (const attempt of worker.currentAttempts()) {
        if (!attempt[CURRENT]) continue;
        attempt[CURRENT] = false;
        worker.current--;
        this.#running--;
        attempt[ABORT](error);
        this.#reject(attempt[STATE], attempt[RESOLVE], error, attempt.priority, attempt.attempt);
      }
    }
    this.#stopTimers();
    this.#checkSizeWaiters();
    this.#checkIdle();
  }

  #stopTimers(): void {
    this.#stopped = true;
    const clock = this.#options.clock;
    if (this.#heartbeatTimer !== undefined) {
      clock.clearTimeout(this.#heartbeatTimer);
      this.#heartbeatTimer = undefined;
    }
    for (const worker of this.#workers) {
      for (const timer of [worker.drainTimer, worker.ejectionTimer, worker.overloadTimer]) {
        if (timer !== undefined) clock.clearTimeout(timer);
      }
      worker.drainTimer = worker.ejectionTimer = worker.overloadTimer = undefined;
    }
  }

  /** A timer for background bookkeeping: it does not keep the process alive. */
  #background(callback: () => void, ms: number): unknown {
    return unrefTimer(this.#options.clock.setTimeout(callback, ms));
  }

  #now(): number {
    return this.#options.clock.now();
  }
}
