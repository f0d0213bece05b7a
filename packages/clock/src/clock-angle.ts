/**
 * The smaller angle, in degrees, between the hour and minute hands at `hours:minutes`.
 *
 * The hour hand moves 30° per hour and 0.5° per minute; the minute hand 6° per minute.
 *
 * @param hours - 0 to 23 (a 24-hour clock face is folded onto 12 hours).
 * @param minutes - 0 to 59.
 * @returns The angle in `[0, 180]`.
 * @throws {@link ClockTimeError} when `hours` or `minutes` is not an integer in range.
 *
 * @example
 * ```ts
 * import { clockAngle } from '@x/clock';
 * clockAngle(3, 45); // 157.5
 * ```
 */
export function clockAngle(hours: number, minutes: number): number {
  if (!Number.isInteger(hours) || hours < 0 || hours > 23) {
    throw new ClockTimeError(`${hours}:${minutes}`, `Expected hours to be an integer from 0 to 23, got \`${hours}\``);
  }
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 59) {
    throw new ClockTimeError(
      `${hours}:${minutes}`,
      `Expected minutes to be an integer from 0 to 59, got \`${minutes}\``,
    );
  }
  // Work in half-degrees so the arithmetic stays in integers.
  const halfDegrees = Math.abs(60 * (hours % 12) - 11 * minutes) % 720;
  return Math.min(halfDegrees, 720 - halfDegrees) / 2;
}

/**
 * Thrown when a time is not a valid clock time. `input` holds what was given.
 *
 * @example
 * ```ts
 * try { clockAngle(3, 60); } catch (error) { if (error instanceof ClockTimeError) console.log(error.input); }
 * ```
 */
export class ClockTimeError extends RangeError {
  override name = 'ClockTimeError';
  /** The input that was rejected. */
  readonly input: string;
  constructor(input: string, message: string) {
    super(message);
    this.input = input;
  }
}
