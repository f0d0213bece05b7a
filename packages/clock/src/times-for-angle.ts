import { describeValue } from '@x/checks';
import { FULL_TURN, MS_PER_HALF_DAY, UNITS_PER_DEGREE } from './angle-units.js';
import { ClockAngleError } from './clock-error.js';
import { type ClockTime, fromHalfDayMilliseconds } from './clock-time.js';
import { HAND_SPEED, type Hand, readTimesOptions } from './hands.js';

/**
 * Options of {@link timesForAngle}.
 *
 * @example
 * ```ts
 * import { type TimesForAngleOptions, timesForAngle } from '@x/clock';
 * const options: TimesForAngleOptions = { hands: ['minute', 'second'] };
 * timesForAngle(0, options).length; // 708
 * ```
 */
export interface TimesForAngleOptions {
  /**
   * The two hands, in either order. They must be different hands.
   *
   * @defaultValue `['hour', 'minute']`
   */
  readonly hands?: readonly [Hand, Hand] | undefined;
}

/** `x` as an exact fraction `numerator / 2^shift` (every finite double is one). */
function exactDyadic(x: number): { numerator: bigint; denominator: bigint } {
  let shift = 0n;
  let scaled = x;
  // Doubling is exact, and for x <= 180 at most 1074 doublings reach an integer below 2^53.
  while (!Number.isInteger(scaled)) {
    scaled *= 2;
    shift++;
  }
  return { numerator: BigInt(scaled), denominator: 1n << shift };
}

/** `numerator / denominator` (both positive) rounded to the nearest integer, ties up. */
function roundHalfUp(numerator: bigint, denominator: bigint): number {
  return Number((2n * numerator + denominator) / (2n * denominator));
}

/**
 * Every instant in `[00:00, 12:00)` at which two hands form exactly `angle` degrees (the smaller
 * angle between them), sorted, each rounded to the nearest millisecond.
 *
 * The gap between two hands grows at `k` turns per 12 hours, `k = |speedA − speedB|` in turns per
 * 12 h: 11 for hour/minute, 719 for hour/second, 708 for minute/second. So it takes each value
 * `k` times going one way round and `k` times the other: `k` instants for 0° and 180°, `2k` for
 * any angle strictly between (22 for hour/minute). The instants are solved exactly in rationals
 * (`angle` is read as the exact value of its double) and only then rounded to the millisecond,
 * ties to the later millisecond. An instant less than half a millisecond before 12:00 rounds to
 * `00:00:00.000` and sorts first. For angles within `k / 240000`° of 0° or 180°, two exact instants are
 * less than a millisecond apart and may round to the same millisecond; both are kept, so the count
 * is always `k` or `2k`.
 *
 * Round trip: `clockAngle(t, { hands })` differs from `angle` by at most the distance the gap
 * moves in half a millisecond, `k / 240000`° (0.0000458° for hour/minute).
 *
 * @param angle - Degrees, a finite number from 0 to 180.
 * @param options - Which hands. See {@link TimesForAngleOptions}.
 * @returns The times, with hours from 0 to 11, sorted from 00:00.
 * @throws {@link ClockAngleError} (a `RangeError`) when `angle` is not a finite number from 0 to 180.
 * @throws {@link ClockOptionsError} when `hands` is invalid, an option key is unknown, or
 *   `options` is not an object.
 *
 * @example
 * ```ts
 * import { timesForAngle } from '@x/clock';
 * timesForAngle(0).length;   // 11
 * timesForAngle(0)[1];       // { hours: 1, minutes: 5, seconds: 27, milliseconds: 273 }
 * timesForAngle(180)[0];     // { hours: 0, minutes: 32, seconds: 43, milliseconds: 636 }
 * timesForAngle(90).length;  // 22
 * timesForAngle(90, { hands: ['minute', 'second'] }).length; // 1416
 * ```
 */
export function timesForAngle(angle: number, options?: TimesForAngleOptions): ClockTime[] {
  if (typeof angle !== 'number' || !Number.isFinite(angle) || angle < 0 || angle > 180) {
    throw new ClockAngleError(
      `Expected \`angle\` to be a finite number of degrees from 0 to 180, got ${describeValue(angle)}`,
      angle,
    );
  }
  const [a, b] = readTimesOptions(options).hands;
  const k = BigInt(Math.abs(HAND_SPEED[a] - HAND_SPEED[b]));

  // In units of 1/120000°, the gap at t ms is (k × t) mod FULL_TURN, so the instants are the t in
  // [0, 12 h) with k × t ≡ ±A (mod FULL_TURN), A = angle × 120000 = p × 120000 / q exactly:
  //   t = (j × FULL_TURN + A) / k  for j = 0 … k−1
  //   t = (j × FULL_TURN − A) / k  for j = 1 … k   (the same instants when A is 0 or a half turn)
  const { numerator: p, denominator: q } = exactDyadic(angle);
  const turn = BigInt(FULL_TURN) * q; // FULL_TURN in units of 1/q
  const target = p * BigInt(UNITS_PER_DEGREE); // A in units of 1/q
  const denominator = k * q;
  const instants: number[] = [];
  for (let j = 0n; j < k; j++) instants.push(roundHalfUp(j * turn + target, denominator));
  if (target !== 0n && 2n * target !== turn) {
    for (let j = 1n; j <= k; j++) instants.push(roundHalfUp(j * turn - target, denominator));
  }
  // Rounding can only reach 12:00 from below; 12:00 is 00:00 on the face.
  const wrapped = instants.map((ms) => (ms === MS_PER_HALF_DAY ? 0 : ms));
  wrapped.sort((x, y) => x - y);
  return wrapped.map(fromHalfDayMilliseconds);
}
