import type { CliContext } from '../cli-context.js';

/** One named check of a demo section: what was verified and whether it held. */
export interface DemoCheck {
  name: string;
  ok: boolean;
  /** What was measured, shown when the check fails (and in verbose mode). */
  detail?: string;
}

/** What a section reports back for the summary table. */
export interface DemoSectionResult {
  /** One short line for the summary table (e.g. `5000/5000 succeeded, 12 failovers`). */
  summary: string;
  checks: DemoCheck[];
}

/** A part of the demo: a title and a run that prints as it goes and returns its checks. */
export interface DemoSection {
  title: string;
  run(context: CliContext): Promise<DemoSectionResult>;
}

/** Shorthand for a check. */
export function check(name: string, ok: boolean, detail?: string): DemoCheck {
  return detail === undefined ? { name, ok } : { name, ok, detail };
}
