#!/usr/bin/env node
import { runCli } from './cli-program.js';

const verbose = process.argv.includes('--verbose');

/** Anything that escapes a command (a throw in a timer or listener) still ends as one line and exit 1. */
function crash(error: unknown): void {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`x: unexpected error: ${message.slice(0, 600).replace(/\s*\n\s*/g, ' ')}\n`);
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
}
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

void runCli(process.argv.slice(2)).then((code) => {
  // Exit once everything written has been flushed: open handles (servers, timers, drivers) the
  // command forgot must not keep the process alive, and the exit code must be exactly this one.
  process.stdout.write('', () => process.exit(code));
});
