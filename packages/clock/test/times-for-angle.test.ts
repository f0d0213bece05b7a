import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ClockAngleError,
  ClockError,
  ClockOptionsError,
  type ClockTime,
  clockAngle,
  type Hand,
  parseTime,
  timesForAngle,
} from '../src/index.js';
import { ALL_PAIRS, doubleToRational, exactAngle, Rational } from './exact-oracle.js';

const msOf = (time: ClockTime) => ((time.hours * 60 + time.minutes) * 60 + time.seconds) * 1000 + time.milliseconds;
const speedGap = (pair: readonly [Hand, Hand]) => {
  const speed = { hour: 1, minute: 12, second: 720 };
  return Math.abs(speed[pair[0]] - speed[pair[1]]);
};
const pad = (value: number, width: number) => String(value).padStart(width, '0');
const format = (time: ClockTime) =>
  `${time.hours}:${pad(time.minutes, 2)}:${pad(time.seconds, 2)}.${pad(time.milliseconds, 3)}`;

function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('timesForAngle: hour and minute hands', () => {
  it('finds the 11 overlaps, 12:00 first, each j × 12 h / 11 rounded to the ms', () => {
    const times = timesForAngle(0);
    expect(times.map(format)).toEqual([
      '0:00:00.000',
      '1:05:27.273',
      '2:10:54.545',
      '3:16:21.818',
      '4:21:49.091',
      '5:27:16.364',
      '6:32:43.636',
      '7:38:10.909',
      '8:43:38.182',
      '9:49:05.455',
      '10:54:32.727',
    ]);
  });

  it('finds the 11 times the hands are opposite, 6:00 among them', () => {
    const times = timesForAngle(180).map(format);
    expect(times).toHaveLength(11);
    expect(times[0]).toBe('0:32:43.636');
    expect(times).toContain('6:00:00.000');
  });

  it('finds 22 instants for angles strictly between 0 and 180', () => {
    for (const angle of [Number.MIN_VALUE, 0.5, 1, 45, 90, 157.5, 179.999, 180 - 2 ** -45]) {
      expect(timesForAngle(angle)).toHaveLength(22);
    }
    const right = timesForAngle(90).map(format);
    expect(right).toContain('3:00:00.000');
    expect(right).toContain('9:00:00.000');
    expect(timesForAngle(157.5).map(format)).toContain('3:45:00.000');
    expect(timesForAngle(165).map(format)).toContain('0:30:00.000');
  });

  it('keeps both instants when two round to the same millisecond, wrapping 12:00 to 00:00', () => {
    const times = timesForAngle(1e-300).map(format);
    expect(times).toHaveLength(22);
    // The instants a hair after 00:00 and a hair before 12:00 both round to 00:00:00.000.
    expect(times.slice(0, 3)).toEqual(['0:00:00.000', '0:00:00.000', '1:05:27.273']);
  });
});

describe('timesForAngle: other hands', () => {
  it.each<[readonly [Hand, Hand], number]>([
    [['hour', 'second'], 719],
    [['second', 'hour'], 719],
    [['minute', 'second'], 708],
    [['second', 'minute'], 708],
    [['minute', 'hour'], 11],
  ])('%j: k instants for 0° and 180°, 2k in between', (hands, k) => {
    expect(timesForAngle(0, { hands })).toHaveLength(k);
    expect(timesForAngle(180, { hands })).toHaveLength(k);
    expect(timesForAngle(42.25, { hands })).toHaveLength(2 * k);
  });

  it('finds 12:00:30 as the first time the hour and second hands are nearly opposite', () => {
    const first = timesForAngle(180, { hands: ['hour', 'second'] })[0]!;
    // t = 21 600 000 / 719 ms = 30 041.724... ms
    expect(format(first)).toBe('0:00:30.042');
  });
});

describe('timesForAngle: round trip against the exact oracle', () => {
  const pair = fc.constantFrom(...ALL_PAIRS) as fc.Arbitrary<readonly [Hand, Hand]>;
  const angle = fc.oneof(
    fc.double({ min: 0, max: 180, noNaN: true }),
    fc.integer({ min: 0, max: 180 }),
    fc.integer({ min: 0, max: 360 }).map((half) => half / 2),
    fc.constantFrom(0, 180, Number.MIN_VALUE, 180 - 2 ** -45),
  );

  it('every returned time has the angle, within what half a millisecond of hand motion can change', () => {
    fc.assert(
      fc.property(angle, pair, (target, hands) => {
        const k = speedGap(hands);
        const times = timesForAngle(target, { hands });
        const exactTarget = doubleToRational(target);
        // The gap between the hands moves k/120000° per ms; rounding moves t by at most 0.5 ms.
        const tolerance = new Rational(BigInt(k), 240000n);
        // Every instant for hour/minute; for the 700-odd of the other pairs, an even sample of 50.
        const step = Math.max(1, Math.floor(times.length / 50));
        for (const time of times.filter((_, index) => index % step === 0 || index === times.length - 1)) {
          const error = exactAngle(time, hands).sub(exactTarget).abs();
          expect(error.cmp(tolerance)).toBeLessThanOrEqual(0);
          expect(Math.abs(clockAngle(time, { hands }) - target)).toBeLessThanOrEqual(k / 240000 + 1e-12);
          expect(time.hours).toBeLessThan(12);
          expect(parseTime(format(time))).toEqual(time);
        }
        const expectedCount = target === 0 || target === 180 ? k : 2 * k;
        expect(times).toHaveLength(expectedCount);
        const ms = times.map(msOf);
        expect(ms).toEqual([...ms].sort((a, b) => a - b));
      }),
      { numRuns: 200 },
    );
  }, 60_000);

  it('finds every whole-millisecond time back from its own exact angle', () => {
    fc.assert(
      fc.property(
        fc.record({
          hours: fc.integer({ min: 0, max: 11 }),
          minutes: fc.integer({ min: 0, max: 59 }),
          seconds: fc.integer({ min: 0, max: 59 }),
          milliseconds: fc.integer({ min: 0, max: 999 }),
        }),
        (time) => {
          // clockAngle(time) is only the nearest double to the exact angle, so the instant solved
          // from it is within a hair of `time` and must round back to it.
          const found = timesForAngle(clockAngle(time)).map(format);
          expect(found).toContain(format(time));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('timesForAngle: invalid input', () => {
  it.each([
    [-1, '`-1` (number)'],
    [-0.000001, '`-0.000001` (number)'],
    [180.0000001, '`180.0000001` (number)'],
    [360, '`360` (number)'],
    [Number.NaN, '`NaN` (number)'],
    [Number.POSITIVE_INFINITY, '`Infinity` (number)'],
    [Number.NEGATIVE_INFINITY, '`-Infinity` (number)'],
  ])('%d → ClockAngleError (a RangeError)', (angle, got) => {
    const error = thrown(() => timesForAngle(angle));
    expect(error).toBeInstanceOf(ClockAngleError);
    expect(error).toBeInstanceOf(ClockError);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as ClockAngleError).name).toBe('ClockAngleError');
    expect((error as ClockAngleError).message).toBe(
      `Expected \`angle\` to be a finite number of degrees from 0 to 180, got ${got}`,
    );
    expect((error as ClockAngleError).angle).toBe(angle);
  });

  it.each([
    ['90', '`"90"` (string)'],
    [null, '`null` (null)'],
    [undefined, '`undefined` (undefined)'],
    [90n, '`90n` (bigint)'],
  ])('%s (not a number) → ClockAngleError', (angle, got) => {
    const error = thrown(() => timesForAngle(angle as never));
    expect(error).toBeInstanceOf(ClockAngleError);
    expect((error as Error).message).toBe(
      `Expected \`angle\` to be a finite number of degrees from 0 to 180, got ${got}`,
    );
  });

  it('rejects invalid hands and a non-object options with ClockOptionsError', () => {
    const error = thrown(() => timesForAngle(90, { hands: ['second', 'second'] }));
    expect(error).toBeInstanceOf(ClockOptionsError);
    expect((error as Error).message).toBe(
      "Expected `hands` to be two different hands out of 'hour', 'minute', 'second', got `[\"second\",\"second\"]` (array)",
    );
    expect(() => timesForAngle(90, 'hour' as never)).toThrow(ClockOptionsError);
    expect(() => timesForAngle(90, 'hour' as never)).toThrow(
      'Expected `options` to be an object, got `"hour"` (string)',
    );
  });
});
