import { unrefTimer } from './clock.js';
import { WorkerUnavailableError } from './errors.js';
import type { EventHub } from './event-hub.js';
import type { ResolvedOptions } from './options.js';
import type { HealthReport, WorkerStateReason } from './worker.js';
import type { WorkerEntry } from './worker-entry.js';

/** What worker health needs from the dispatcher: moving a worker's tasks away, and a nudge when workers changed. */
export interface HealthHost {
  /** Abandons every current attempt of `worker` and requeues its tasks (lossless failover). */
  failOverAll(worker: WorkerEntry, error: WorkerUnavailableError): void;
  /** A worker became usable or unusable: queued and parked tasks may move. */
  workersChanged(): void;
}

/**
 * The registered workers and their health: the state machine (joining, active, overloaded,
 * unreachable, draining), heartbeat deadlines, active health checks and push-back (429) periods.
 * It decides whether a worker may receive work; the dispatcher decides which one does.
 *
 * invariant: `active` equals the number of workers in state `active`, and a worker in state
 * `active` has a free slot (`inFlight < capacity`).
 */
export class WorkerHealth {
  /** Every registered worker (draining ones included), in registration order. Replaced, never mutated. */
  list: WorkerEntry[] = [];
  readonly byId = new Map<string, WorkerEntry>();
  /** Workers in state `active`: when 0 the dispatch loop does not even look. */
  active = 0;
  readonly #options: ResolvedOptions<unknown>;
  readonly #events: EventHub;
  #host: HealthHost | undefined = undefined;
  #heartbeatTimer: unknown = undefined;
  /** Shutdown finished: no heartbeat or health check runs any more. */
  #stopped = false;

  constructor(options: ResolvedOptions<unknown>, events: EventHub) {
    this.#options = options;
    this.#events = events;
  }

  connect(host: HealthHost): void {
    this.#host = host;
  }

  add(worker: WorkerEntry): void {
    this.byId.set(worker.id, worker);
    this.list = [...this.list, worker];
    if (worker.state === 'active') this.active++;
    this.#ensureHeartbeatTimer();
  }

  /** Takes a worker out for good (its timers too); false if it already was. */
  remove(worker: WorkerEntry): boolean {
    if (worker.removed) return false;
    if (worker.state === 'active') this.active--;
    worker.removed = true;
    worker.clearTimers(this.#options.clock);
    this.byId.delete(worker.id);
    this.list = this.list.filter((other) => other !== worker);
    return true;
  }

  /** Stops heartbeats, health checks and every worker timer (shutdown). */
  stop(): void {
    this.#stopped = true;
    if (this.#heartbeatTimer !== undefined) {
      this.#options.clock.clearTimeout(this.#heartbeatTimer);
      this.#heartbeatTimer = undefined;
    }
    for (const worker of this.list) worker.clearTimers(this.#options.clock);
  }

  // ---------------------------------------------------------------- the state machine

  /**
   * Recomputes a worker's state from its flags and emits `'worker-state'` on a change.
   * Precedence: draining > unreachable > joining > overloaded (retry-after, load, capacity) > active.
   * `reason` names the cause when it is not implied by the flags.
   */
  update(worker: WorkerEntry, reason: WorkerStateReason, now?: number): void {
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
    worker.stateSince = now ?? this.#options.clock.now();
    if (from === 'active') this.active--;
    if (to === 'active') this.active++;
    if (from !== to && this.#events.wants('worker-state')) {
      this.#events.emit('worker-state', { workerId: worker.id, from, to, reason: why, at: worker.stateSince });
    }
    if (to === 'active') this.#host?.workersChanged();
  }

  /** The hot-path transition between `active` and `overloaded` (`at-capacity`), without recomputing every flag. */
  flip(worker: WorkerEntry, to: 'active' | 'overloaded', reason: WorkerStateReason, now: number): void {
    const from = worker.state;
    worker.state = to;
    worker.stateReason = reason;
    worker.stateSince = now;
    if (to === 'active') this.active++;
    else this.active--;
    if (this.#events.wants('worker-state')) {
      this.#events.emit('worker-state', { workerId: worker.id, from, to, reason, at: now });
    }
  }

  /** The worker pushed back (a 429): `overloaded` for `ms`, then back by itself. */
  pushBack(worker: WorkerEntry, ms: number): void {
    const until = this.#options.clock.now() + ms;
    if (worker.retryAfter && until <= worker.overloadedUntil) return;
    worker.retryAfter = true;
    worker.overloadedUntil = until;
    if (worker.overloadTimer !== undefined) this.#options.clock.clearTimeout(worker.overloadTimer);
    worker.overloadTimer = this.#background(() => {
      worker.overloadTimer = undefined;
      worker.retryAfter = false;
      this.update(worker, 'recovered');
    }, ms);
    this.update(worker, 'retry-after');
  }

  /** Declares a worker unreachable and fails its tasks over. */
  markUnreachable(worker: WorkerEntry, reason: WorkerStateReason): void {
    if (!this.#flagUnreachable(worker, reason)) return;
    this.#host?.failOverAll(
      worker,
      new WorkerUnavailableError(`Worker \`${worker.id}\` became unreachable (${reason})`),
    );
    this.#host?.workersChanged(); // may have started a panic
  }

  /** Marks a worker unreachable without failing its tasks over yet; false if it already was (or is gone). */
  #flagUnreachable(worker: WorkerEntry, reason: WorkerStateReason): boolean {
    if (worker.removed || worker.unreachable !== undefined) return false;
    worker.unreachable = reason;
    worker.healthSuccesses = 0;
    this.update(worker, reason);
    return true;
  }

  recover(worker: WorkerEntry, reason: WorkerStateReason): void {
    worker.unreachable = undefined;
    worker.consecutiveFailures = 0;
    worker.healthFailures = 0;
    this.update(worker, reason);
  }

  /** An ejection ended: the worker comes back now, or on its next heartbeat or successful check. */
  ejectionExpired(worker: WorkerEntry): void {
    worker.ejected = false;
    if (worker.removed) return;
    if (typeof worker.spec.healthCheck === 'function') {
      this.runHealthCheck(worker); // comes back on its next successful check
    } else if (worker.monitored) {
      // push heartbeats: back if one arrived during the ejection, else on the next one
      if (worker.lastHeartbeatAt !== undefined && worker.lastHeartbeatAt > worker.ejectedAt) {
        this.recover(worker, 'ejection-expired');
      }
    } else {
      this.recover(worker, 'ejection-expired');
    }
  }

  // ---------------------------------------------------------------- heartbeats and health checks

  /** A push heartbeat (or a passed check): the worker is alive, optionally with its load. */
  healthy(worker: WorkerEntry, report: HealthReport, reason: WorkerStateReason): void {
    if (worker.removed) return;
    worker.lastHeartbeatAt = this.#options.clock.now();
    worker.healthFailures = 0;
    worker.healthSuccesses++;
    if (report.load !== undefined) {
      worker.load = report.load;
      if (report.load >= this.#options.overloadThreshold) worker.loadHigh = true;
      else if (report.load <= this.#options.overloadRecoveryThreshold) worker.loadHigh = false;
    }
    if (worker.joining) {
      worker.joining = false;
      if (worker.unreachable === undefined) this.update(worker, reason);
    }
    if (worker.unreachable !== undefined) {
      if (worker.ejected) return; // still within its ejection time
      if (reason === 'health-check-passed' && worker.healthSuccesses < this.#options.healthyThreshold) return;
      this.recover(worker, reason);
      return;
    }
    this.update(worker, worker.loadHigh ? 'load-high' : 'recovered');
  }

  #unhealthy(worker: WorkerEntry): void {
    if (worker.removed) return;
    worker.healthSuccesses = 0;
    worker.healthFailures++;
    if (worker.joining) {
      worker.joining = false;
      this.markUnreachable(worker, 'health-check-failed');
      return;
    }
    if (worker.healthFailures >= this.#options.unhealthyThreshold && !worker.draining) {
      this.markUnreachable(worker, 'health-check-failed');
    }
  }

  #ensureHeartbeatTimer(): void {
    if (this.#heartbeatTimer !== undefined || this.#stopped) return;
    this.#heartbeatTimer = this.#background(() => this.#heartbeatTick(), this.#options.heartbeatIntervalMs);
  }

  #heartbeatTick(): void {
    this.#heartbeatTimer = undefined;
    if (this.#stopped || this.list.length === 0) return;
    const now = this.#options.clock.now();
    // first mark every worker that missed its heartbeats, then fail their tasks over, so no task
    // moves to a worker that is about to be declared unreachable in the same tick
    const missed: WorkerEntry[] = [];
    for (const worker of this.list) {
      if (worker.removed || !worker.monitored) continue;
      const last = worker.lastHeartbeatAt ?? worker.addedAt;
      if (now - last >= this.#options.heartbeatTimeoutMs && !worker.draining) {
        if (this.#flagUnreachable(worker, 'heartbeat-timeout')) missed.push(worker);
      }
    }
    for (const worker of missed) {
      this.#host?.failOverAll(
        worker,
        new WorkerUnavailableError(`Worker \`${worker.id}\` became unreachable (heartbeat-timeout)`),
      );
    }
    if (missed.length > 0) this.#host?.workersChanged();
    for (const worker of this.list) if (!worker.removed) this.runHealthCheck(worker);
    this.#ensureHeartbeatTimer();
  }

  runHealthCheck(worker: WorkerEntry): void {
    const check = worker.spec.healthCheck;
    if (typeof check !== 'function' || worker.checking || worker.removed || this.#stopped) return;
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
      if (worker.removed || this.#stopped) return;
      if (result === true) this.healthy(worker, {}, 'health-check-passed');
      else if (typeof result === 'object' && result !== null) {
        const load = (result as HealthReport).load;
        if (load !== undefined && !(typeof load === 'number' && load >= 0 && load <= 1)) this.#unhealthy(worker);
        else this.healthy(worker, result as HealthReport, 'health-check-passed');
      } else this.#unhealthy(worker);
    };
    new Promise((resolve) => resolve(check.call(worker.spec))).then(settle, () => settle(false));
  }

  /**
   * A timer for health bookkeeping: it does not keep the process alive by itself (while tasks
   * are pending, the dispatcher's keep-alive does).
   */
  #background(callback: () => void, ms: number): unknown {
    return unrefTimer(this.#options.clock.setTimeout(callback, ms));
  }

  /** Exposed to the outlier detector, which schedules ejection periods the same way. */
  background(callback: () => void, ms: number): unknown {
    return this.#background(callback, ms);
  }
}
