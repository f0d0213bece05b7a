/**
 * A source of the current time in milliseconds (epoch or any monotonic origin). The batcher reads
 * lease expiry, retry times, rate-limit refills and throughput from it, so tests can move time.
 *
 * @example
 * ```ts
 * import type { Clock } from '@x/llm-batcher';
 * let offset = 0;
 * const clock: Clock = { now: () => Date.now() + offset };
 * offset += 60_000; // every lease taken a minute ago has now expired
 * ```
 */
export interface Clock {
  /** The current time, in milliseconds. */
  now(): number;
}

/**
 * The clock used when none is given: `Date.now()`.
 *
 * @example
 * ```ts
 * import { systemClock } from '@x/llm-batcher';
 * const skewed = { now: () => systemClock.now() + 5_000 };
 * ```
 */
export const systemClock: Clock = { now: () => Date.now() };
