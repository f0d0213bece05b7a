import { expect, it } from 'vitest';
import { runX } from './run-x.js';

it('x demo runs every section on embedded defaults, prints the summary table and exits 0', {
  timeout: 150_000,
}, async () => {
  const run = await runX(['demo'], { timeoutMs: 120_000 });
  expect(run.stderr).not.toMatch(/^x: /m);
  expect(run.code, run.stderr).toBe(0);
  const out = run.stdout;
  for (const section of ['Clock angles', 'Lowest common ancestors', 'Flash sale', 'LLM batch job through a fleet']) {
    expect(out).toMatch(new RegExp(`^  ${section}.*\\bok$`, 'm'));
  }
  expect(out).toMatch(/^All \d+ checks passed in /m);
  expect(out).not.toContain('✗');
  expect(out).not.toContain('FAILED');
  // Not a TTY here: plain progress lines instead of the live bar, ending at 5000/5000.
  expect(out).toContain('progress 5000/5000 (100%)');
  // The killed endpoint's fall and the failover are shown as they happen.
  expect(out).toMatch(/doomed: \w+ → unreachable/);
  expect(out).toContain('157.5');
});
