import { quoteInput } from '@x/checks';
import {
  ClockOptionsError,
  type ClockTime,
  ClockTimeError,
  clockAngle,
  clockAngleFraction,
  explainClockAngle,
  type Hand,
  parseTime,
} from '@x/clock';
import { type Command, InvalidArgumentError } from 'commander';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../usage-error.js';

const handNames: readonly Hand[] = ['hour', 'minute', 'second'];

/** Parses `--hands hour,minute` into the pair of hands; names the bad value otherwise. */
export function parseHands(value: string): [Hand, Hand] {
  const parts = value.split(',', 3).map((part) => part.trim().toLowerCase());
  if (parts.length !== 2) {
    throw new InvalidArgumentError(
      `Expected two hands separated by a comma (e.g. \`hour,minute\`), got ${quoteInput(value)}.`,
    );
  }
  for (const part of parts) {
    if (!(handNames as readonly string[]).includes(part)) {
      throw new InvalidArgumentError(`Expected each hand to be one of hour, minute, second, got ${quoteInput(part)}.`);
    }
  }
  if (parts[0] === parts[1]) {
    throw new InvalidArgumentError(`Expected two different hands, got ${quoteInput(value)}.`);
  }
  return parts as [Hand, Hand];
}

interface ClockOptions {
  hands: [Hand, Hand];
  reflex?: boolean;
  explain?: boolean;
  json?: boolean;
}

/** `x clock <time>`: the angle between two clock hands, e.g. `x clock 3:45` prints `157.5`. */
export function registerClockCommand(program: Command, context: CliContext): void {
  program
    .command('clock')
    .description('print the angle in degrees between two clock hands at a time (`x clock 3:45` prints 157.5)')
    .argument('<time>', 'H:MM, H:MM:SS or H:MM:SS.fff, 24-hour or with AM/PM (quote "3:45 PM")')
    .option('--hands <a,b>', 'the two hands, from hour, minute, second', parseHands, ['hour', 'minute'] as [Hand, Hand])
    .option('--reflex', 'print the larger (reflex) angle, 360 minus the smaller one')
    .option('--explain', 'print the whiteboard derivation of the angle')
    .option('--json', 'print a JSON object instead of text')
    .addHelpText(
      'after',
      '\nExamples:\n  x clock 3:45\n  x clock 15:45:30.250 --hands minute,second\n  x clock "12:30 AM" --explain',
    )
    .action((time: string, options: ClockOptions) => {
      let parsed: ClockTime;
      try {
        parsed = parseTime(time);
      } catch (error) {
        if (error instanceof ClockTimeError) throw new UsageError(`invalid <time> argument: ${error.message}`);
        throw error;
      }
      const angleOptions = { hands: options.hands, reflex: options.reflex === true };
      let angle: number;
      try {
        angle = clockAngle(parsed, angleOptions);
      } catch (error) {
        // an option value the library refuses is bad usage, named by its flag
        if (error instanceof ClockOptionsError) throw new UsageError(`invalid --${error.option}: ${error.message}`);
        throw error;
      }
      if (options.json) {
        const fraction = clockAngleFraction(parsed, angleOptions);
        context.out(
          JSON.stringify({
            time,
            parsed,
            hands: options.hands,
            reflex: angleOptions.reflex,
            angle,
            fraction,
            ...(options.explain ? { explanation: explainClockAngle(parsed, angleOptions) } : {}),
          }),
        );
        return;
      }
      if (options.explain) {
        context.out(explainClockAngle(parsed, angleOptions));
        return;
      }
      context.out(String(angle));
    });
}
