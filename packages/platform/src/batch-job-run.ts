import type { Batcher, JobProgress, JobReport } from '@x/llm-batcher';
import type { CliContext } from './cli-context.js';
import { createProgressDisplay, type ProgressDisplay, type ProgressSnapshot } from './progress-display.js';

/** Maps the batcher's progress to what the progress display shows. */
export function toSnapshot(progress: JobProgress): ProgressSnapshot {
  return {
    done: progress.succeeded + progress.failed + progress.cancelled,
    total: progress.total,
    succeeded: progress.succeeded,
    failed: progress.failed,
    ratePerSecond: progress.throughputPerSec,
    etaMs: progress.etaMs ?? undefined,
  };
}

/** What {@link runJobWithProgress} needs: the batcher and job, where to print, and extras. */
export interface RunJobWithProgressOptions {
  batcher: Batcher;
  jobId: string;
  context: CliContext;
  /** Stops the run (the job stays resumable); Ctrl-C in the CLI. */
  signal?: AbortSignal;
  /** A prefix for the bar and the plain progress lines. */
  label?: string;
  /** Called with the display once it exists, e.g. to print fleet events above the bar; returns a cleanup. */
  attach?: (display: ProgressDisplay) => () => void;
  /** Called with every progress reading, after the display. */
  onProgress?: (progress: JobProgress) => void;
}

/**
 * Runs (or resumes) a job with a live progress display: the job logic shared by `x batch run`
 * (MongoDB stores) and `x demo` (in-memory stores).
 */
export async function runJobWithProgress(options: RunJobWithProgressOptions): Promise<JobReport> {
  const job = await options.batcher.getJob(options.jobId);
  const display = createProgressDisplay(options.context, {
    total: job.total,
    ...(options.label === undefined ? {} : { label: options.label }),
  });
  display.update({
    done: job.succeeded + job.failed + job.cancelled,
    total: job.total,
    succeeded: job.succeeded,
    failed: job.failed,
    ratePerSecond: 0,
    etaMs: undefined,
  });
  const detach = options.attach?.(display);
  try {
    return await options.batcher.runJob(options.jobId, {
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onProgress: (progress) => {
        display.update(toSnapshot(progress));
        options.onProgress?.(progress);
      },
    });
  } finally {
    detach?.();
    display.stop();
  }
}
