import type { Strategy } from './options.js';
import type { WorkerEntry } from './worker-entry.js';

/**
 * Chooses an `active` worker for the next dispatch according to the strategy. Workers are few,
 * so each pick is a scan of the worker list without allocation. `avoid` (the worker a task
 * just failed on) is skipped when any other worker can take the task.
 */
export class WorkerPicker {
  readonly #strategy: Strategy;
  readonly #random: () => number;
  #cursor = 0;

  constructor(strategy: Strategy, random: () => number) {
    this.#strategy = strategy;
    this.#random = random;
  }

  pick(workers: readonly WorkerEntry[], avoid: string | undefined): WorkerEntry | undefined {
    let chosen: WorkerEntry | undefined;
    switch (this.#strategy) {
      case 'least-loaded':
        chosen = this.#leastLoaded(workers, avoid);
        break;
      case 'power-of-two':
        chosen = this.#powerOfTwo(workers, avoid);
        break;
      case 'round-robin':
        chosen = this.#roundRobin(workers, avoid);
        break;
      case 'weighted':
        chosen = this.#weighted(workers, avoid);
        break;
    }
    if (chosen === undefined && avoid !== undefined) return this.pick(workers, undefined);
    return chosen;
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

  #leastLoaded(workers: readonly WorkerEntry[], avoid: string | undefined): WorkerEntry | undefined {
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
      if (worker.state !== 'active' || worker.id === avoid) continue;
      const score = worker.inFlight / worker.capacity + worker.load * 1e-3;
      if (score < bestScore) {
        best = worker;
        bestScore = score;
      }
    }
    return best;
  }

  #powerOfTwo(workers: readonly WorkerEntry[], avoid: string | undefined): WorkerEntry | undefined {
    let count = 0;
    for (const worker of workers) if (worker.state === 'active' && worker.id !== avoid) count++;
    if (count === 0) return undefined;
    const a = this.#nth(workers, avoid, Math.floor(this.#random() * count));
    if (count === 1) return a;
    let j = Math.floor(this.#random() * (count - 1));
    const ai = this.#indexOfActive(workers, avoid, a);
    if (j >= ai) j++;
    const b = this.#nth(workers, avoid, j);
    if (a === undefined || b === undefined) return a ?? b;
    return b.inFlight / b.capacity + b.load * 1e-3 < a.inFlight / a.capacity + a.load * 1e-3 ? b : a;
  }

  #nth(workers: readonly WorkerEntry[], avoid: string | undefined, index: number): WorkerEntry | undefined {
    let seen = 0;
    for (const worker of workers) {
      if (worker.state !== 'active' || worker.id === avoid) continue;
      if (seen++ === index) return worker;
    }
    return undefined;
  }

  #indexOfActive(workers: readonly WorkerEntry[], avoid: string | undefined, target: WorkerEntry | undefined): number {
    let seen = 0;
    for (const worker of workers) {
      if (worker.state !== 'active' || worker.id === avoid) continue;
      if (worker === target) return seen;
      seen++;
    }
    return -1;
  }

  #roundRobin(workers: readonly WorkerEntry[], avoid: string | undefined): WorkerEntry | undefined {
    const n = workers.length;
    let index = this.#cursor < n ? this.#cursor : 0;
    for (let k = 0; k < n; k++, index++) {
      if (index === n) index = 0;
      const worker = workers[index] as WorkerEntry;
      if (worker.state === 'active' && worker.id !== avoid) {
        this.#cursor = index + 1;
        return worker;
      }
    }
    return undefined;
  }

  /** Smooth weighted round robin (as in nginx): deterministic, spreads picks evenly by weight. */
  #weighted(workers: readonly WorkerEntry[], avoid: string | undefined): WorkerEntry | undefined {
    let best: WorkerEntry | undefined;
    let total = 0;
    for (const worker of workers) {
      if (worker.state !== 'active' || worker.id === avoid) continue;
      worker.currentWeight += worker.weight;
      total += worker.weight;
      if (best === undefined || worker.currentWeight > best.currentWeight) best = worker;
    }
    if (best !== undefined) best.currentWeight -= total;
    return best;
  }
}
