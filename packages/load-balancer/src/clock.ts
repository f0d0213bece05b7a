/**
 * Where the balancer reads the time and schedules its timers. Inject one in tests (a
 * `ManualClock` from `@x/load-balancer/testing`, or `systemClock` under vitest fake timers) so every timeout, heartbeat,
 * backoff and ejection path runs without sleeping.
 *
 * `setTimeout`/`clearTimeout` are optional: a clock with only `now()` uses the global timers
 * (looked up at call time, so `vi.useFakeTimers()` after construction still applies).
 *
 * @example
 * ```ts
 * const clock: Clock = { now: () => performance.now() };
 * const lb = new LoadBalancer({ clock });
 * ```
 */
export interface Clock {
  /** The current time in milliseconds (any epoch; only differences are used). */
  now(): number;
  /** Calls `callback` once after `ms` milliseconds; returns a handle for `clearTimeout`. */
  setTimeout?(callback: () => void, ms: number): unknown;
  /** Cancels a timer made by this clock's `setTimeout`. */
  clearTimeout?(handle: unknown): void;
}

/**
 * The default clock: `Date.now()` and the global `setTimeout`/`clearTimeout`. The balancer
 * `unref()`s its background timers (heartbeats, health-check deadlines, ejection and push-back
 * periods), so an idle balancer never keeps the process alive; while any task is unsettled, one
 * referenced keep-alive timer holds the process open, and deadlines of pending work (task
 * timeouts, retry backoffs, drain and shutdown timeouts) are referenced too.
 *
 * @example
 * ```ts
 * const lb = new LoadBalancer({ clock: systemClock });
 * ```
 */
export const systemClock: Required<Clock> = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout(handle) {
    clearTimeout(handle as Parameters<typeof clearTimeout>[0]);
  },
};

/** Lets a timer handle (of any clock) not keep the process alive, when it supports that. */
export function unrefTimer(handle: unknown): unknown {
  (handle as { unref?: () => void } | null)?.unref?.();
  return handle;
}

interface ManualTimer {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

/**
 * A clock whose time only moves when told to, for deterministic tests. Timers fire in due order
 * (ties in creation order) as `advance`/`tick` pass their due time.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * const lb = new LoadBalancer({ clock, heartbeatIntervalMs: 1000, heartbeatTimeoutMs: 3000 });
 * await clock.tick(4000); // fires every timer due in the next 4 s, letting promises settle between them
 * ```
 */
export class ManualClock implements Required<Clock> {
  #now: number;
  #nextId = 1;
  #timers: ManualTimer[] = [];

  /** @param start - the initial time in milliseconds. @defaultValue `0` */
  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { id: this.#nextId++, at: this.#now + Math.max(0, ms), callback };
    this.#timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    const index = this.#timers.findIndex((timer) => timer.id === handle);
    if (index !== -1) this.#timers.splice(index, 1);
  }

  /** How many timers are scheduled and not yet fired or cleared. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /**
   * Moves time forward by `ms`, synchronously firing each timer that falls due, in order.
   * Promise callbacks do not run in between; use {@link ManualClock.tick} for that.
   */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (let timer = this.#nextDue(target); timer; timer = this.#nextDue(target)) {
      this.#now = timer.at;
      timer.callback();
    }
    this.#now = target;
  }

  /**
   * Like {@link ManualClock.advance}, but lets pending promise callbacks and I/O callbacks run
   * (a few event-loop turns) before the first timer, between timers and at the end.
   */
  async tick(ms = 0): Promise<void> {
    const target = this.#now + ms;
    await settle();
    for (let timer = this.#nextDue(target); timer; timer = this.#nextDue(target)) {
      this.#now = timer.at;
      timer.callback();
      await settle();
    }
    this.#now = target;
    await settle();
  }

  #nextDue(target: number): ManualTimer | undefined {
    let best: ManualTimer | undefined;
    for (const timer of this.#timers) {
      if (timer.at <= target && (!best || timer.at < best.at || (timer.at === best.at && timer.id < best.id))) {
        best = timer;
      }
    }
    if (best) this.#timers.splice(this.#timers.indexOf(best), 1);
    return best;
  }
}

async function settle(): Promise<void> {
  for (let turn = 0; turn < 3; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
}
