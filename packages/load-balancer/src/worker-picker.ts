import type { Strategy } from './options.js';
import type { WorkerEntry } from './worker-entry.js';

/**
 * Chooses an `active` worker for the next dispatch according to the strategy. Workers are few,
 * so each pick is a scan of the worker list without allocation.
 *
 * - `exclude` (the workers the task already failed on) are never picked; the dispatcher decides
 *   what happens when nothing else is free.
 * - Picks weigh recent failures: a worker whose last attempts failed (`consecutiveFailures > 0`)
 *   is picked only when no worker without failures can take the task, so a worker that fails
 *   instantly (and so always has free slots) does not soak up the work.
 */
export class WorkerPicker {
  readonly #strategy: Strategy;
  readonly #random: () => number;
  #cursor = 0;

  constructor(strategy: Strategy, random: () => number) {
    this.#strategy = strategy;
    this.#random = random;
  }

  pick(workers: readonly WorkerEntry[], exclude: readonly WorkerEntry[] | undefined): WorkerEntry | undefined {
    switch (this.#strategy) {
      case 'least-loaded':
        return this.#leastLoaded(workers, exclude);
      case 'power-of-two':
        return this.#powerOfTwo(workers, exclude, false) ?? this.#powerOfTwo(workers, exclude, true);
      case 'round-robin':
        return this.#roundRobin(workers, exclude, false) ?? this.#roundRobin(workers, exclude, true);
      case 'weighted':
        return this.#weighted(workers, exclude, false) ?? this.#weighted(workers, exclude, true);
    }
  }

  /** Panic mode: the least-loaded `unreachable` worker that has a free slot. */
  pickUnreachable(workers: readonly WorkerEntry[]): WorkerEntry | undefined {
    let best: WorkerEntry | undefined;
    let bestScore = Number.POSITIVE_INFINITY;
    for (const worker of workers) {
      if (worker.state !== 'unreachable' || worker.inFlight >= worker.capacity) continue;
      const score = worker.inFlight / worker.capacity;
      if (score < bestScore) {
        best = worker;
        bestScore = score;
      }
    }
    return best;
  }

  #leastLoaded(workers: readonly WorkerEntry[], exclude: readonly WorkerEntry[] | undefined): WorkerEntry | undefined {
    const n = workers.length;
    if (n === 0) return undefined;
    let best: WorkerEntry | undefined;
    let bestScore = Number.POSITIVE_INFINITY;
    // start the scan at a rotating index so ties spread over the workers
    let index = this.#cursor < n ? this.#cursor : 0;
    this.#cursor = index + 1;
    for (let k = 0; k < n; k++, index++) {
      if (index === n) index = 0;
      const worker = workers[index] as WorkerEntry;
      if (worker.state !== 'active' || exclude?.includes(worker)) continue;
      // a failing worker scores at least 1, above every worker without failures that has a free slot
      const score = worker.inFlight / worker.capacity + worker.load * 1e-3 + worker.consecutiveFailures;
      if (score < bestScore) {
        best = worker;
        bestScore = score;
      }
    }
    return best;
  }

  #eligible(worker: WorkerEntry, exclude: readonly WorkerEntry[] | undefined, failing: boolean): boolean {
    return (
      worker.state === 'active' &&
      (failing || worker.consecutiveFailures === 0) &&
      (exclude === undefined || !exclude.includes(worker))
    );
  }

  #powerOfTwo(
    workers: readonly WorkerEntry[],
    exclude: readonly WorkerEntry[] | undefined,
    failing: boolean,
  ): WorkerEntry | undefined {
    let count = 0;
    for (const worker of workers) if (this.#eligible(worker, exclude, failing)) count++;
    if (count === 0) return undefined;
    const i = Math.floor(this.#random() * count);
    const a = this.#nth(workers, exclude, failing, i);
    if (count === 1) return a;
    let j = Math.floor(this.#random() * (count - 1));
    if (j >= i) j++;
    const b = this.#nth(workers, exclude, failing, j);
    if (a === undefined || b === undefined) return a ?? b;
    return score(b) < score(a) ? b : a;
  }

  #nth(
    workers: readonly WorkerEntry[],
    exclude: readonly WorkerEntry[] | undefined,
    failing: boolean,
    index: number,
  ): WorkerEntry | undefined {
    let seen = 0;
    for (const worker of workers) {
      if (!this.#eligible(worker, exclude, failing)) continue;
      if (seen++ === index) return worker;
    }
    return undefined;
  }

  #roundRobin(
    workers: readonly WorkerEntry[],
    exclude: readonly WorkerEntry[] | undefined,
    failing: boolean,
  ): WorkerEntry | undefined {
    const n = workers.length;
    let index = this.#cursor < n ? this.#cursor : 0;
    for (let k = 0; k < n; k++, index++) {
      if (index === n) index = 0;
      const worker = workers[index] as WorkerEntry;
      if (this.#eligible(worker, exclude, failing)) {
        this.#cursor = index + 1;
        return worker;
      }
    }
    return undefined;
  }

  /** Smooth weighted round robin (as in nginx): deterministic, spreads picks evenly by weight. */
  #weighted(
    workers: readonly WorkerEntry[],
    exclude: readonly WorkerEntry[] | undefined,
    failing: boolean,
  ): WorkerEntry | undefined {
    let best: WorkerEntry | undefined;
    let total = 0;
    for (const worker of workers) {
      if (!this.#eligible(worker, exclude, failing)) continue;
      worker.currentWeight += worker.weight;
      total += worker.weight;
      if (best === undefined || worker.currentWeight > best.currentWeight) best = worker;
    }
    if (best !== undefined) best.currentWeight -= total;
    return best;
  }
}

function score(worker: WorkerEntry): number {
  return worker.inFlight / worker.capacity + worker.load * 1e-3;
}
