import { createColors } from 'picocolors';

/** What every command receives: where to write, and how the user asked to be talked to. */
export interface CliContext {
  /** Writes one line (a newline is added) to standard output. */
  out(line?: string): void;
  /** Writes one line (a newline is added) to standard error. */
  err(line?: string): void;
  /** Colours, on only when standard output is a terminal and `NO_COLOR` is not set. */
  readonly colors: ReturnType<typeof createColors>;
  /** Whether `out`'s stream is a terminal (live progress bars) or a pipe/file (plain lines). */
  readonly isTTY: boolean;
  /** The stream `out` writes to, for live displays that redraw in place. */
  readonly outStream: NodeJS.WritableStream;
  /** Whether `--verbose` was given. */
  verbose(): boolean;
}

/** The context of a real process: `process.stdout` / `process.stderr`. */
export function processContext(verbose: () => boolean): CliContext {
  const isTTY = process.stdout.isTTY === true;
  const colorsOn = isTTY && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
  return {
    out: (line = '') => {
      process.stdout.write(`${line}\n`);
    },
    err: (line = '') => {
      process.stderr.write(`${line}\n`);
    },
    colors: createColors(colorsOn),
    isTTY,
    outStream: process.stdout,
    verbose,
  };
}
