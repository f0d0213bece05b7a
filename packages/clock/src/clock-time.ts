import { MS_PER_HALF_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND } from './angle-units.js';
import { ClockTimeError, describeValue } from './clock-error.js';
import { parseTime, simpleTimeMilliseconds } from './parse-time.js';

/**
 * A wall-clock time of day, as {@link parseTime} returns it and as every function accepts it.
 * Every field is an integer; hours run on a 24-hour clock and are folded onto the 12-hour face
 * when angles are computed (`15:45` and `3:45` have the same angle).
 *
 * @example
 * ```ts
 * import { type ClockTime, clockAngle } from '@x/clock';
 * const time: ClockTime = { hours: 15, minutes: 45, seconds: 30, milliseconds: 250 };
 * clockAngle(time); // 160.27291666666667 (the double nearest 76931/480)
 * ```
 */
export interface ClockTime {
  /** Hours, an integer from 0 to 23. */
  readonly hours: number;
  /** Minutes, an integer from 0 to 59. */
  readonly minutes: number;
  /** Seconds, an integer from 0 to 59. */
  readonly seconds: number;
  /** Milliseconds, an integer from 0 to 999. */
  readonly milliseconds: number;
}

/**
 * Anything that names a time of day: a string in one of the formats {@link parseTime} reads, a
 * {@link ClockTime}, or a `Date` (its local wall-clock time: `getHours()`, `getMinutes()`, ...).
 *
 * @example
 * ```ts
 * import { type TimeInput, clockAngle } from '@x/clock';
 * const inputs: TimeInput[] = ['3:45', { hours: 3, minutes: 45, seconds: 0, milliseconds: 0 }, new Date(2024, 0, 1, 3, 45)];
 * inputs.map((time) => clockAngle(time)); // [157.5, 157.5, 157.5]
 * ```
 */
export type TimeInput = string | ClockTime | Date;

function checkField(input: unknown, name: string, value: unknown, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw new ClockTimeError(
      `Expected \`${name}\` to be an integer from 0 to ${max}, got ${describeValue(value)}`,
      input,
    );
  }
}

/** Validates any {@link TimeInput} and returns its fields. */
export function toClockTime(time: unknown): ClockTime {
  if (typeof time === 'string') return parseTime(time);
  if (time instanceof Date) {
    if (Number.isNaN(time.getTime())) {
      throw new ClockTimeError('Expected a valid `Date`, got `Invalid Date` (Date)', time);
    }
    return {
      hours: time.getHours(),
      minutes: time.getMinutes(),
      seconds: time.getSeconds(),
      milliseconds: time.getMilliseconds(),
    };
  }
  if (typeof time === 'object' && time !== null) {
    const { hours, minutes, seconds, milliseconds } = time as Record<string, unknown>;
    checkField(time, 'hours', hours, 23);
    checkField(time, 'minutes', minutes, 59);
    checkField(time, 'seconds', seconds, 59);
    checkField(time, 'milliseconds', milliseconds, 999);
    return time as ClockTime;
  }
  throw new TypeError(`Expected \`time\` to be a string, a ClockTime object or a Date, got ${describeValue(time)}`);
}

/** Milliseconds since the last 12:00 (0 to 43 199 999) of a validated {@link ClockTime}. */
export function halfDayMilliseconds(time: ClockTime): number {
  return (
    (time.hours >= 12 ? time.hours - 12 : time.hours) * MS_PER_HOUR +
    time.minutes * MS_PER_MINUTE +
    time.seconds * MS_PER_SECOND +
    time.milliseconds
  );
}

/**
 * Whether the four fields are integers in range: hours 0–23, minutes and seconds 0–59,
 * milliseconds 0–999. `(v & mask) === v` holds only for an integer number from 0 to `mask`
 * (a string, fraction, negative, NaN or out-of-range value changes under `&`), and is cheap.
 */
export function hasValidFields(hours: unknown, minutes: unknown, seconds: unknown, milliseconds: unknown): boolean {
  return (
    ((hours as number) & 31) === hours &&
    (hours as number) <= 23 &&
    ((minutes as number) & 63) === minutes &&
    (minutes as number) <= 59 &&
    ((seconds as number) & 63) === seconds &&
    (seconds as number) <= 59 &&
    ((milliseconds as number) & 1023) === milliseconds &&
    (milliseconds as number) <= 999
  );
}

/**
 * Validates any {@link TimeInput} and returns milliseconds since the last 12:00. This is the hot
 * path of the angle functions: valid `ClockTime` objects and plain `H:MM[:SS[.f]]` strings are
 * handled without allocating; everything else (and every error) goes through {@link toClockTime}.
 */
export function toHalfDayMilliseconds(time: unknown): number {
  if (typeof time === 'object' && time !== null) {
    // A Date has no `hours` field, so it fails this check and takes the general path below.
    const { hours, minutes, seconds, milliseconds } = time as ClockTime;
    if (hasValidFields(hours, minutes, seconds, milliseconds)) {
      return (
        (hours >= 12 ? hours - 12 : hours) * MS_PER_HOUR +
        minutes * MS_PER_MINUTE +
        seconds * MS_PER_SECOND +
        milliseconds
      );
    }
  } else if (typeof time === 'string') {
    const ms = simpleTimeMilliseconds(time);
    if (ms >= 0) return ms;
  }
  return generalHalfDayMilliseconds(time);
}

/** Everything the fast path leaves: Dates, AM/PM and padded strings, and every invalid input. */
function generalHalfDayMilliseconds(time: unknown): number {
  return halfDayMilliseconds(toClockTime(time));
}

/** The {@link ClockTime} (hours 0 to 11) of a number of milliseconds since 12:00. */
export function fromHalfDayMilliseconds(ms: number): ClockTime {
  const t = ms % MS_PER_HALF_DAY;
  return {
    hours: Math.floor(t / MS_PER_HOUR),
    minutes: Math.floor((t % MS_PER_HOUR) / MS_PER_MINUTE),
    seconds: Math.floor((t % MS_PER_MINUTE) / MS_PER_SECOND),
    milliseconds: t % MS_PER_SECOND,
  };
}
