/**
 * Percentiles of a duration over the most recent samples (ms). All 0 when there are none.
 * Every task submitted with options (or any task when aging is on) is timed; tasks submitted
 * without options are sampled, 1 in 8, to keep clock reads off the hot path.
 */
export interface Percentiles {
  /** Samples the percentiles are computed from (the most recent, at most 4096). */
  readonly count: number;
  /** Median: half of the samples took at most this long (ms). */
  readonly p50: number;
  /** 90th percentile: 90% of the samples took at most this long (ms). */
  readonly p90: number;
  /** 99th percentile: 99% of the samples took at most this long (ms). */
  readonly p99: number;
  /** The longest sample in the window (ms). */
  readonly max: number;
}

/**
 * Counters and latency percentiles, from `lb.stats()`.
 *
 * @example
 * ```ts
 * const { queued, inFlight, waitMs, runMs } = lb.stats();
 * console.log(`${queued} queued, ${inFlight} running, p99 wait ${waitMs.p99} ms, p99 run ${runMs.p99} ms`);
 * ```
 */
export interface LoadBalancerStats {
  /** Panic mode is on: too few healthy workers (see `panicThreshold`). */
  readonly panic: boolean;
  /** Tasks waiting in the queue (not counting tasks waiting out a retry backoff). */
  readonly queued: number;
  /** Queued tasks per priority (`{ [priority]: count }`), only priorities that have some. */
  readonly queuedByPriority: Readonly<Record<number, number>>;
  /** Tasks waiting out a retry backoff before re-entering the queue. */
  readonly waitingRetry: number;
  /** Tasks whose current attempt is running (each once, abandoned attempts not counted). */
  readonly inFlight: number;
  /** Submit promises resolved with a result. */
  readonly completed: number;
  /** Submit promises rejected (any reason, queue-full rejections included). */
  readonly failed: number;
  /** Retries after task errors that `retryOn` accepted. */
  readonly retried: number;
  /** Attempts moved to another worker because the worker failed, became unreachable or was removed. */
  readonly failovers: number;
  /** Attempts requeued because the worker pushed back with `WorkerOverloadedError`. */
  readonly overloadRequeues: number;
  /** Rejections with `TaskTimeoutError`. */
  readonly timedOut: number;
  /** Rejections with `TaskAbortedError`. */
  readonly aborted: number;
  /** Rejections with `QueueFullError`. */
  readonly rejectedQueueFull: number;
  /** Results of abandoned attempts that arrived late and were ignored. */
  readonly lateResults: number;
  /** Worker errors (`WorkerUnavailableError`) across all workers. */
  readonly workerErrors: number;
  /** Task errors thrown by `execute` across all workers. */
  readonly taskErrors: number;
  /** Time from submit (or requeue) to dispatch. */
  readonly waitMs: Percentiles;
  /** Time from dispatch to the accepted result of the attempt. */
  readonly runMs: Percentiles;
}

const WINDOW = 4096;

/** A fixed window of the most recent duration samples; percentiles are computed on demand. */
export class SampleWindow {
  #samples = new Float64Array(WINDOW);
  #count = 0;

  add(value: number): void {
    this.#samples[this.#count++ & (WINDOW - 1)] = value;
  }

  percentiles(): Percentiles {
    const count = Math.min(this.#count, WINDOW);
    if (count === 0) return { count: 0, p50: 0, p90: 0, p99: 0, max: 0 };
    const sorted = this.#samples.slice(0, count).sort();
    const at = (q: number) => sorted[Math.min(count - 1, Math.floor(q * count))] as number;
    return { count, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[count - 1] as number };
  }
}
