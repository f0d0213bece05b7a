import { describeValue, expected, isDate } from '@x/checks';
import { MS_PER_HALF_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND } from './angle-units.js';
import { ClockTimeError, describeThrown } from './clock-error.js';
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
    throw new ClockTimeError(expected(name, `an integer from 0 to ${max}`, value), input);
  }
}

/**
 * Reads the four fields of an object once each (a getter is never read twice, so a time cannot
 * change between validation and use). A getter or proxy trap that throws becomes a
 * {@link ClockTimeError} with the thrown error as its `cause`.
 */
function readFields(time: object): [unknown, unknown, unknown, unknown] {
  try {
    const { hours, minutes, seconds, milliseconds } = time as Record<string, unknown>;
    return [hours, minutes, seconds, milliseconds];
  } catch (error) {
    throw unreadableTime(time, error);
  }
}

/** The error for a time object whose fields could not be read. */
export function unreadableTime(time: unknown, error: unknown): ClockTimeError {
  return new ClockTimeError(`Expected \`time\` to be readable, but reading it threw ${describeThrown(error)}`, time, {
    cause: error,
  });
}

/** Validates four fields read from `input` and returns them as a fresh {@link ClockTime}. */
function checkedFields(
  input: unknown,
  [hours, minutes, seconds, milliseconds]: [unknown, unknown, unknown, unknown],
): ClockTime {
  checkField(input, 'hours', hours, 23);
  checkField(input, 'minutes', minutes, 59);
  checkField(input, 'seconds', seconds, 59);
  checkField(input, 'milliseconds', milliseconds, 999);
  return {
    hours: hours as number,
    minutes: minutes as number,
    seconds: seconds as number,
    milliseconds: milliseconds as number,
  };
}

/**
 * The local wall-clock time of a `Date` from any realm: recognised by its internal slot, not by
 * `instanceof`, and read through `Date.prototype` so an overridden method cannot interfere.
 */
function dateFields(date: Date): ClockTime {
  if (Number.isNaN(Date.prototype.getTime.call(date))) {
    throw new ClockTimeError('Expected a valid `Date`, got `Invalid Date` (Date)', date);
  }
  return {
    hours: Date.prototype.getHours.call(date),
    minutes: Date.prototype.getMinutes.call(date),
    seconds: Date.prototype.getSeconds.call(date),
    milliseconds: Date.prototype.getMilliseconds.call(date),
  };
}

/** Validates any {@link TimeInput} and returns its fields as a fresh object (each read once). */
export function toClockTime(time: unknown): ClockTime {
  if (typeof time === 'string') return parseTime(time);
  if (isDate(time)) return dateFields(time);
  if (typeof time === 'object' && time !== null) return checkedFields(time, readFields(time));
  throw new ClockTimeError(
    `Expected \`time\` to be a string, a ClockTime object or a Date, got ${describeValue(time)}`,
    time,
  );
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
    // Each field is read once, here (no tuple: this is the hot path).
    let hours: number;
    let minutes: number;
    let seconds: number;
    let milliseconds: number;
    try {
      ({ hours, minutes, seconds, milliseconds } = time as ClockTime);
    } catch (error) {
      throw unreadableTime(time, error);
    }
    if (hasValidFields(hours, minutes, seconds, milliseconds)) {
      return (
        (hours >= 12 ? hours - 12 : hours) * MS_PER_HOUR +
        minutes * MS_PER_MINUTE +
        seconds * MS_PER_SECOND +
        milliseconds
      );
    }
    return generalHalfDayMilliseconds(time, [hours, minutes, seconds, milliseconds]);
  }
  if (typeof time === 'string') {
    const ms = simpleTimeMilliseconds(time);
    if (ms >= 0) return ms;
  }
  return halfDayMilliseconds(toClockTime(time));
}

/**
 * An object whose fields (already read, once) are not a valid time: a `Date`, or an invalid
 * {@link ClockTime}, checked from the same reads.
 */
export function generalHalfDayMilliseconds(time: object, fields: [unknown, unknown, unknown, unknown]): number {
  return halfDayMilliseconds(isDate(time) ? dateFields(time) : checkedFields(time, fields));
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
