import { type Attempt, CURRENT, NEXT, PREV } from './attempt.js';
import type { Clock } from './clock.js';
import type { WorkerSnapshot, WorkerSpec, WorkerState, WorkerStateReason } from './worker.js';

/**
 * The balancer's bookkeeping for one worker. The state is derived from the flags below by
 * `LoadBalancer` (draining > unreachable > joining > overloaded > active).
 *
 * invariant: `state === 'active'` implies `inFlight < capacity`, so a worker picked for a
 * dispatch always has a free slot and `inFlight <= capacity` holds at all times.
 */
export class WorkerEntry {
  readonly id: string;
  readonly spec: WorkerSpec<unknown, unknown>;
  readonly capacity: number;
  readonly weight: number;
  readonly addedAt: number;
  state: WorkerState;
  stateReason: WorkerStateReason = 'added';
  stateSince: number;
  /** Unsettled `execute` calls, abandoned ones included (the capacity invariant counts these). */
  inFlight = 0;
  /** Current (not abandoned) attempts. */
  current = 0;
  load = 0;
  lastHeartbeatAt: number | undefined = undefined;
  /** Has a health check or has pushed a heartbeat: judged by heartbeat deadlines. */
  monitored: boolean;
  failures = 0;
  consecutiveFailures = 0;
  taskErrors = 0;
  completed = 0;
  ejections = 0;
  // flags the state derives from
  joining: boolean;
  draining = false;
  removed = false;
  unreachable: WorkerStateReason | undefined = undefined;
  ejected = false;
  ejectedAt = 0;
  ejectionTimer: unknown = undefined;
  loadHigh = false;
  /** Pushed back with WorkerOverloadedError until `overloadedUntil`. */
  retryAfter = false;
  overloadedUntil = 0;
  overloadTimer: unknown = undefined;
  // health checks
  checking = false;
  healthFailures = 0;
  healthSuccesses = 0;
  // strategies
  currentWeight = 0;
  // unsettled attempts (doubly linked)
  head: Attempt | null = null;
  // removal
  drainWaiters: Array<() => void> = [];
  drainTimer: unknown = undefined;
  removal: Promise<void> | undefined = undefined;

  constructor(spec: WorkerSpec<unknown, unknown>, weight: number, now: number) {
    this.id = spec.id;
    this.spec = spec;
    this.capacity = spec.capacity;
    this.weight = weight;
    this.addedAt = now;
    this.stateSince = now;
    this.monitored = typeof spec.healthCheck === 'function';
    this.joining = this.monitored;
    this.state = this.joining ? 'joining' : 'active';
  }

  link(attempt: Attempt): void {
    attempt[NEXT] = this.head;
    if (this.head !== null) this.head[PREV] = attempt;
    this.head = attempt;
  }

  unlink(attempt: Attempt): void {
    const prev = attempt[PREV];
    const next = attempt[NEXT];
    if (prev !== null) prev[NEXT] = next;
    else if (this.head === attempt) this.head = next;
    if (next !== null) next[PREV] = prev;
    attempt[PREV] = null;
    attempt[NEXT] = null;
  }

  /** Cancels the worker's drain, ejection and push-back timers. */
  clearTimers(clock: Required<Clock>): void {
    for (const timer of [this.drainTimer, this.ejectionTimer, this.overloadTimer]) {
      if (timer !== undefined) clock.clearTimeout(timer);
    }
    this.drainTimer = this.ejectionTimer = this.overloadTimer = undefined;
  }

  /** Current attempts, oldest dispatch first, collected (the list may change while the caller walks it). */
  currentAttempts(): Attempt[] {
    const list: Attempt[] = [];
    for (let a = this.head; a !== null; a = a[NEXT]) if (a[CURRENT]) list.push(a);
    return list.reverse();
  }

  snapshot(): WorkerSnapshot {
    return {
      id: this.id,
      state: this.state,
      stateReason: this.stateReason,
      stateSince: this.stateSince,
      inFlight: this.inFlight,
      capacity: this.capacity,
      weight: this.weight,
      load: this.load,
      lastHeartbeatAt: this.lastHeartbeatAt,
      failures: this.failures,
      consecutiveFailures: this.consecutiveFailures,
      taskErrors: this.taskErrors,
      completed: this.completed,
      ejections: this.ejections,
    };
  }
}
