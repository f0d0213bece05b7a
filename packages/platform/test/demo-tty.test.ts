import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { cliPath } from './run-x.js';

// util-linux `script` runs a command in a pseudo-terminal: the only way to see what a person sees.
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasScript) console.warn('`script` (util-linux) not found: skipping the terminal rendering test of x demo');

it.skipIf(!hasScript)(
  'on a terminal, x demo draws the live progress bar (counts, rate, ETA) and colours',
  { timeout: 150_000 },
  () => {
    // A wide terminal, so the bar line is not cut at 80 columns.
    const command = `stty cols 200 rows 50; ${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} demo`;
    const tty = spawnSync('script', ['-qec', command, '/dev/null'], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, NO_COLOR: undefined, TERM: 'xterm-256color' },
    });
    expect(tty.status, tty.stdout.slice(-2000)).toBe(0);
    const screen = tty.stdout;
    expect(screen).toContain('█'); // the bar itself
    expect(screen).toMatch(/5000\/5000 tasks \| ok 5000 failed 0 \| \d+ tasks\/s \| ETA/);
    expect(screen).not.toContain('progress 0/5000'); // no plain lines on a terminal
    expect(screen).toContain('\u001b[32m'); // green: colours are on for a terminal
    expect(screen).toMatch(/All \d+ checks passed/);
  },
);
