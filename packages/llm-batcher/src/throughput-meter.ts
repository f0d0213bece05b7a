/**
 * Tasks-per-second estimate, exponentially weighted over time: each observation of `n` tasks done
 * over `dt` ms moves the estimate towards `n / dt` by `1 − e^(−dt / tauMs)`.
 */
export class ThroughputMeter {
  readonly #tauMs: number;
  #rate = 0;
  #last: number;
  #pending = 0;
  #seen = false;

  constructor(now: number, tauMs = 5000) {
    this.#tauMs = tauMs;
    this.#last = now;
  }

  /** Records `done` tasks completed at `now`. */
  record(done: number, now: number): void {
    this.#pending += done;
    const dt = now - this.#last;
    if (dt < 20) return; // accumulate very close events: a rate over 0 ms means nothing
    const instant = (this.#pending * 1000) / dt;
    const alpha = this.#seen ? 1 - Math.exp(-dt / this.#tauMs) : 1;
    this.#rate += alpha * (instant - this.#rate);
    this.#seen = true;
    this.#pending = 0;
    this.#last = now;
  }

  /** Tasks per second (0 before the first measurement). */
  get perSecond(): number {
    return this.#rate;
  }

  /** Estimated ms to finish `remaining` tasks at the current rate; `null` when the rate is unknown. */
  etaMs(remaining: number): number | null {
    if (remaining <= 0) return 0;
    if (!this.#seen || this.#rate <= 0) return null;
    return Math.round((remaining / this.#rate) * 1000);
  }
}
