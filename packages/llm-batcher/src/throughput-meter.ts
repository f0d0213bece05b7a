/**
 * Tasks-per-second estimate, exponentially weighted over time (time constant `tauMs`): both the
 * count of completions and the elapsed time decay by `e^(−dt / tauMs)`, and the rate is their
 * ratio. Unlike a sample-by-sample EWMA it needs no warm-up: early on it is the plain average
 * since the start, later it follows the last few `tauMs` of work.
 */
export class ThroughputMeter {
  readonly #tauMs: number;
  #weightedCount = 0;
  #weightedMs = 0;
  #last: number;

  constructor(now: number, tauMs = 5000) {
    this.#tauMs = tauMs;
    this.#last = now;
  }

  #advance(now: number): void {
    const dt = now - this.#last;
    if (dt <= 0) return;
    const decay = Math.exp(-dt / this.#tauMs);
    // count and time decay alike, so a steady rate is measured exactly
    this.#weightedCount *= decay;
    this.#weightedMs = this.#weightedMs * decay + dt;
    this.#last = now;
  }

  /** Records `done` tasks completed at `now`. */
  record(done: number, now: number): void {
    this.#advance(now);
    this.#weightedCount += done;
  }

  /** Tasks per second (0 before the first completion or before any time passed). */
  get perSecond(): number {
    return this.#weightedMs > 0 ? (this.#weightedCount * 1000) / this.#weightedMs : 0;
  }

  /** Estimated ms to finish `remaining` tasks at the current rate; `null` when the rate is unknown. */
  etaMs(remaining: number): number | null {
    if (remaining <= 0) return 0;
    const rate = this.perSecond;
    if (rate <= 0) return null;
    return Math.round((remaining / rate) * 1000);
  }
}
