import {
  ABORT,
  Attempt,
  CALLER_SIGNAL,
  CURRENT,
  ENQUEUED_AT,
  ON_CALLER_ABORT,
  RESOLVE,
  SEQ,
  STARTED_AT,
  STATE,
  TASK,
  WORKER,
} from './attempt.js';
import {
  QueueFullError,
  RetriesExhaustedError,
  ShutdownError,
  TaskAbortedError,
  WorkerOverloadedError,
  WorkerUnavailableError,
} from './errors.js';
import type { EventHub } from './event-hub.js';
import { KeepAlive } from './keep-alive.js';
import type { ResolvedOptions } from './options.js';
import type { OutlierDetector } from './outlier-detector.js';
import { type Dequeued, PriorityQueue } from './priority-queue.js';
import type { RetryPolicy } from './retry-policy.js';
import { SampleWindow } from './stats.js';
import { TaskState } from './task-state.js';
import type { WorkerEntry } from './worker-entry.js';
import type { HealthHost, WorkerHealth } from './worker-health.js';
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

/**
 * A new promise whose resolve function {@link lastResolve} then returns (its reject function is
 * never kept: see {@link Rejection}). Two calls rather than a pair, so the hot path allocates nothing more.
 */
export function newTaskPromise<Result>(): Promise<Result> {
  return new Promise<Result>(captureResolve as (resolve: (value: Result) => void) => void);
}

/** The resolve function of the promise {@link newTaskPromise} made last. */
export function lastResolve(): Resolve {
  return capturedResolve;
}

/** Counters behind `lb.stats()`. */
export class Counters {
  completed = 0;
  failed = 0;
  retried = 0;
  failovers = 0;
  overloadRequeues = 0;
  timedOut = 0;
  aborted = 0;
  rejectedQueueFull = 0;
  lateResults = 0;
  workerErrors = 0;
  taskErrors = 0;
}

/**
 * Moves tasks from the queue into worker slots and handles what comes back: the priority queue,
 * the picker, slots and attempts, requeues after failures (asking the retry policy), parked
 * tasks, settlement, idle and size waiters, and the keep-alive while work is pending.
 *
 * invariant: every task is in exactly one place until it settles once: queued, parked, running
 * (one current attempt) or waiting out a backoff.
 * invariant: `worker.inFlight <= worker.capacity` (a full worker leaves `active` before the next pick).
 */
export class Dispatcher<Task> implements HealthHost {
  readonly queue = new PriorityQueue();
  /** Requeued tasks waiting for a worker they have not failed on to have a free slot. */
  parked: TaskState[] = [];
  readonly retryWaiting = new Set<TaskState>();
  readonly counters = new Counters();
  readonly waitMs = new SampleWindow();
  readonly runMs = new SampleWindow();
  /** Tasks whose current attempt is running. */
  running = 0;
  readonly #options: ResolvedOptions<Task>;
  readonly #events: EventHub;
  readonly #health: WorkerHealth;
  readonly #outliers: OutlierDetector;
  readonly #retry: RetryPolicy;
  readonly #picker: WorkerPicker;
  readonly #keepAlive: KeepAlive;
  readonly #out: Dequeued = { task: undefined, resolve: undefined, state: undefined, time: 0 };
  readonly #agingInterval: number;
  readonly #agingBoost: number;
  readonly #agingMax: number;
  #attemptIds = 0;
  #seq = 0;
  #sampleCounter = 0;
  #pumping = false;
  #pumpAgain = false;
  /** A task is unsettled, so the keep-alive is held. */
  #busy = false;
  readonly #maxQueueSize: number;
  #idleWaiters: Array<() => void> = [];
  #sizeWaiters: Array<{ limit: number; resolve: () => void }> = [];

  constructor(
    options: ResolvedOptions<Task>,
    events: EventHub,
    health: WorkerHealth,
    outliers: OutlierDetector,
    retry: RetryPolicy,
  ) {
    this.#options = options;
    this.#events = events;
    this.#health = health;
    this.#outliers = outliers;
    this.#retry = retry;
    this.#picker = new WorkerPicker(options.strategy, options.random);
    this.#keepAlive = new KeepAlive(options.clock);
    this.#maxQueueSize = options.maxQueueSize;
    const aging = options.aging;
    this.#agingInterval = aging ? aging.intervalMs : 0;
    this.#agingBoost = aging ? aging.boost : 0;
    this.#agingMax = aging ? aging.maxBoost : 0;
  }

  /** Tasks waiting for a worker: queued or parked. */
  get waiting(): number {
    return this.queue.live + this.parked.length;
  }

  /** Waiting tasks per priority, parked ones included. */
  queuedByPriority(): Record<number, number> {
    const counts = this.queue.countsByPriority();
    for (const state of this.parked) counts[state.priority] = (counts[state.priority] ?? 0) + 1;
    return counts;
  }

  // ---------------------------------------------------------------- intake

  /**
   * Whether a submit must be refused with {@link QueueFullError}: `maxQueueSize` tasks already
   * wait, and (for `maxQueueSize: 0`) no worker has a free slot for it right now.
   */
  full(): boolean {
    const waiting = this.queue.live + this.parked.length;
    if (waiting < this.#maxQueueSize) return false;
    return waiting > 0 || !(this.#health.active > 0 || this.#outliers.panicking());
  }

  /** The hot path of `submit(task)` without options (the caller checked `full()`). */
  submitPlain(task: Task): Promise<unknown> {
    const promise = new Promise<unknown>(captureResolve);
    const resolve = capturedResolve;
    this.queue.push(0, task, resolve, undefined, this.enqueueTime());
    if (!this.#busy) this.#hold();
    if (this.#health.active > 0 || this.#outliers.panicking()) this.pump();
    return promise;
  }

  /**
   * The hot path of `submit(task, { signal })` (no other option but the default attempt limit):
   * when nothing waits and a worker has a free slot, the task is dispatched at once and its
   * attempt listens on the caller's signal, with no per-task state. A task that later has to go
   * back to the queue gets its state then, and the listener moves to it. Returns `undefined`
   * when the task cannot start now (the caller takes the queued path).
   */
  submitNow(task: Task, priority: number, signal: AbortSignal | undefined): Promise<unknown> | undefined {
    if (this.queue.live > 0 || this.parked.length > 0 || this.#health.active === 0) return undefined;
    const worker = this.#picker.pick(this.#health.list, undefined);
    if (worker === undefined) return undefined;
    const promise = new Promise<unknown>(captureResolve);
    const resolve = capturedResolve;
    if (!this.#busy) this.#hold();
    this.#dispatch(worker, task, resolve, undefined, priority, this.enqueueTime(), signal);
    return promise;
  }

  /** Makes a stateless attempt listen on its caller's signal (before `execute` runs). */
  #watchAttempt(attempt: Attempt, signal: AbortSignal): void {
    const onAbort = () => {
      this.counters.aborted++;
      this.#abandonAttempt(attempt, new TaskAbortedError(signal.reason));
    };
    attempt[CALLER_SIGNAL] = signal;
    attempt[ON_CALLER_ABORT] = onAbort;
    signal.addEventListener('abort', onAbort, { once: true });
  }

  /** Makes a task's state listen on its caller's signal: an abort abandons the task wherever it is. */
  watch(state: TaskState, signal: AbortSignal): void {
    state.signal = signal;
    state.onAbort = () => {
      this.counters.aborted++;
      this.abandon(state, new TaskAbortedError(signal.reason));
    };
    signal.addEventListener('abort', state.onAbort, { once: true });
  }

  /**
   * The time a task enters the queue, when it is needed: it feeds aging (always read then) and
   * the waitMs and runMs samples (1 task in 8); NaN otherwise, so most tasks read no clock.
   */
  enqueueTime(): number {
    return this.#agingInterval !== 0 || (this.#sampleCounter++ & 7) === 0 ? this.#options.clock.now() : Number.NaN;
  }

  /** Stops an attempt listening on its caller's signal; returns the signal it listened on. */
  #unwatch(attempt: Attempt): AbortSignal | undefined {
    const signal = attempt[CALLER_SIGNAL];
    if (signal === undefined) return undefined;
    signal.removeEventListener('abort', attempt[ON_CALLER_ABORT]!);
    attempt[CALLER_SIGNAL] = undefined;
    attempt[ON_CALLER_ABORT] = undefined;
    return signal;
  }

  /** The caller of a stateless running task aborted: the attempt stops counting and the task fails. */
  #abandonAttempt(attempt: Attempt, error: Error): void {
    this.#unwatch(attempt);
    if (!attempt[CURRENT]) return;
    this.#stopAttempt(attempt, error);
    this.#reject(attempt[STATE], attempt[RESOLVE], error, attempt.priority, attempt.attempt);
    this.#checkSizeWaiters();
    this.#checkIdle();
  }

  /** A running attempt stops counting (abandoned): its signal aborts, and a draining worker may finish. */
  #stopAttempt(attempt: Attempt, error: Error): void {
    const worker = attempt[WORKER];
    attempt[CURRENT] = false;
    worker.current--;
    this.running--;
    attempt[ABORT](error);
    if (worker.draining && worker.current === 0 && !worker.removed) this.finishRemoval(worker);
  }

  /** Queues a task that has its own state (options were given). */
  submitWithState(state: TaskState, now: number): void {
    this.queue.push(state.priority, state.task, state.resolve, state, now);
    if (!this.#busy) this.#hold();
    if (this.#health.active > 0 || this.#outliers.panicking()) this.pump();
  }

  rejectFull(priority: number, key: string | undefined): Promise<never> {
    this.counters.rejectedQueueFull++;
    this.counters.failed++;
    const error = new QueueFullError(this.#options.maxQueueSize);
    this.#events.emit('queue-full', { maxQueueSize: this.#options.maxQueueSize, priority, key });
    this.#events.emit('task-failed', { error, attempts: 0, priority, key });
    return Promise.reject(error);
  }

  /** A submit whose signal was already aborted. */
  rejectAborted(signal: AbortSignal, priority: number, key: string | undefined): TaskAbortedError {
    this.counters.aborted++;
    this.counters.failed++;
    const error = new TaskAbortedError(signal.reason);
    this.#events.emit('task-failed', { error, attempts: 0, priority, key });
    return error;
  }

  // ---------------------------------------------------------------- dispatch

  /** A worker became usable or unusable: move what can move. */
  workersChanged(): void {
    if (this.queue.live > 0 || this.parked.length > 0) this.pump();
  }

  /** Moves queued tasks to active workers until one of the two runs out. Re-entrant safe. */
  pump(): void {
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    const queue = this.queue;
    const out = this.#out;
    const health = this.#health;
    let settledHere = false;
    try {
      do {
        this.#pumpAgain = false;
        if (this.parked.length > 0) this.#unpark();
        while (queue.live > 0 && (health.active > 0 || this.#outliers.panicking())) {
          const now = this.#agingInterval === 0 ? 0 : this.#options.clock.now();
          const bucket = queue.best(now, this.#agingInterval, this.#agingBoost, this.#agingMax);
          if (bucket === undefined) break;
          const head = bucket.headState();
          if (head?.settled) {
            queue.shift(bucket, out);
            continue;
          }
          const failedOn = head?.failedOn;
          let worker = health.active > 0 ? this.#picker.pick(health.list, failedOn) : undefined;
          if (worker === undefined && failedOn !== undefined) {
            if (this.#retry.hasUntried(head as TaskState, health.list)) {
              // a worker it has not failed on will free a slot: wait for it, out of the way of other tasks
              queue.shift(bucket, out);
              this.#park(head as TaskState);
              continue;
            }
            const state = head as TaskState;
            if (state.attempts >= state.maxAttempts) {
              // every worker in rotation has failed it and its attempts are spent
              queue.shift(bucket, out);
              clearDequeued(out);
              const error = new RetriesExhaustedError(state.attempts, 'max-attempts', state.lastError);
              this.#reject(state, state.resolve as Resolve, error, state.priority, state.attempts);
              settledHere = true;
              continue;
            }
            // every worker in rotation has failed it: any may take the next attempt
            if (health.active > 0) worker = this.#picker.pick(health.list, undefined);
          }
          // panic mode (Envoy): too few healthy workers, so unreachable ones with free slots take work too
          if (worker === undefined && this.#outliers.panicking()) worker = this.#picker.pickUnreachable(health.list);
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
    if (settledHere) this.#checkIdle();
  }

  #park(state: TaskState): void {
    state.where = 'parked';
    this.parked.push(state);
    clearDequeued(this.#out);
  }

  /**
   * Parked tasks go first (they were at the head of the queue): each to a free worker it has not
   * failed on, or back to the queue once no such worker is left in rotation.
   */
  #unpark(): void {
    const health = this.#health;
    const parked = this.parked;
    let kept = 0;
    for (let i = 0; i < parked.length; i++) {
      const state = parked[i] as TaskState;
      if (state.settled) continue;
      const worker = health.active > 0 ? this.#picker.pick(health.list, state.failedOn) : undefined;
      if (worker !== undefined) {
        this.#dispatch(worker, state.task, state.resolve as Resolve, state, state.priority, state.enqueuedAt);
      } else if (!this.#retry.hasUntried(state, health.list)) {
        state.where = 'queued';
        this.queue.pushRequeued(state.priority, state.task, state.resolve, state, state.enqueuedAt);
      } else {
        parked[kept++] = state;
      }
    }
    parked.length = kept;
  }

  #dispatch(
    worker: WorkerEntry,
    task: unknown,
    resolve: Resolve,
    state: TaskState | undefined,
    priority: number,
    enqueuedAt: number,
    signal?: AbortSignal,
  ): void {
    // timing is sampled: tasks submitted without options read the clock 1 time in 8 (NaN otherwise)
    let now = Number.NaN;
    if (!Number.isNaN(enqueuedAt)) {
      now = this.#options.clock.now();
      this.waitMs.add(now - enqueuedAt);
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
    this.running++;
    // invariant: inFlight <= capacity — a full worker leaves `active` before the next pick
    if (worker.inFlight >= worker.capacity && worker.state === 'active') {
      this.#health.flip(worker, 'overloaded', 'at-capacity', !Number.isNaN(now) ? now : this.#options.clock.now());
    }
    if (signal !== undefined) this.#watchAttempt(attempt, signal);
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
      this.running--;
      return true;
    }
    this.counters.lateResults++;
    this.#events.emit('late-result', { workerId: worker.id, attemptId: attempt.attemptId, key: attempt.key, outcome });
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
      now = this.#options.clock.now();
      this.runMs.add(now - startedAt);
    }
    const state = attempt[STATE];
    if (state !== undefined) this.#finish(state);
    else this.#unwatch(attempt);
    this.counters.completed++;
    attempt[RESOLVE](value);
    this.#slotFreed(worker, now);
  }

  #attemptFailed(worker: WorkerEntry, attempt: Attempt, error: unknown): void {
    if (!this.#attemptSettled(worker, attempt, 'rejected')) return;
    if (error instanceof WorkerOverloadedError) {
      this.#health.pushBack(worker, error.retryAfterMs ?? this.#options.overloadCooldownMs);
      this.#requeue(attempt, 'overloaded', error);
    } else if (error instanceof WorkerUnavailableError) {
      this.counters.workerErrors++;
      this.#outliers.workerFailed(worker);
      this.#requeue(attempt, 'failover', error);
    } else {
      // a task error: the worker answered, so it is not failing
      worker.taskErrors++;
      worker.consecutiveFailures = 0;
      this.counters.taskErrors++;
      let retry = false;
      try {
        retry = this.#options.retryOn(error, attempt[TASK] as Task) === true;
      } catch (retryOnError) {
        this.#events.reportError(retryOnError);
      }
      if (retry) {
        this.#requeue(attempt, 'retry', error);
      } else {
        this.#unwatch(attempt);
        this.#reject(attempt[STATE], attempt[RESOLVE], error, attempt.priority, attempt.attempt);
      }
    }
    this.#slotFreed(worker);
  }

  /** A slot of `worker` came free: it may leave `overloaded`, finish draining, take more work. */
  #slotFreed(worker: WorkerEntry, now = Number.NaN): void {
    // `at-capacity` is only the reason while no other condition holds (WorkerHealth.update keeps it so)
    if (worker.state === 'overloaded' && worker.stateReason === 'at-capacity' && worker.inFlight < worker.capacity) {
      // Saturated: no other worker can take the next task, so it goes straight into this slot and
      // the worker never really leaves `at-capacity` (no event, no clock read).
      const refilled =
        this.#health.active === 0 &&
        this.#agingInterval === 0 &&
        !this.#pumping &&
        worker.inFlight === worker.capacity - 1 &&
        this.parked.length === 0 &&
        this.#refill(worker);
      if (!refilled)
        this.#health.flip(worker, 'active', 'recovered', !Number.isNaN(now) ? now : this.#options.clock.now());
    }
    if (worker.draining && worker.current === 0 && !worker.removed) this.finishRemoval(worker);
    if (this.queue.live > 0 || this.parked.length > 0) this.pump();
    else this.#checkIdle();
  }

  /** Dispatches the next live queued task to `worker` (the only possible pick); false if none is queued or it may not go there. */
  #refill(worker: WorkerEntry): boolean {
    const queue = this.queue;
    const out = this.#out;
    while (queue.live > 0) {
      const bucket = queue.best(0, 0, 0, 0);
      if (bucket === undefined) return false;
      const head = bucket.headState();
      if (head !== undefined && !head.settled && head.failedOn !== undefined) return false; // the pump decides
      if (!queue.shift(bucket, out)) continue; // settled while queued
      const { task, resolve, state, time } = out;
      out.task = out.resolve = out.state = undefined;
      this.#dispatch(worker, task, resolve as Resolve, state, bucket.priority, time);
      this.#checkSizeWaiters();
      return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- requeue and failover

  /** Sends a task that left a worker back to the queue (or fails it when the retry policy says no). */
  #requeue(attempt: Attempt, kind: 'retry' | 'failover' | 'overloaded', error: unknown): void {
    let state = attempt[STATE];
    if (state === undefined) {
      state = new TaskState(attempt.priority, undefined, this.#retry.maxAttempts);
      state.attempts = attempt.attempt;
      state.seq = attempt[SEQ];
      state.task = attempt[TASK];
      state.resolve = attempt[RESOLVE];
      state.enqueuedAt = attempt[ENQUEUED_AT];
      attempt[STATE] = state;
      // a task dispatched at once with the caller's signal: the state listens from now on
      const signal = this.#unwatch(attempt);
      if (signal !== undefined) this.watch(state, signal);
    }
    if (state.settled) return;
    state.attempt = null;
    state.lastError = error;
    if (kind === 'overloaded') {
      state.attempts--; // a push-back is not an attempt
    } else {
      this.#retry.failedOn(state, attempt[WORKER]);
      const exhausted = this.#retry.exhausted(state, kind, this.#health.list, this.#tasksActive());
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
    if (kind === 'retry') this.counters.retried++;
    else if (kind === 'failover') this.counters.failovers++;
    else this.counters.overloadRequeues++;
    if (kind !== 'overloaded') this.#retry.startRetrying(state);
    const delayMs = kind === 'retry' ? this.#retry.backoffMs(state.attempts) : 0;
    this.#events.emit('task-retry', {
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
      this.retryWaiting.add(state);
      const waiting = state;
      state.retryTimer = this.#options.clock.setTimeout(() => {
        waiting.retryTimer = undefined;
        this.retryWaiting.delete(waiting);
        if (waiting.settled) return;
        this.#enqueueAgain(waiting);
      }, delayMs);
    } else {
      this.#enqueueAgain(state);
    }
  }

  #enqueueAgain(state: TaskState): void {
    state.where = 'queued';
    this.queue.pushRequeued(state.priority, state.task, state.resolve, state, state.enqueuedAt);
    if (this.#health.active > 0 || this.#outliers.panicking()) this.pump();
  }

  #tasksActive(): number {
    return this.queue.live + this.parked.length + this.running + this.retryWaiting.size;
  }

  /** Abandons every current attempt of `worker` and requeues its tasks (lossless failover). */
  failOverAll(worker: WorkerEntry, error: WorkerUnavailableError): void {
    for (const attempt of worker.currentAttempts()) {
      if (!attempt[CURRENT]) continue;
      attempt[CURRENT] = false;
      worker.current--;
      this.running--;
      attempt[ABORT](error);
      this.#requeue(attempt, 'failover', error);
    }
  }

  /** Takes a worker out of the pool for good and wakes whoever waits for its removal. */
  finishRemoval(worker: WorkerEntry): void {
    if (!this.#health.remove(worker)) return;
    this.#events.emit('worker-removed', { workerId: worker.id });
    for (const resolve of worker.drainWaiters.splice(0)) resolve();
    this.workersChanged(); // parked tasks may have lost the last worker they were waiting for
  }

  // ---------------------------------------------------------------- settlement

  /** The task's deadline passed or its signal aborted: settle it now, wherever it is. */
  abandon(state: TaskState, error: Error): void {
    if (state.settled) return;
    if (state.where === 'queued') this.queue.cancelled(state.priority);
    else if (state.where === 'parked') this.parked.splice(this.parked.indexOf(state), 1);
    else if (state.where === 'retry-wait') {
      this.retryWaiting.delete(state);
      if (state.retryTimer !== undefined) this.#options.clock.clearTimeout(state.retryTimer);
    }
    const attempt = state.attempt;
    if (attempt?.[CURRENT]) this.#stopAttempt(attempt, error);
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
    this.#retry.settled(state);
    state.task = undefined;
    state.resolve = undefined;
    state.failedOn = undefined;
    state.lastError = undefined;
  }

  #reject(state: TaskState | undefined, resolve: Resolve, error: unknown, priority: number, attempts: number): void {
    const key = state?.key;
    if (state !== undefined) this.#finish(state);
    this.counters.failed++;
    resolve(new Rejection(error));
    this.#events.emit('task-failed', { error, attempts, priority, key });
  }

  /** Rejects everything still pending with {@link ShutdownError} and aborts running attempts. */
  forceStop(): void {
    const error = new ShutdownError('Load balancer shut down before the task finished');
    this.queue.clear((_task, resolve, state, priority) => {
      this.#reject(state, resolve as Resolve, error, priority, state?.attempts ?? 0);
    });
    for (const state of this.parked.splice(0)) {
      if (!state.settled) this.#reject(state, state.resolve as Resolve, error, state.priority, state.attempts);
    }
    for (const state of [...this.retryWaiting]) this.abandon(state, error);
    for (const worker of this.#health.list) {
      for (const attempt of worker.currentAttempts()) {
        if (!attempt[CURRENT]) continue;
        attempt[CURRENT] = false;
        worker.current--;
        this.running--;
        attempt[ABORT](error);
        this.#unwatch(attempt);
        this.#reject(attempt[STATE], attempt[RESOLVE], error, attempt.priority, attempt.attempt);
      }
    }
    this.#checkSizeWaiters();
    this.#checkIdle();
  }

  // ---------------------------------------------------------------- idle and size waiters

  isIdle(): boolean {
    return this.queue.live === 0 && this.parked.length === 0 && this.running === 0 && this.retryWaiting.size === 0;
  }

  onIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  onSizeLessThan(limit: number): Promise<void> {
    if (this.waiting < limit) return Promise.resolve();
    return new Promise((resolve) => this.#sizeWaiters.push({ limit, resolve }));
  }

  /** Work arrived: hold the process open until the balancer is idle again. */
  #hold(): void {
    this.#busy = true;
    this.#keepAlive.hold();
  }

  #checkIdle(): void {
    if (!this.isIdle()) return;
    if (this.#busy) {
      this.#busy = false;
      this.#keepAlive.release();
    }
    if (this.#idleWaiters.length > 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
    if (this.#events.wants('idle')) this.#events.emit('idle', {});
  }

  #checkSizeWaiters(): void {
    const waiters = this.#sizeWaiters;
    if (waiters.length === 0) return;
    const size = this.waiting;
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
}

function clearDequeued(out: Dequeued): void {
  out.task = undefined;
  out.resolve = undefined;
  out.state = undefined;
}
