import { Command, CommanderError } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import { type CliContext, processContext } from './cli-context.js';
import { registerBatchCommand } from './commands/batch-command.js';
import { registerClockCommand } from './commands/clock-command.js';
import { registerDemoCommand } from './commands/demo-command.js';
import { registerLcaCommand } from './commands/lca-command.js';
import { registerTicketingCommand } from './commands/ticketing-command.js';
import { UsageError } from './usage-error.js';

/** Exit codes of the `x` tool. */
export const ExitCode = { ok: 0, failure: 1, usage: 2 } as const;

/** Commander codes that mean "the user asked for this output", not an error. */
const informational = new Set(['commander.helpDisplayed', 'commander.version']);

/**
 * Builds the `x` program. Settings (exit override, silent error output) are set before the
 * subcommands are added so every subcommand inherits them.
 */
export function createProgram(context: CliContext, failing: { command?: Command } = {}): Command {
  const program = new Command('x')
    .description(
      'The x libraries from the command line: clock angles, tree LCA, flash sales, LLM batch jobs, the demo.',
    )
    .version(packageJson.version, '-V, --version', 'print the version of x')
    .option('--verbose', 'print stack traces and extra detail on errors')
    .helpOption('-h, --help', 'show help for the command')
    .showHelpAfterError(false)
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
      // The single top-level handler in runCli prints the one-line error instead.
      outputError: () => {},
    });
  program.addHelpText(
    'after',
    "\nExit codes: 0 success, 1 failure, 2 bad usage.\nRun `x <command> --help` for a command's options.",
  );
  registerClockCommand(program, context);
  registerLcaCommand(program, context);
  registerTicketingCommand(program, context);
  registerBatchCommand(program, context);
  registerDemoCommand(program, context);
  // Remember which command failed to parse, so the error line can point at its --help.
  const remember = (command: Command) => {
    command.configureOutput({ outputError: () => (failing.command = command) });
    command.hook('preAction', (_self, actionCommand) => {
      failing.command = actionCommand;
    });
    for (const sub of command.commands) remember(sub);
  };
  remember(program);
  return program;
}

/** `x clock`, `x batch run`: the command's name as typed. */
function commandPath(command: Command | undefined): string {
  const names: string[] = [];
  for (let current = command; current; current = current.parent ?? undefined) names.unshift(current.name());
  return names.length === 0 ? 'x' : names.join(' ');
}

/** The most characters of an error message the one error line shows; a longer one is cut. */
const MAX_ERROR_CHARS = 600;

/**
 * An error message as one line of bounded length: a huge argument quoted by commander or a
 * library (a 100,000-digit time) must not become a huge line.
 */
function oneLine(text: string): string {
  const line = text
    .slice(0, 4 * MAX_ERROR_CHARS)
    .replace(/^error:\s*/i, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  if (line.length <= MAX_ERROR_CHARS && text.length <= 4 * MAX_ERROR_CHARS) return line;
  return `${line.slice(0, MAX_ERROR_CHARS - 1)}… (message cut from ${text.length} characters)`;
}

/**
 * The `at …` lines of an error's stack, for `--verbose`: the stack's first lines repeat the
 * message, which the error line above already shows (cut to a bounded length).
 */
function stackFrames(error: Error): string {
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return frames.length === 0 ? '    at (no stack)' : frames.join('\n');
}

/**
 * Runs the `x` tool on `argv` (the arguments after the program name) and resolves to its exit
 * code. Every error ends here: one line on standard error naming what was wrong, the stack only
 * with `--verbose`.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  let verbose = argv.includes('--verbose');
  const context = processContext(() => verbose);
  const failing: { command?: Command } = {};
  const program = createProgram(context, failing);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    verbose ||= program.opts().verbose === true;
    return ExitCode.ok;
  } catch (error) {
    verbose ||= program.opts().verbose === true;
    if (error instanceof CommanderError) {
      if (informational.has(error.code)) return ExitCode.ok;
      // `x help` and `x help <command>` asked for the help (exit code 0, help on stdout); `x`
      // alone (or `x batch` alone) did not: commander printed the help to stderr.
      if (error.code === 'commander.help') return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
      context.err(`x: ${oneLine(error.message)} (see \`${commandPath(failing.command)} --help\`)`);
      if (verbose) context.err(stackFrames(error));
      return ExitCode.usage;
    }
    if (error instanceof UsageError) {
      context.err(`x: ${oneLine(error.message)} (see \`${commandPath(failing.command)} --help\`)`);
      if (verbose) context.err(stackFrames(error));
      return ExitCode.usage;
    }
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    context.err(`x: ${oneLine(message)}`);
    if (verbose) {
      if (error instanceof Error) context.err(stackFrames(error));
      if (error instanceof Error && error.cause !== undefined)
        context.err(`caused by: ${oneLine(String(error.cause))}`);
    }
    return ExitCode.failure;
  }
}
