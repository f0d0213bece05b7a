import type { CliContext } from '../cli-context.js';
import { formatDuration } from '../progress-display.js';
import { renderTable } from '../report-table.js';
import { batchSection } from './batch-section.js';
import { clockSection } from './clock-section.js';
import type { DemoCheck, DemoSection } from './demo-section.js';
import { lcaSection } from './lca-section.js';
import { ticketingSection } from './ticketing-section.js';

/** The demo's sections, in the order they run. */
export const demoSections: readonly DemoSection[] = [clockSection, lcaSection, ticketingSection, batchSection];

interface SectionOutcome {
  title: string;
  summary: string;
  checks: DemoCheck[];
  ms: number;
}

/**
 * Runs every demo section on embedded defaults, prints each as it goes and then the summary table.
 * Resolves to the exit code: 0 when every check held, 1 otherwise. A section that throws counts as
 * a failed check and the demo goes on with the next one.
 */
export async function runDemo(context: CliContext, sections: readonly DemoSection[] = demoSections): Promise<number> {
  const { bold, green, red, dim } = context.colors;
  context.out(bold('x demo: the x libraries working together (in-memory stores, mock LLM servers on 127.0.0.1)'));
  const outcomes: SectionOutcome[] = [];
  const demoStart = performance.now();
  for (const [index, section] of sections.entries()) {
    context.out();
    context.out(bold(`${index + 1}. ${section.title}`));
    const start = performance.now();
    let outcome: SectionOutcome;
    try {
      const result = await section.run(context);
      outcome = { title: section.title, ...result, ms: performance.now() - start };
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      context.out(red(`  section failed: ${message}`));
      if (context.verbose() && error instanceof Error && error.stack) context.out(error.stack);
      outcome = {
        title: section.title,
        summary: 'failed',
        checks: [{ name: 'section ran to the end', ok: false, detail: message }],
        ms: performance.now() - start,
      };
    }
    outcomes.push(outcome);
    for (const item of outcome.checks) {
      const mark = item.ok ? green('✓') : red('✗');
      const detail = !item.ok || context.verbose() ? dim(item.detail ? ` (${item.detail})` : '') : '';
      context.out(`  ${mark} ${item.name}${detail}`);
    }
  }
  const totalChecks = outcomes.reduce((sum, outcome) => sum + outcome.checks.length, 0);
  const failedChecks = outcomes.flatMap((outcome) => outcome.checks.filter((item) => !item.ok));
  context.out();
  context.out(bold('Summary'));
  const rows = outcomes.map((outcome) => {
    const passed = outcome.checks.filter((item) => item.ok).length;
    const status = passed === outcome.checks.length ? green('ok') : red('FAILED');
    return [outcome.title, outcome.summary, `${passed}/${outcome.checks.length}`, formatDuration(outcome.ms), status];
  });
  for (const line of renderTable(['section', 'result', 'checks', 'time', 'status'], rows)) context.out(`  ${line}`);
  const totalMs = performance.now() - demoStart;
  context.out();
  if (failedChecks.length === 0) {
    context.out(green(`All ${totalChecks} checks passed in ${formatDuration(totalMs)}.`));
    return 0;
  }
  context.out(red(`${failedChecks.length} of ${totalChecks} checks failed in ${formatDuration(totalMs)}.`));
  return 1;
}
