import { describeValue, quoteInput } from '@x/checks';

/**
 * The base class of every error `@x/clock` throws for a value of the right type but an invalid
 * value: a malformed time, an angle out of range, an invalid option. It extends `RangeError`, so
 * `catch (e) { if (e instanceof RangeError) ... }` also catches it.
 *
 * An argument of the wrong JavaScript type (`parseTime(42)`, `clockAngle(null)`,
 * `timesForAngle('90')`, options that are not an object) throws a plain `TypeError` instead.
 *
 * @example
 * ```ts
 * import { ClockError, clockAngle } from '@x/clock';
 * try {
 *   clockAngle('3:60');
 * } catch (error) {
 *   if (error instanceof ClockError) console.log(error.message);
 *   // Expected minutes to be from 00 to 59 in `3:60`, got `60`
 * }
 * ```
 */
export class ClockError extends RangeError {
  /** The class name, `'ClockError'`, so that logs and `error.name` checks can tell the errors apart. */
  override name = 'ClockError';
}

/**
 * Thrown when a time is not a valid clock time: a string `parseTime` cannot read, a
 * {@link ClockTime} object whose fields are not integers in range, an invalid `Date`, a value
 * that is none of these, or an object whose fields could not be read (a getter or proxy trap
 * threw; the error it threw is the `cause`). `input` holds the rejected value as it was given.
 *
 * @example
 * ```ts
 * import { ClockTimeError, parseTime } from '@x/clock';
 * try {
 *   parseTime('13:00 PM');
 * } catch (error) {
 *   if (error instanceof ClockTimeError) console.log(error.input, error.message);
 *   // 13:00 PM  Expected the hour to be from 1 to 12 with PM in `13:00 PM`, got `13`
 * }
 * ```
 */
export class ClockTimeError extends ClockError {
  /** The class name, `'ClockTimeError'`, so that logs and `error.name` checks can tell the errors apart. */
  override name = 'ClockTimeError';
  /** The rejected time, exactly as it was passed (a string, an object or a `Date`). */
  readonly input: unknown;
  constructor(message: string, input: unknown, options?: ErrorOptions) {
    super(message, options);
    this.input = input;
  }
}

/**
 * Thrown by {@link timesForAngle} when the angle is not a finite number of degrees from 0 to 180
 * (a value that is not a number at all included).
 * `angle` holds the rejected value.
 *
 * @example
 * ```ts
 * import { ClockAngleError, timesForAngle } from '@x/clock';
 * try {
 *   timesForAngle(200);
 * } catch (error) {
 *   if (error instanceof ClockAngleError) console.log(error.angle); // 200
 * }
 * ```
 */
export class ClockAngleError extends ClockError {
  /** The class name, `'ClockAngleError'`, so that logs and `error.name` checks can tell the errors apart. */
  override name = 'ClockAngleError';
  /** The rejected angle. */
  readonly angle: unknown;
  constructor(message: string, angle: unknown) {
    super(message);
    this.angle = angle;
  }
}

/**
 * Thrown when an option has an invalid value (`hands: ['hour', 'hour']`, `reflex: 'yes'`), when
 * an option key is unknown (`{ reflx: true }`: the message lists the valid ones), when `options`
 * is not an object, or when reading an option threw (the error is the `cause`). `option` names the
 * option (`options` for the object itself) and `value` holds what was given.
 *
 * @example
 * ```ts
 * import { ClockOptionsError, clockAngle } from '@x/clock';
 * try {
 *   clockAngle('3:45', { hands: ['hour', 'hour'] });
 * } catch (error) {
 *   if (error instanceof ClockOptionsError) console.log(error.option); // hands
 * }
 * ```
 */
export class ClockOptionsError extends ClockError {
  /** The class name, `'ClockOptionsError'`, so that logs and `error.name` checks can tell the errors apart. */
  override name = 'ClockOptionsError';
  /** The name of the rejected option. */
  readonly option: string;
  /** The rejected value. */
  readonly value: unknown;
  constructor(message: string, option: string, value: unknown, options?: ErrorOptions) {
    super(message, options);
    this.option = option;
    this.value = value;
  }
}

/** `TypeError: message` of something a getter or proxy threw, bounded; never throws itself. */
export function describeThrown(error: unknown): string {
  try {
    if (error instanceof Error)
      return quoteInput(`${String(error.name)}: ${String(error.message)}`.replace(/\s+/g, ' '));
  } catch {
    return 'an error that cannot be read';
  }
  return describeValue(error);
}
