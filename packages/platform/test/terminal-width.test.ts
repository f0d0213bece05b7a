// Issue #17, item 14: on a terminal, the progress bar and the event lines above it fit its width.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatBarLine, wrapLine } from '../src/progress-display.js';
import { visibleLength } from '../src/report-table.js';
import { cliPath } from './run-x.js';

const hasTmux = spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;
if (!hasTmux) console.warn('`tmux` not found: skipping the 80-column terminal test of x demo');

/** Display width of a captured screen line (every character the demo prints is one column wide). */
const columns = (line: string) => [...line].length;

describe('x demo on an 80 × 24 terminal (tmux)', () => {
  it.skipIf(!hasTmux)(
    'every event line above the bar is wrapped whole, and the bar line fits',
    { timeout: 150_000 },
    () => {
      const server = `x-demo-${process.pid}-${Date.now()}`;
      const tmux = (...args: string[]) => spawnSync('tmux', ['-L', server, ...args], { encoding: 'utf8' });
      try {
        const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} demo; echo "x exited $?"; sleep 600`;
        const started = tmux('new-session', '-d', '-x', '80', '-y', '24', '-s', 'demo', command);
        expect(started.status, started.stderr).toBe(0);
        tmux('set-option', '-t', 'demo', 'history-limit', '5000');
        let screen = '';
        const deadline = Date.now() + 120_000;
        while (Date.now() < deadline) {
          // -J joins lines the terminal wrapped itself, so a line cut at the edge shows as 80 columns
          screen = tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'demo').stdout;
          if (/x exited \d+/.test(screen)) break;
          spawnSync('sleep', ['0.5']);
        }
        expect(screen).toContain('x exited 0');
        const rows = screen.split('\n');
        const first = rows.findIndex((row) => /^\s+\[\d+(\.\d+)?(ms|s)\] /.test(row));
        const last = rows.findLastIndex((row) => /[█░]+ \d+% /.test(row));
        expect(first, screen).toBeGreaterThanOrEqual(0);
        expect(last).toBeGreaterThan(first);
        // Between the first event line and the finished bar: only our own lines, none cut
        // (a cut line fills all 80 columns), each continuation keeping the indent.
        for (const row of rows.slice(first, last + 1)) {
          expect(columns(row), row).toBeLessThanOrEqual(79);
          expect(row.startsWith('  '), row).toBe(true);
        }
        expect(rows[last]).toMatch(/█+ 100% \| 5000\/5000 .*\| ok 5000 failed 0 \| .*ETA/);
      } finally {
        tmux('kill-server');
      }
    },
  );
});

describe('the bar line and log lines at any width (fake terminal widths)', () => {
  const snapshot = { done: 2500, total: 5000, succeeded: 2490, failed: 10, ratePerSecond: 812.4, etaMs: 3100 };

  it.each([20, 40, 60, 80, 100, 200])('at %i columns the bar line fits in width - 1', (width) => {
    const line = formatBarLine(snapshot, width, '  ');
    expect(visibleLength(line)).toBeLessThanOrEqual(width - 1);
    expect(line).toContain('2500/5000');
  });

  it('at 80 columns it keeps the counts, ok and failed; at 200 the full words and a 40-cell bar', () => {
    expect(formatBarLine(snapshot, 80, '  ')).toMatch(
      /^ {2}[█░]{10,} 50% \| 2500\/5000 tasks \| ok 2490 failed 10 \| 812 tasks\/s \| ETA 3\.1s$/,
    );
    expect(formatBarLine(snapshot, 200)).toBe(
      `${'█'.repeat(20)}${'░'.repeat(20)} 50% | 2500/5000 tasks | ok 2490 failed 10 | 812 tasks/s | ETA 3.1s`,
    );
  });

  it('wraps a long line at spaces, keeping its indent, and cuts only words longer than a line', () => {
    const line =
      '  [2.7s] doomed: batch failed over (attempt 1): doomed: Expected to reach http://127.0.0.1:41553/v1/batch, got other side closed';
    const wrapped = wrapLine(line, 79);
    expect(wrapped.length).toBeGreaterThan(1);
    for (const part of wrapped) {
      expect(part.length).toBeLessThanOrEqual(79);
      expect(part.startsWith('  ')).toBe(true);
    }
    expect(wrapped.map((part) => part.trim()).join(' ')).toBe(line.trim());
    expect(wrapLine('short', 79)).toEqual(['short']);
    const word = 'w'.repeat(200);
    expect(wrapLine(word, 79).join('')).toBe(word);
  });
});
