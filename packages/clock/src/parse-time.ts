import { describeValue, quoteInput } from '@x/checks';
import { ClockTimeError } from './clock-error.js';
import type { ClockTime } from './clock-time.js';

const COLON = 58;
const DOT = 46;
const WHITESPACE = /\s/;
const MERIDIEM = /^([ap])m$/i;
const LETTER = /^\p{L}/u;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * The fast path of the hot functions: milliseconds since the last 12:00 of a string that is
 * exactly `H:MM`, `HH:MM`, `H:MM:SS`, `HH:MM:SS` or those with `.f`, `.ff`, `.fff` (24-hour, no
 * whitespace, no AM/PM), or `-1` for anything else, which the caller then hands to
 * {@link parseTime} for the full grammar and its error messages. Reads char codes only: no
 * allocation. Must accept exactly what `parseTime` accepts, with the same result.
 */
export function simpleTimeMilliseconds(text: string): number {
  const n = text.length;
  let i = 0;
  let code = text.charCodeAt(0);
  if (!(code >= 48 && code <= 57)) return -1;
  let hours = code - 48;
  code = text.charCodeAt(1);
  if (code >= 48 && code <= 57) {
    hours = hours * 10 + code - 48;
    i = 2;
  } else {
    i = 1;
  }
  if (hours > 23 || text.charCodeAt(i) !== COLON) return -1;
  const minutes = twoDigits(text, i + 1);
  if (minutes < 0) return -1;
  i += 3;
  const base = (hours >= 12 ? hours - 12 : hours) * 3_600_000 + minutes * 60_000;
  if (i === n) return base;
  if (text.charCodeAt(i) !== COLON) return -1;
  const seconds = twoDigits(text, i + 1);
  if (seconds < 0) return -1;
  i += 3;
  if (i === n) return base + seconds * 1000;
  if (text.charCodeAt(i) !== DOT || n - i < 2 || n - i > 4) return -1;
  let fraction = 0;
  for (let j = i + 1; j < n; j++) {
    code = text.charCodeAt(j);
    if (!(code >= 48 && code <= 57)) return -1;
    fraction = fraction * 10 + code - 48;
  }
  const milliseconds = n - i === 2 ? fraction * 100 : n - i === 3 ? fraction * 10 : fraction;
  return base + seconds * 1000 + milliseconds;
}

/** Two digits from 00 to 59 at `i` not followed by a digit, or -1. */
function twoDigits(text: string, i: number): number {
  const tens = text.charCodeAt(i) - 48;
  const ones = text.charCodeAt(i + 1) - 48;
  if (!(tens >= 0 && tens <= 5 && ones >= 0 && ones <= 9)) return -1;
  const after = text.charCodeAt(i + 2);
  if (after >= 48 && after <= 57) return -1;
  return tens * 10 + ones;
}

/**
 * Reads a time of day from a string. Strict: anything it does not understand throws, nothing is
 * guessed or coerced.
 *
 * Accepted, with surrounding whitespace ignored:
 * - 24-hour `H:MM` or `HH:MM` (`3:45`, `03:45`, `15:45`, `0:00`, `23:59`); hours 0 to 23.
 * - optional seconds `H:MM:SS` (`15:45:30`) and, after seconds, a fraction of 1 to 3 digits read
 *   as milliseconds (`15:45:30.25` is 250 ms, `15:45:30.250` too, `15:45:30.5` is 500 ms).
 * - 12-hour input with an `AM`/`PM` suffix in any case, with or without whitespace before it
 *   (`3:45 PM`, `3:45pm`, `12:00 AM`); hours 1 to 12; `12:xx AM` is `00:xx`, `12:xx PM` is
 *   `12:xx`. Any Unicode space works, so the output of `toLocaleTimeString('en-US')` (which puts a
 *   narrow no-break space before `PM`) parses.
 *
 * Rejected with a {@link ClockTimeError} whose message says what was wrong: an empty string,
 * missing minutes (`3`), one-digit minutes (`3:5`), letters (`3:4x`), minutes or seconds over 59
 * (`3:60`), hour 24 or more (`24:00`), hour 0 or over 12 with AM/PM (`13:00 PM`), a sign (`-3:00`),
 * more than 3 fraction digits, anything after the time.
 *
 * @param input - The text to read.
 * @returns The time with hours from 0 to 23.
 * @throws {@link ClockTimeError} when `input` is not a string or not a valid time. Messages quote
 *   at most 60 characters of the input and say how long it was when cut.
 *
 * @example
 * ```ts
 * import { parseTime } from '@x/clock';
 * parseTime('3:45');          // { hours: 3, minutes: 45, seconds: 0, milliseconds: 0 }
 * parseTime('15:45:30.25');   // { hours: 15, minutes: 45, seconds: 30, milliseconds: 250 }
 * parseTime(' 12:05 am ');    // { hours: 0, minutes: 5, seconds: 0, milliseconds: 0 }
 * parseTime('3:60');          // throws ClockTimeError: Expected minutes to be from 00 to 59 in `3:60`, got `60`
 * ```
 */
export function parseTime(input: string): ClockTime {
  if (typeof input !== 'string') {
    throw new ClockTimeError(`Expected \`input\` to be a string, got ${describeValue(input)}`, input);
  }
  const text = input.trim();
  const n = text.length;
  const fail = (message: string) => new ClockTimeError(message, input);
  if (n === 0) {
    throw fail(
      `Expected a time like \`3:45\`, \`15:45:30.250\` or \`3:45 PM\`, got ${input.length === 0 ? 'an empty string' : 'only whitespace'}`,
    );
  }

  let i = 0;
  let runValue = 0;
  /** Reads a run of digits at `i` into `runValue`; returns how many there were. */
  const readRun = (): number => {
    const start = i;
    runValue = 0;
    while (i < n && isDigit(text.charCodeAt(i))) {
      runValue = runValue * 10 + (text.charCodeAt(i) - 48);
      i++;
    }
    return i - start;
  };
  /** The error for an unexpected character (or the end) at `i`. */
  const unexpected = (expected: string) => {
    const got = i < n ? `${quoteInput(text[i] as string)}` : 'the end of the input';
    const where = i === 0 ? 'at the start of' : `after ${quoteInput(text.slice(0, i))} in`;
    return fail(`Expected ${expected} ${where} ${quoteInput(text)}, got ${got}`);
  };
  /** Reads exactly two digits at `i` (minutes or seconds) and checks them against 59. */
  const readTwoDigits = (name: string): number => {
    const start = i;
    const length = readRun();
    if (length === 0) throw unexpected(`two-digit ${name}`);
    if (length === 1 && i < n) {
      const next = text.charCodeAt(i);
      if (next !== COLON && next !== DOT && !WHITESPACE.test(text[i]!)) throw unexpected('a digit');
    }
    if (length !== 2) {
      throw fail(`Expected ${name} to have two digits in ${quoteInput(text)}, got ${quoteInput(text.slice(start, i))}`);
    }
    if (runValue > 59)
      throw fail(
        `Expected ${name} to be from 00 to 59 in ${quoteInput(text)}, got ${quoteInput(text.slice(start, i))}`,
      );
    return runValue;
  };

  const first = text[0]!;
  if (first === '-' || first === '+' || first === '\u2212') {
    throw fail(`Expected a time without a sign in ${quoteInput(text)}, got ${quoteInput(first)}`);
  }

  // Hours: one or two digits, range checked once we know whether AM/PM follows.
  const hourLength = readRun();
  if (hourLength === 0) throw unexpected('an hour (1 or 2 digits)');
  if (hourLength > 2) {
    throw fail(`Expected the hour to have 1 or 2 digits in ${quoteInput(text)}, got ${quoteInput(text.slice(0, i))}`);
  }
  let hours = runValue;
  if (i >= n || text.charCodeAt(i) !== COLON) throw unexpected('`:` and minutes');
  i++;
  const minutes = readTwoDigits('minutes');

  let seconds = 0;
  let milliseconds = 0;
  if (i < n && text.charCodeAt(i) === COLON) {
    i++;
    seconds = readTwoDigits('seconds');
    if (i < n && text.charCodeAt(i) === DOT) {
      i++;
      const fractionLength = readRun();
      if (fractionLength === 0) throw unexpected('1 to 3 digits of milliseconds');
      if (fractionLength > 3) {
        throw fail(
          `Expected at most 3 fraction digits (milliseconds) in ${quoteInput(text)}, got ${quoteInput(text.slice(i - fractionLength, i))}`,
        );
      }
      milliseconds = fractionLength === 1 ? runValue * 100 : fractionLength === 2 ? runValue * 10 : runValue;
    }
  } else if (i < n && text.charCodeAt(i) === DOT) {
    throw unexpected('`:` and seconds before a fraction');
  }

  // Optional AM/PM, after optional whitespace; then the end.
  let meridiem: 'AM' | 'PM' | undefined;
  if (i < n) {
    const timeEnd = i;
    while (i < n && WHITESPACE.test(text[i]!)) i++;
    const rest = text.slice(i);
    const match = MERIDIEM.exec(rest);
    if (match) {
      meridiem = match[1]!.toLowerCase() === 'a' ? 'AM' : 'PM';
    } else if (i > timeEnd || LETTER.test(rest)) {
      throw fail(
        `Expected \`AM\` or \`PM\` after ${quoteInput(text.slice(0, timeEnd))} in ${quoteInput(text)}, got ${quoteInput(rest)}`,
      );
    } else {
      throw unexpected('the end of the time, `AM` or `PM`');
    }
  }

  if (meridiem === undefined) {
    if (hours > 23) throw fail(`Expected the hour to be from 0 to 23 in ${quoteInput(text)}, got \`${hours}\``);
  } else {
    if (hours < 1 || hours > 12) {
      throw fail(`Expected the hour to be from 1 to 12 with ${meridiem} in ${quoteInput(text)}, got \`${hours}\``);
    }
    hours = (hours % 12) + (meridiem === 'PM' ? 12 : 0);
  }
  return { hours, minutes, seconds, milliseconds };
}
