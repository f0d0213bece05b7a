/**
 * The exact arithmetic everything in `@x/clock` runs on.
 *
 * Angles are counted in units of 1/120000 degree and time in milliseconds from the last 12:00
 * (a 12-hour face). In those units every hand sits on an integer at every whole millisecond:
 *
 * - hour hand:   360° per 12 h  = 43 200 000 units per 43 200 000 ms → 1 unit per ms
 * - minute hand: 360° per 1 h   = 43 200 000 units per  3 600 000 ms → 12 units per ms
 * - second hand: 360° per 1 min = 43 200 000 units per     60 000 ms → 720 units per ms
 *
 * Because each hand's speed divides a full turn a whole number of times per 12 hours, a hand's
 * position at `t` ms is `(speed × t) mod FULL_TURN`, and the gap between two hands is
 * `(|speedA − speedB| × t) mod FULL_TURN`. The largest intermediate, `720 × 43 200 000 ≈ 3.1e10`,
 * is far below `Number.MAX_SAFE_INTEGER`, so plain numbers hold it exactly.
 */

/** Units in one degree. */
export const UNITS_PER_DEGREE = 120_000;
/** Units in a full turn (360°). */
export const FULL_TURN = 43_200_000;
/** Units in a half turn (180°). */
export const HALF_TURN = 21_600_000;
/** Milliseconds in 12 hours: one turn of the hour hand. */
export const MS_PER_HALF_DAY = 43_200_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_SECOND = 1000;

const INVERSE_FULL_TURN = 1 / FULL_TURN;

/**
 * `units mod FULL_TURN` for a non-negative integer below 2^35, without the slow floating-point
 * `%`. The quotient `units × (1/FULL_TURN)` is within 2e-13 of the exact one, while a non-integer
 * exact quotient is at least 1/FULL_TURN ≈ 2.3e-8 from an integer, so `Math.floor` is exact except
 * when the exact quotient is an integer n and the product lands just below it: then the
 * remainder comes out as FULL_TURN and is corrected.
 */
export function reduceTurn(units: number): number {
  const remainder = units - FULL_TURN * Math.floor(units * INVERSE_FULL_TURN);
  // invariant: 0 <= result < FULL_TURN
  return remainder >= FULL_TURN ? remainder - FULL_TURN : remainder;
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const r = a % b;
    a = b;
    b = r;
  }
  return a;
}

/** An exact number of units as a fraction of degrees in lowest terms. */
export function unitsToFraction(units: number): { numerator: number; denominator: number } {
  const divisor = gcd(units, UNITS_PER_DEGREE);
  return { numerator: units / divisor, denominator: UNITS_PER_DEGREE / divisor };
}
