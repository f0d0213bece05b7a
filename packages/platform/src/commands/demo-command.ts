import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { runDemo } from '../demo/run-demo.js';

/** Thrown to end the process with exit code 1 after the demo printed which checks failed. */
export class DemoChecksFailedError extends Error {
  override name = 'DemoChecksFailedError';
}

/** `x demo`: the end-to-end demo on embedded defaults. */
export function registerDemoCommand(program: Command, context: CliContext): void {
  program
    .command('demo')
    .description(
      'run the end-to-end demo on embedded defaults: clock angles, LCA on a 100,000-node tree, a flash sale, a 5000-task LLM job through a fleet of mock endpoints',
    )
    .action(async () => {
      const code = await runDemo(context);
      if (code !== 0) throw new DemoChecksFailedError('some demo checks failed (see the summary above)');
    });
}
