import { MinHeap } from './min-heap.js';

/**
 * Virtual time for simulations: `sleep(ms)` parks a task until the scheduler reaches that instant;
 * `run` moves the clock from instant to instant, letting every task that woke run (interleaved at
 * each `await`) until all are parked again, then reports the step.
 *
 * A task whose operations wait on real I/O (a store over the network) is registered with `track`:
 * the clock then stays at an instant until every tracked task has parked or ended, so an operation
 * sees the virtual time it started at, however long its round trips take.
 */
export class VirtualScheduler {
  #now: number;
  #timers = new MinHeap<() => void>();
  /** Tracked tasks not yet ended (each is running, or parked in exactly one sleep). */
  #live = 0;
  /** Wakes `run` when a task parks or ends. */
  #changed: (() => void) | null = null;

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
      this.#poke();
    });
  }

  /** Tracked tasks not yet ended. */
  get live(): number {
    return this.#live;
  }

  /** Registers a task that sleeps only through this scheduler; `run` waits for it to park or end. */
  track(task: Promise<unknown>): void {
    this.#live++;
    const ended = () => {
      this.#live--;
      this.#poke();
    };
    task.then(ended, ended);
  }

  #poke(): void {
    const changed = this.#changed;
    this.#changed = null;
    changed?.();
  }

  /** Until every tracked task is parked or ended (untracked sleepers count as parked). */
  async #quiet(): Promise<void> {
    await settle();
    while (this.#live > this.#timers.size) {
      await new Promise<void>((resolve) => {
        this.#changed = resolve;
      });
      await settle();
    }
  }

  /** Runs until no task is parked; calls `onStep(now)` after each instant settles. */
  async run(onStep: (now: number) => void | Promise<void>): Promise<number> {
    let steps = 0;
    await this.#quiet();
    while (this.#timers.size > 0) {
      const instant = this.#timers.peekKey();
      this.#now = instant;
      while (this.#timers.size > 0 && this.#timers.peekKey() === instant) this.#timers.pop()!();
      await this.#quiet();
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
