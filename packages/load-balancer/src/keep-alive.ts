import { MAX_TIMER_MS } from '@x/checks';
import type { Clock } from './clock.js';

/**
 * Holds the process open while the balancer has pending work, and only then: one referenced
 * timer of the balancer's clock, armed when work arrives and cleared when the balancer goes
 * idle. Every other timer of the balancer (heartbeats, health checks, ejection and push-back
 * periods) is `unref()`ed, so they run while work is pending and never keep an idle process
 * alive.
 *
 * invariant: armed exactly while a submitted task is unsettled (queued, parked, running or
 * waiting out a retry backoff).
 */
export class KeepAlive {
  readonly #clock: Required<Clock>;
  #handle: unknown = undefined;
  /** Armed: a task is unsettled. */
  held = false;

  constructor(clock: Required<Clock>) {
    this.#clock = clock;
  }

  hold(): void {
    if (this.held) return;
    this.held = true;
    this.#arm();
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    this.#clock.clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  #arm(): void {
    // the longest delay a Node timer honours; re-armed if work is still pending when it fires
    this.#handle = this.#clock.setTimeout(() => {
      if (this.held) this.#arm();
    }, MAX_TIMER_MS);
  }
}
