import { FULL_TURN, HALF_TURN, UNITS_PER_DEGREE, unitsToFraction } from './angle-units.js';
import type { ClockAngleOptions } from './clock-angle.js';
import { type ClockTime, halfDayMilliseconds, type TimeInput, toClockTime } from './clock-time.js';
import { HAND_SPEED, type Hand, readAngleOptions } from './hands.js';

/** An exact angle (in units of 1/120000°) as a person would write it: `112.5°` or `1/480° (≈ 0.002083°)`. */
function formatDegrees(units: number): string {
  const { numerator, denominator } = unitsToFraction(units);
  // A denominator dividing 10^6 has a terminating decimal of at most 6 places, which the shortest
  // round-trip rendering of the (correctly rounded) double reproduces exactly.
  if (1_000_000 % denominator === 0) return `${numerator / denominator}°`;
  return `${numerator}/${denominator}° (≈ ${(numerator / denominator).toFixed(6)}°)`;
}

function formatTime(time: ClockTime): string {
  const pad = (value: number, width: number) => String(value).padStart(width, '0');
  return `${time.hours}:${pad(time.minutes, 2)}:${pad(time.seconds, 2)}.${pad(time.milliseconds, 3)}`;
}

/** A term of a hand's position: rate (text), count, unit name, and the term's value in units. */
interface Term {
  readonly rate: string;
  readonly count: number;
  readonly unit: string;
  readonly units: number;
}

const RATE_LINES: Readonly<Record<Hand, string>> = {
  hour: 'The hour hand turns 360° in 12 h: 30° per hour, 0.5° per minute, 1/120° per second, 1/120000° per millisecond.',
  minute: 'The minute hand turns 360° in 60 min: 6° per minute, 0.1° per second, 0.0001° per millisecond.',
  second: 'The second hand turns 360° in 60 s: 6° per second, 0.006° per millisecond.',
};

function handTerms(hand: Hand, time: ClockTime): Term[] {
  const h = time.hours % 12;
  const { minutes: m, seconds: s, milliseconds: ms } = time;
  // Terms in units of 1/120000°; a term whose count is 0 is left out, except the hand's own unit.
  const all: Term[] =
    hand === 'hour'
      ? [
          { rate: '30°', count: h, unit: 'h', units: h * 3_600_000 },
          { rate: '0.5°', count: m, unit: 'min', units: m * 60_000 },
          { rate: '1/120°', count: s, unit: 's', units: s * 1000 },
          { rate: '1/120000°', count: ms, unit: 'ms', units: ms },
        ]
      : hand === 'minute'
        ? [
            { rate: '6°', count: m, unit: 'min', units: m * 720_000 },
            { rate: '0.1°', count: s, unit: 's', units: s * 12_000 },
            { rate: '0.0001°', count: ms, unit: 'ms', units: ms * 12 },
          ]
        : [
            { rate: '6°', count: s, unit: 's', units: s * 720_000 },
            { rate: '0.006°', count: ms, unit: 'ms', units: ms * 720 },
          ];
  return all.filter((term, index) => index === 0 || term.count !== 0);
}

const LABELS: Readonly<Record<Hand, string>> = {
  hour: 'Hour hand:  ',
  minute: 'Minute hand:',
  second: 'Second hand:',
};

/**
 * The derivation of {@link clockAngle} as a person would write it on a whiteboard: how fast each
 * hand turns, each hand's angle from 12 term by term (30° per hour, 0.5° per minute, 1/120° per
 * second, ...), the difference, and the step to the smaller (or reflex) angle. Exact throughout:
 * values without a finite decimal are shown as fractions with a rounded decimal beside them. The
 * final line is `Angle: <clockAngle(time, options)>°`.
 *
 * Same inputs, options and errors as {@link clockAngle}.
 *
 * @example
 * ```ts
 * import { explainClockAngle } from '@x/clock';
 * console.log(explainClockAngle('3:45'));
 * // Time 3:45:00.000.
 * // The hour hand turns 360° in 12 h: 30° per hour, 0.5° per minute, 1/120° per second, 1/120000° per millisecond.
 * // The minute hand turns 360° in 60 min: 6° per minute, 0.1° per second, 0.0001° per millisecond.
 * // Hour hand:   30° × 3 h + 0.5° × 45 min = 90° + 22.5° = 112.5° from 12
 * // Minute hand: 6° × 45 min = 270° from 12
 * // Difference:  |112.5° − 270°| = 157.5°
 * // 157.5° ≤ 180°, so the smaller angle is 157.5°.
 * // Angle: 157.5°
 * ```
 */
export function explainClockAngle(time: TimeInput, options?: ClockAngleOptions): string {
  // Each field and option is read once: what is shown is what was validated.
  const clockTime = toClockTime(time);
  const { hands, reflex } = readAngleOptions(options, 'explainClockAngle');

  const lines: string[] = [];
  const shown = formatTime(clockTime);
  if (clockTime.hours >= 12) {
    const face = formatTime({ ...clockTime, hours: clockTime.hours % 12 });
    lines.push(`Time ${shown}, which is ${face} on the 12-hour face.`);
  } else {
    lines.push(`Time ${shown}.`);
  }
  for (const hand of hands) lines.push(RATE_LINES[hand]);

  const ms = halfDayMilliseconds(clockTime);
  const positions: number[] = [];
  for (const hand of hands) {
    const terms = handTerms(hand, clockTime);
    // invariant: the terms add up to the hand's position (less than a full turn)
    const position = (HAND_SPEED[hand] * ms) % FULL_TURN;
    const sum = terms.reduce((total, term) => total + term.units, 0);
    if (sum !== position) throw new Error(`internal: ${hand} hand terms add up to ${sum}, not ${position}`);
    positions.push(position);
    const products = terms.map((term) => `${term.rate} × ${term.count} ${term.unit}`).join(' + ');
    const values = terms.length > 1 ? ` = ${terms.map((term) => formatDegrees(term.units)).join(' + ')}` : '';
    lines.push(`${LABELS[hand]} ${products}${values} = ${formatDegrees(position)} from 12`);
  }

  const [first, second] = positions as [number, number];
  const difference = Math.abs(first - second);
  lines.push(`Difference:  |${formatDegrees(first)} − ${formatDegrees(second)}| = ${formatDegrees(difference)}`);
  let smaller = difference;
  if (difference > HALF_TURN) {
    smaller = FULL_TURN - difference;
    lines.push(
      `${formatDegrees(difference)} > 180°, so the smaller angle is 360° − ${formatDegrees(difference)} = ${formatDegrees(smaller)}.`,
    );
  } else {
    lines.push(`${formatDegrees(difference)} ≤ 180°, so the smaller angle is ${formatDegrees(smaller)}.`);
  }
  let answer = smaller;
  if (reflex) {
    answer = FULL_TURN - smaller;
    lines.push(`The reflex angle is 360° − ${formatDegrees(smaller)} = ${formatDegrees(answer)}.`);
  }
  lines.push(`Angle: ${answer / UNITS_PER_DEGREE}°`);
  return lines.join('\n');
}
