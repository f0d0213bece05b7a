import cliProgress from 'cli-progress';
import type { CliContext } from './cli-context.js';
import { visibleLength } from './report-table.js';

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
  const label = options.label ?? '';
  const width = () => terminalWidth(context.outStream);
  let latest: ProgressSnapshot = {
    done: 0,
    total: options.total,
    succeeded: 0,
    failed: 0,
    ratePerSecond: 0,
    etaMs: undefined,
  };
  const multibar = new cliProgress.MultiBar(
    {
      // drawn by us, to the terminal's width at each redraw (cli-progress would cut it at the edge)
      format: (_options, params) => formatBarLine({ ...latest, done: params.value }, params.maxWidth, label),
      stream: context.outStream,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = multibar.create(options.total, 0);
  return {
    update(snapshot) {
      latest = snapshot;
      bar.update(snapshot.done);
    },
    // the bar turns the terminal's line wrapping off while it runs, so a long line would be cut
    // at the edge: wrap it ourselves, at spaces
    log: (line) => multibar.log(`${wrapLine(line, width() - 1).join('\n')}\n`),
    stop: () => multibar.stop(),
  };
}

/** Columns of a terminal stream (80 when it does not say). */
export function terminalWidth(stream: NodeJS.WritableStream): number {
  const columns = (stream as { columns?: unknown }).columns;
  return typeof columns === 'number' && columns > 0 ? columns : 80;
}

const BAR_MAX = 40;
const BAR_MIN = 10;

/**
 * The live bar line, fitted to `width` columns (one column is left free: writing the last one
 * makes some terminals wrap): the bar shrinks first (40 down to 10 cells), then the words go
 * (`tasks`, the rate, the ETA), then the bar itself.
 */
export function formatBarLine(snapshot: ProgressSnapshot, width: number, label = ''): string {
  const room = Math.max(1, width - 1) - visibleLength(label);
  const percent = snapshot.total === 0 ? 100 : Math.floor((snapshot.done / snapshot.total) * 100);
  const rate = Math.round(snapshot.ratePerSecond);
  const eta = formatDuration(snapshot.etaMs);
  const counts = `${snapshot.done}/${snapshot.total}`;
  const ok = `ok ${snapshot.succeeded} failed ${snapshot.failed}`;
  const texts = [
    `${percent}% | ${counts} tasks | ${ok} | ${rate} tasks/s | ETA ${eta}`,
    `${percent}% | ${counts} | ${ok} | ${rate}/s | ETA ${eta}`,
    `${percent}% | ${counts} | ${ok} | ETA ${eta}`,
    `${percent}% ${counts} ok ${snapshot.succeeded} failed ${snapshot.failed}`,
    `${percent}% ${counts}`,
  ];
  for (const text of texts) {
    const cells = Math.min(BAR_MAX, room - text.length - 1);
    if (cells >= BAR_MIN) return `${label}${bar(snapshot, cells)} ${text}`;
  }
  for (const text of texts) if (text.length <= room) return `${label}${text}`;
  return `${label}${texts.at(-1)}`.slice(0, Math.max(1, width - 1));
}

function bar(snapshot: ProgressSnapshot, cells: number): string {
  const filled =
    snapshot.total === 0 ? cells : Math.round((Math.min(snapshot.done, snapshot.total) / snapshot.total) * cells);
  return '\u2588'.repeat(filled) + '\u2591'.repeat(cells - filled);
}

/**
 * Splits `line` into lines of at most `width` visible columns, breaking at spaces (a word longer
 * than a line is cut into pieces); every line keeps the first one's indent. Colour codes take no
 * room.
 */
export function wrapLine(line: string, width: number): string[] {
  if (visibleLength(line) <= Math.max(10, width)) return [line];
  // continuation lines keep the line's indent
  const indent = /^ */.exec(line)?.[0] ?? '';
  return wrapWords(line.slice(indent.length), Math.max(10, width - indent.length)).map((part) => indent + part);
}

function wrapWords(line: string, limit: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    let rest = word;
    while (visibleLength(rest) > limit) {
      if (current !== '') {
        lines.push(current);
        current = '';
      }
      lines.push(rest.slice(0, limit));
      rest = rest.slice(limit);
    }
    const joined = current === '' ? rest : `${current} ${rest}`;
    if (visibleLength(joined) <= limit) current = joined;
    else {
      lines.push(current);
      current = rest;
    }
  }
  if (current !== '') lines.push(current);
  return lines;
}
