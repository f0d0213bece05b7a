import cliProgress from 'cli-progress';
import type { CliContext } from './cli-context.js';

/** One progress reading of a running job. */
export interface ProgressSnapshot {
  /** Tasks finished (succeeded + failed). */
  done: number;
  total: number;
  succeeded: number;
  failed: number;
  /** Throughput in tasks per second (smoothed), or 0 while unknown. */
  ratePerSecond: number;
  /** Estimated milliseconds until the job ends, or `undefined` while unknown. */
  etaMs: number | undefined;
}

/**
 * Shows a job's progress: a live cli-progress bar when standard output is a terminal, and plain
 * `progress ...` lines (at most one per `plainIntervalMs`, plus the last) when it is a pipe or file.
 */
export interface ProgressDisplay {
  update(snapshot: ProgressSnapshot): void;
  /** Prints a line above the bar (or as a plain line) without breaking the bar. */
  log(line: string): void;
  stop(): void;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '?';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}

export function formatProgressLine(snapshot: ProgressSnapshot): string {
  const percent = snapshot.total === 0 ? 100 : Math.floor((snapshot.done / snapshot.total) * 100);
  return (
    `progress ${snapshot.done}/${snapshot.total} (${percent}%)  ok ${snapshot.succeeded}  failed ${snapshot.failed}` +
    `  ${Math.round(snapshot.ratePerSecond)} tasks/s  ETA ${formatDuration(snapshot.etaMs)}`
  );
}

export function createProgressDisplay(
  context: CliContext,
  options: { total: number; label?: string; plainIntervalMs?: number; now?: () => number },
): ProgressDisplay {
  const now = options.now ?? (() => performance.now());
  if (!context.isTTY) {
    const interval = options.plainIntervalMs ?? 1000;
    let lastPrinted = Number.NEGATIVE_INFINITY;
    let last: ProgressSnapshot | undefined;
    let lastLine = '';
    const print = (snapshot: ProgressSnapshot) => {
      const line = formatProgressLine(snapshot);
      if (line === lastLine) return;
      lastLine = line;
      lastPrinted = now();
      context.out(`${options.label ?? ''}${line}`);
    };
    return {
      update(snapshot) {
        last = snapshot;
        if (now() - lastPrinted >= interval) print(snapshot);
      },
      log: (line) => context.out(line),
      stop() {
        if (last) print(last);
      },
    };
  }
  const multibar = new cliProgress.MultiBar(
    {
      format: `${options.label ?? ''}{bar} {percentage}% | {value}/{total} tasks | ok {succeeded} failed {failed} | {rate} tasks/s | ETA {etaText}`,
      stream: context.outStream,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = multibar.create(options.total, 0, { succeeded: 0, failed: 0, rate: 0, etaText: '?' });
  return {
    update(snapshot) {
      bar.update(snapshot.done, {
        succeeded: snapshot.succeeded,
        failed: snapshot.failed,
        rate: Math.round(snapshot.ratePerSecond),
        etaText: formatDuration(snapshot.etaMs),
      });
    },
    log: (line) => multibar.log(`${line}\n`),
    stop: () => multibar.stop(),
  };
}
