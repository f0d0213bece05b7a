import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ClockTime,
  clockAngle,
  clockAngleFraction,
  explainClockAngle,
  type Hand,
  handPositions,
  parseTime,
} from '../src/index.js';
import { ALL_PAIRS, exactAngle, exactHandDegrees, isCorrectlyRounded, Rational } from './exact-oracle.js';

const clockTime: fc.Arbitrary<ClockTime> = fc.record({
  hours: fc.integer({ min: 0, max: 23 }),
  minutes: fc.integer({ min: 0, max: 59 }),
  seconds: fc.integer({ min: 0, max: 59 }),
  milliseconds: fc.integer({ min: 0, max: 999 }),
});
const hands = fc.constantFrom(...ALL_PAIRS) as fc.Arbitrary<readonly [Hand, Hand]>;
const pad = (value: number, width: number) => String(value).padStart(width, '0');
const format = (time: ClockTime) =>
  `${time.hours}:${pad(time.minutes, 2)}:${pad(time.seconds, 2)}.${pad(time.milliseconds, 3)}`;

describe('the exact oracle itself', () => {
  it('recognises correct rounding and rejects a neighbour', () => {
    const third = new Rational(1n, 3n);
    expect(isCorrectlyRounded(1 / 3, third)).toBe(true);
    expect(isCorrectlyRounded(0.33333333333333337, third)).toBe(false);
    expect(isCorrectlyRounded(157.5, Rational.of(315, 2))).toBe(true);
    expect(isCorrectlyRounded(157.49999999999997, Rational.of(315, 2))).toBe(false);
  });
});

describe('clockAngle against an independent BigInt oracle', () => {
  it('is the correctly rounded double of the exact angle, for every pair of hands, smaller and reflex', () => {
    fc.assert(
      fc.property(clockTime, hands, fc.boolean(), (time, pair, reflex) => {
        const exact = exactAngle(time, pair, reflex);
        const angle = clockAngle(time, { hands: pair, reflex });
        expect(isCorrectlyRounded(angle, exact)).toBe(true);
        const fraction = clockAngleFraction(time, { hands: pair, reflex });
        expect(new Rational(BigInt(fraction.numerator), BigInt(fraction.denominator))).toEqual(exact);
        expect(fraction.numerator / fraction.denominator).toBe(angle);
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the same angle for a string, a ClockTime and a Date naming the same time', () => {
    fc.assert(
      fc.property(clockTime, (time) => {
        const date = new Date(2024, 0, 15, time.hours, time.minutes, time.seconds, time.milliseconds);
        const angle = clockAngle(time);
        expect(clockAngle(format(time))).toBe(angle);
        expect(clockAngle(date)).toBe(angle);
        expect(clockAngle({ ...time, hours: (time.hours + 12) % 24 })).toBe(angle);
      }),
      { numRuns: 1000 },
    );
  });

  it('smaller + reflex is exactly 360 and the smaller angle is within [0, 180]', () => {
    fc.assert(
      fc.property(clockTime, hands, (time, pair) => {
        const smaller = clockAngleFraction(time, { hands: pair });
        const reflex = clockAngleFraction(time, { hands: pair, reflex: true });
        const sum = Rational.of(smaller.numerator, smaller.denominator).add(
          Rational.of(reflex.numerator, reflex.denominator),
        );
        expect(sum).toEqual(Rational.of(360));
        expect(clockAngle(time, { hands: pair })).toBeGreaterThanOrEqual(0);
        expect(clockAngle(time, { hands: pair })).toBeLessThanOrEqual(180);
      }),
    );
  });

  it('handPositions are the correctly rounded hand angles, in [0, 360)', () => {
    fc.assert(
      fc.property(clockTime, (time) => {
        const positions = handPositions(time);
        const exact = exactHandDegrees(time);
        for (const hand of ['hour', 'minute', 'second'] as const) {
          expect(isCorrectlyRounded(positions[hand], exact[hand])).toBe(true);
          expect(positions[hand]).toBeLessThan(360);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("explainClockAngle ends with clockAngle's result", () => {
    fc.assert(
      fc.property(clockTime, hands, fc.boolean(), (time, pair, reflex) => {
        const text = explainClockAngle(time, { hands: pair, reflex });
        expect(text.split('\n').at(-1)).toBe(`Angle: ${clockAngle(time, { hands: pair, reflex })}°`);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the allocation-free fast paths agree with the general path', () => {
  const outcome = (call: () => unknown): unknown => {
    try {
      return call();
    } catch (error) {
      return `${(error as Error).name}: ${(error as Error).message}`;
    }
  };

  it('strings: clockAngle(s) is clockAngle(parseTime(s)), or the same error', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.stringMatching(/^\s?\d{1,3}:\d{1,3}(:\d{1,3}(\.\d{0,4})?)?\s?([AaPp][Mm])?$/)),
        (text) => {
          expect(outcome(() => clockAngle(text))).toEqual(outcome(() => clockAngle(parseTime(text))));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('objects: clockAngle accepts exactly what explainClockAngle accepts, with the same errors', () => {
    const field = fc.oneof(
      fc.integer({ min: -2, max: 1001 }),
      fc.double(),
      fc.constantFrom('3', null, undefined, true, -0, 2 ** 32 + 3, 2 ** 31 + 1),
    );
    fc.assert(
      fc.property(
        fc.oneof(clockTime, fc.record({ hours: field, minutes: field, seconds: field, milliseconds: field })),
        (time) => {
          const angle = outcome(() => clockAngle(time as never));
          const explained = outcome(() => explainClockAngle(time as never));
          if (typeof explained === 'string' && explained.startsWith('Time ')) {
            expect(explained.split('\n').at(-1)).toBe(`Angle: ${angle}°`);
          } else {
            expect(angle).toBe(explained);
          }
          expect(outcome(() => clockAngle(time as never, {}))).toEqual(angle);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
