/**
 * How failed tasks are retried: up to `maxAttempts` attempts per task, waiting a random time in
 * `[0, min(maxDelayMs, baseDelayMs × 2^(attempt − 1))]` before each retry (exponential backoff
 * with full jitter).
 *
 * @example
 * ```ts
 * createBatcher({ source, client, retry: { maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 20_000 } });
 * ```
 */
export interface RetryOptions {
  /**
   * Attempts per task before it fails for good (the first send counts). 429 answers and the
   * bisection of a request rejected as a whole with a 4xx are not counted.
   * @default 5
   */
  maxAttempts?: number;
  /** Upper bound of the first retry's delay, in milliseconds. @default 500 */
  baseDelayMs?: number;
  /** Cap of the delay bound, in milliseconds. @default 30000 */
  maxDelayMs?: number;
}

/** The resolved retry policy. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Full-jitter backoff before the retry that follows attempt `attempt` (1-based). */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * bound);
}
