import { MAX_TIMER_MS } from '@x/checks';
import type { Clock } from './clock.js';

/**
 * A token bucket: holds at most `capacity` tokens, refilled at `perMs` tokens per millisecond.
 * In any window of W ms it lets through at most `capacity + perMs × W` tokens.
 */
export class TokenBucket {
  readonly capacity: number;
  readonly perMs: number;
  #tokens: number;
  #last: number;

  constructor(capacity: number, perMs: number, now: number) {
    this.capacity = capacity;
    this.perMs = perMs;
    this.#tokens = capacity;
    this.#last = now;
  }

  #refill(now: number): void {
    if (now > this.#last) {
      this.#tokens = Math.min(this.capacity, this.#tokens + (now - this.#last) * this.perMs);
      this.#last = now;
    }
  }

  /** Milliseconds until `cost` tokens are available (0 when they are). A cost above capacity waits for a full bucket. */
  waitFor(cost: number, now: number): number {
    this.#refill(now);
    const needed = Math.min(cost, this.capacity);
    if (this.#tokens >= needed) return 0;
    return Math.ceil((needed - this.#tokens) / this.perMs);
  }

  /** Takes `cost` tokens; the bucket may go negative for a cost above capacity (the debt is repaid by waiting). */
  take(cost: number, now: number): void {
    this.#refill(now);
    this.#tokens -= cost;
  }

  /** Gives back tokens taken for a request that was not sent. */
  refund(cost: number): void {
    this.#tokens = Math.min(this.capacity, this.#tokens + cost);
  }
}

/**
 * Sleeps `ms` on the event loop (at most 2^31−1 ms: callers that wait longer loop); resolves early
 * (without throwing) when `signal` aborts.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.min(MAX_TIMER_MS, Math.max(0, ms)));
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Gate in front of every request: a token bucket for requests, one for LLM tokens, and a
 * client-wide pause set by 429 answers (never shortened: the whole client waits the full
 * `Retry-After`).
 */
export class RateGate {
  readonly #clock: Clock;
  readonly #requests: TokenBucket | undefined;
  readonly #tokens: TokenBucket | undefined;
  #pausedUntil = 0;

  constructor(
    clock: Clock,
    limits: { requestsPerMinute?: number; tokensPerMinute?: number; requestBurst?: number; tokenBurst?: number },
  ) {
    this.#clock = clock;
    const now = clock.now();
    if (limits.requestsPerMinute !== undefined) {
      const burst = limits.requestBurst ?? Math.max(1, Math.floor(limits.requestsPerMinute / 60));
      this.#requests = new TokenBucket(burst, limits.requestsPerMinute / 60_000, now);
    }
    if (limits.tokensPerMinute !== undefined) {
      const burst = limits.tokenBurst ?? Math.max(1, Math.floor(limits.tokensPerMinute / 60));
      this.#tokens = new TokenBucket(burst, limits.tokensPerMinute / 60_000, now);
    }
  }

  /** True when a tokens-per-minute limit is set (then the batch's token cost is needed). */
  get limitsTokens(): boolean {
    return this.#tokens !== undefined;
  }

  /** The time (ms) until which every request waits because of a 429. */
  get pausedUntil(): number {
    return this.#pausedUntil;
  }

  /** Pauses every request until `until` (extends an earlier pause, never shortens it). */
  pauseUntil(until: number): void {
    if (until > this.#pausedUntil) this.#pausedUntil = until;
  }

  /**
   * Waits until one request carrying `tokenCost` tokens may go, then takes them. Resolves `false`
   * if `signal` aborted first.
   */
  async acquire(tokenCost: number, signal: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal.aborted) return false;
      const now = this.#clock.now();
      const wait = Math.max(
        this.#pausedUntil - now,
        this.#requests?.waitFor(1, now) ?? 0,
        this.#tokens?.waitFor(tokenCost, now) ?? 0,
      );
      if (wait <= 0) {
        this.#requests?.take(1, now);
        this.#tokens?.take(tokenCost, now);
        return true;
      }
      await sleep(wait, signal);
    }
  }

  /** Gives back what `acquire` took for a request that was not sent. */
  refund(tokenCost: number): void {
    this.#requests?.refund(1);
    this.#tokens?.refund(tokenCost);
  }
}
