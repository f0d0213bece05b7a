import { expected } from './expected.js';

/**
 * The longest delay a Node.js timer honours: 2^31−1 ms (about 24.8 days). Node fires a larger
 * `setTimeout` after 1 ms, so every x package refuses durations above it.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Checks a duration in milliseconds: a finite number from 0 to {@link MAX_TIMER_MS}. Returns the
 * problem as a message (the caller throws its own package's error class), or `undefined` if fine.
 *
 * @example
 * ```ts
 * durationProblem('timeoutMs', 3e9);
 * // 'Expected `timeoutMs` to be a duration in ms from 0 to 2147483647 (about 24.8 days), got `3000000000` (number)'
 * ```
 */
export function durationProblem(name: string, value: unknown, min = 0): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= MAX_TIMER_MS) return undefined;
  const from = min === 0 ? 'from 0' : min > 0 && min < 1 ? `above 0` : `from ${min}`;
  return expected(name, `a duration in ms ${from} to ${MAX_TIMER_MS} (about 24.8 days)`, value);
}
