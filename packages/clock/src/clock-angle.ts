import { FULL_TURN, HALF_TURN, reduceTurn, UNITS_PER_DEGREE, unitsToFraction } from './angle-units.js';
import {
  type ClockTime,
  generalHalfDayMilliseconds,
  hasValidFields,
  type TimeInput,
  toHalfDayMilliseconds,
  unreadableTime,
} from './clock-time.js';
import { HAND_SPEED, type Hand, readAngleOptions } from './hands.js';

/**
 * Options of {@link clockAngle}, {@link clockAngleFraction} and {@link explainClockAngle}.
 *
 * @example
 * ```ts
 * import { type ClockAngleOptions, clockAngle } from '@x/clock';
 * const options: ClockAngleOptions = { hands: ['minute', 'second'], reflex: true };
 * clockAngle('3:45:30', options); // 267
 * ```
 */
export interface ClockAngleOptions {
  /**
   * The two hands to measure between, in either order (the angle is symmetric). They must be
   * different hands.
   *
   * @defaultValue `['hour', 'minute']`
   */
  readonly hands?: readonly [Hand, Hand] | undefined;
  /**
   * `false`: the smaller angle, in degrees from 0 to 180. `true`: the larger (reflex) angle,
   * `360 - smaller`, in degrees from 180 to 360.
   *
   * @defaultValue `false`
   */
  readonly reflex?: boolean | undefined;
}

/**
 * An exact angle in degrees, `numerator / denominator`, in lowest terms. The denominator is
 * always a positive divisor of 120000, and `0` is `0/1`.
 *
 * @example
 * ```ts
 * import { type AngleFraction, clockAngleFraction } from '@x/clock';
 * const { numerator, denominator }: AngleFraction = clockAngleFraction('3:45:01');
 * numerator / denominator; // 157.59166666666667 (= 18911/120)
 * ```
 */
export interface AngleFraction {
  /** A non-negative integer. */
  readonly numerator: number;
  /** A positive integer dividing 120000. */
  readonly denominator: number;
}

/**
 * Each hand's angle in degrees, clockwise from 12, each in `[0, 360)`.
 *
 * @example
 * ```ts
 * import { type HandPositions, handPositions } from '@x/clock';
 * const { hour, minute, second }: HandPositions = handPositions('3:45:30');
 * // hour 112.75, minute 273, second 180
 * ```
 */
export interface HandPositions {
  /** The hour hand: 30° per hour, plus 0.5° per minute, 1/120° per second, 1/120000° per ms. */
  readonly hour: number;
  /** The minute hand: 6° per minute, plus 0.1° per second, 1/10000° per ms. */
  readonly minute: number;
  /** The second hand: 6° per second, plus 0.006° per ms. */
  readonly second: number;
}

const HOUR_MINUTE_SPEED_GAP = HAND_SPEED.minute - HAND_SPEED.hour;

/** The angle, in units of 1/120000°, that `options` asks for at `time`. */
function angleUnits(time: TimeInput, options: ClockAngleOptions | undefined, where: string): number {
  const ms = toHalfDayMilliseconds(time);
  if (options === undefined) return angleUnitsAt(ms, HOUR_MINUTE_SPEED_GAP, false);
  const { hands, reflex } = readAngleOptions(options, where);
  return angleUnitsAt(ms, Math.abs(HAND_SPEED[hands[0]] - HAND_SPEED[hands[1]]), reflex);
}

/** The angle in units between two hands whose speeds differ by `speedGap`, `ms` after 12:00. */
function angleUnitsAt(ms: number, speedGap: number, reflex: boolean): number {
  // Positions are (speed × ms) mod FULL_TURN, so the gap between two hands is
  // (|speedA − speedB| × ms) mod FULL_TURN, an exact integer (below 720 × 43 200 000 < 2^35).
  const gap = reduceTurn(speedGap * ms);
  // invariant: smaller is in [0, HALF_TURN], reflex in [HALF_TURN, FULL_TURN]
  const smaller = gap > HALF_TURN ? FULL_TURN - gap : gap;
  return reflex ? FULL_TURN - smaller : smaller;
}

/**
 * The angle between two hands of an analog clock, in degrees.
 *
 * Hands move continuously: the minute hand moves with seconds and milliseconds, the hour hand with
 * minutes, seconds and milliseconds, the second hand with milliseconds. Hours 12 to 23 fold onto
 * the 12-hour face.
 *
 * **Precision:** the result is the correctly rounded double of the exact rational angle. The angle
 * is computed in integers (units of 1/120000°, all below 2^53) and divided once at the end; one
 * IEEE division of two exactly represented integers is correctly rounded. So `3:45` is exactly
 * `157.5`, never `157.49999999999997`, and an angle that has no exact double (like `3:45:01`,
 * 18911/120°) is the double nearest to it.
 *
 * @param time - A string {@link parseTime} reads, a {@link ClockTime}, or a `Date` (local time).
 * @param options - Which hands, and smaller or reflex angle. See {@link ClockAngleOptions}.
 * @returns The smaller angle in `[0, 180]`, or with `reflex: true` the larger one in `[180, 360]`.
 * @throws {@link ClockTimeError} when the time is invalid (malformed string, field out of range,
 *   invalid `Date`).
 * @throws {@link ClockTimeError} also when `time` is not a string, object or `Date`.
 * @throws {@link ClockOptionsError} when `hands` or `reflex` is invalid, an option key is
 *   unknown, or `options` is not an object.
 *
 * @example
 * ```ts
 * import { clockAngle } from '@x/clock';
 * clockAngle('3:45');                                  // 157.5
 * clockAngle('12:30');                                 // 165
 * clockAngle('6:00');                                  // 180
 * clockAngle('3:45', { reflex: true });                // 202.5
 * clockAngle('3:45:30', { hands: ['minute', 'second'] }); // 93
 * clockAngle({ hours: 15, minutes: 45, seconds: 0, milliseconds: 0 }); // 157.5
 * clockAngle(new Date(2024, 0, 1, 9, 0));               // 90
 * ```
 */
export function clockAngle(time: TimeInput, options?: ClockAngleOptions): number {
  if (options === undefined && typeof time === 'object' && time !== null) {
    // The common case, a valid ClockTime and the default hands, without any reduction mod 360°:
    // hour − minute = (3 600 000 h + 60 000 m + 1000 s + ms) − (720 000 m + 12 000 s + 12 ms) units.
    // Each field is read once: an invalid time is checked from the same reads.
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
      const signed =
        (hours >= 12 ? hours - 12 : hours) * 3_600_000 - minutes * 660_000 - seconds * 11_000 - milliseconds * 11;
      // invariant: |signed| < FULL_TURN, as both positions are in [0, FULL_TURN).
      // Math.abs also turns the -0 of `hours: -0` into 0.
      const gap = Math.abs(signed);
      return (gap > HALF_TURN ? FULL_TURN - gap : gap) / UNITS_PER_DEGREE;
    }
    const ms = generalHalfDayMilliseconds(time, [hours, minutes, seconds, milliseconds]);
    return angleUnitsAt(ms, HOUR_MINUTE_SPEED_GAP, false) / UNITS_PER_DEGREE;
  }
  return angleUnits(time, options, 'clockAngle') / UNITS_PER_DEGREE;
}

/**
 * The exact angle between two hands, as a fraction of degrees in lowest terms. Same inputs,
 * options and errors as {@link clockAngle}; `clockAngle(t, o)` is exactly
 * `numerator / denominator` of `clockAngleFraction(t, o)`.
 *
 * @example
 * ```ts
 * import { clockAngleFraction } from '@x/clock';
 * clockAngleFraction('3:45');    // { numerator: 315, denominator: 2 }      (157.5°)
 * clockAngleFraction('3:45:01'); // { numerator: 18911, denominator: 120 }  (157.591666...°)
 * clockAngleFraction('12:00');   // { numerator: 0, denominator: 1 }
 * ```
 */
export function clockAngleFraction(time: TimeInput, options?: ClockAngleOptions): AngleFraction {
  return unitsToFraction(angleUnits(time, options, 'clockAngleFraction'));
}

/**
 * Where each hand points, in degrees clockwise from 12, each in `[0, 360)` and correctly rounded
 * like {@link clockAngle}.
 *
 * @param time - A string {@link parseTime} reads, a {@link ClockTime}, or a `Date` (local time).
 * @throws {@link ClockTimeError} when the time is invalid or not a string, object or `Date`.
 *
 * @example
 * ```ts
 * import { handPositions } from '@x/clock';
 * handPositions('3:45');       // { hour: 112.5, minute: 270, second: 0 }
 * handPositions('9:15:30.5');  // { hour: 277.75416666666666, minute: 93.05, second: 183 }
 * ```
 */
export function handPositions(time: TimeInput): HandPositions {
  const ms = toHalfDayMilliseconds(time);
  return {
    hour: reduceTurn(HAND_SPEED.hour * ms) / UNITS_PER_DEGREE,
    minute: reduceTurn(HAND_SPEED.minute * ms) / UNITS_PER_DEGREE,
    second: reduceTurn(HAND_SPEED.second * ms) / UNITS_PER_DEGREE,
  };
}
