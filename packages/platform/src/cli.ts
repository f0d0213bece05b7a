#!/usr/bin/env node
import { runCli } from './cli-program.js';

void runCli(process.argv.slice(2)).then((code) => {
  // Exit once everything written has been flushed: open handles (servers, timers, drivers) the
  // command forgot must not keep the process alive, and the exit code must be exactly this one.
  process.stdout.write('', () => process.exit(code));
});
