import { MinHeap } from './min-heap.js';

/**
 * Virtual time for simulations: `sleep(ms)` parks a task until the scheduler reaches that instant;
 * `run` moves the clock from instant to instant, letting every task that woke run (interleaved at
 * each `await`) until all are parked again, then reports the step.
 */
export class VirtualScheduler {
  #now: number;
  #timers = new MinHeap<() => void>();

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Moves time forward without waking anyone (there must be no parked task due before). */
  advance(ms: number): void {
    this.#now += ms;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      // Whole milliseconds; wake-ups at one instant run in the heap's (deterministic) order.
      this.#timers.push(this.#now + Math.max(0, Math.round(ms)), resolve);
    });
  }

  /** Runs until no task is parked; calls `onStep(now)` after each instant settles. */
  async run(onStep: (now: number) => void | Promise<void>): Promise<number> {
    let steps = 0;
    await settle();
    while (this.#timers.size > 0) {
      const instant = this.#timers.peekKey();
      this.#now = instant;
      while (this.#timers.size > 0 && this.#timers.peekKey() === instant) this.#timers.pop()!();
      await settle();
      steps++;
      await onStep(this.#now);
    }
    return steps;
  }
}

/** Lets every pending promise continuation run (a macrotask turn drains the microtask queue). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
