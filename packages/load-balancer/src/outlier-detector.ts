import type { ResolvedOptions } from './options.js';
import type { WorkerEntry } from './worker-entry.js';
import type { WorkerHealth } from './worker-health.js';

/**
 * Outlier detection (Envoy's name): ejects a worker after `ejection.consecutiveFailures` worker
 * errors in a row, for a period that grows with each ejection, and decides panic mode (too few
 * healthy workers, so unreachable ones take work too).
 *
 * invariant: a worker that keeps failing is ejected whenever another worker in rotation is
 * healthy (its last attempt succeeded); `maxEjectionPercent` only keeps failing workers in rotation when every worker left in
 * rotation is failing too (then ejecting more would only empty the pool).
 */
export class OutlierDetector {
  readonly #options: ResolvedOptions<unknown>;
  readonly #health: WorkerHealth;

  constructor(options: ResolvedOptions<unknown>, health: WorkerHealth) {
    this.#options = options;
    this.#health = health;
  }

  /** `execute` threw {@link WorkerUnavailableError}: count it, and eject the worker if it keeps failing. */
  workerFailed(worker: WorkerEntry): void {
    worker.failures++;
    worker.consecutiveFailures++;
    const ejection = this.#options.ejection;
    if (ejection === false || worker.removed || worker.draining || worker.unreachable !== undefined) return;
    if (worker.consecutiveFailures < ejection.consecutiveFailures) return;
    if (!this.#mayEject(worker, ejection.maxEjectionPercent)) return;
    worker.ejections++;
    worker.ejected = true;
    worker.ejectedAt = this.#options.clock.now();
    const ms = Math.min(ejection.maxEjectionTimeMs, ejection.baseEjectionTimeMs * worker.ejections);
    worker.ejectionTimer = this.#health.background(() => {
      worker.ejectionTimer = undefined;
      this.#health.ejectionExpired(worker);
    }, ms);
    this.#health.markUnreachable(worker, 'ejected');
  }

  #mayEject(worker: WorkerEntry, maxEjectionPercent: number): boolean {
    if (maxEjectionPercent === 0) return false;
    const workers = this.#health.list;
    let ejected = 0;
    let healthyOther = false;
    for (const other of workers) {
      if (other.ejected) ejected++;
      else if (
        other !== worker &&
        other.completed > 0 &&
        other.consecutiveFailures === 0 &&
        (other.state === 'active' || other.state === 'overloaded')
      ) {
        healthyOther = true;
      }
    }
    if (healthyOther) return true; // the cap protects the pool only when the rest are failing too
    const allowed = Math.max(1, Math.floor((workers.length * maxEjectionPercent) / 100));
    return ejected < allowed;
  }

  /**
   * Panic mode: fewer than `panicThreshold` % of the (non-draining) workers are healthy
   * (`active` or `overloaded`). Then unreachable workers with free slots are used too, rather
   * than piling everything onto the few healthy ones or nothing at all.
   */
  panicking(): boolean {
    const threshold = this.#options.panicThreshold;
    if (threshold === 0) return false;
    let total = 0;
    let healthy = 0;
    for (const worker of this.#health.list) {
      if (worker.draining) continue;
      total++;
      if (worker.state === 'active' || worker.state === 'overloaded') healthy++;
    }
    return total > 0 && healthy * 100 < threshold * total;
  }
}
