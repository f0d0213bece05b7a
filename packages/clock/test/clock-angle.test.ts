import { describe, expect, it } from 'vitest';
import {
  ClockError,
  ClockOptionsError,
  ClockTimeError,
  clockAngle,
  clockAngleFraction,
  type Hand,
  handPositions,
} from '../src/index.js';

const t = (hours: number, minutes: number, seconds = 0, milliseconds = 0) => ({
  hours,
  minutes,
  seconds,
  milliseconds,
});

function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('clockAngle: hour and minute hands', () => {
  it.each([
    ['3:45', 157.5],
    ['12:30', 165],
    ['3:15', 7.5],
    ['9:00', 90],
    ['6:00', 180],
    ['3:00', 90],
    ['12:00', 0],
    ['0:00', 0],
    ['12:00 AM', 0],
    ['12:00 PM', 0],
    ['15:45', 157.5],
    ['3:45 PM', 157.5],
    ['23:59', 5.5],
    ['11:59', 5.5],
    ['1:05', 2.5],
    ['6:30', 15],
    ['9:45', 22.5],
    ['2:20', 50],
    ['11:59:59.999', 11 / 120000],
    ['11:59:59', 0.09166666666666666],
    ['3:45:01', 157.59166666666667],
    ['0:00:00.001', 11 / 120000],
    ['0:32:43.636', 21599996 / 120000],
  ])('%s → %d°', (time, expected) => {
    expect(clockAngle(time)).toBe(expected);
  });

  it('is exact where the naive float formula is not', () => {
    // In floats, 30 × 4 + 0.5 × 56.2 − 6 × 56.2 folded to the smaller angle is 170.89999999999995.
    const naive = (h: number, m: number) => {
      const d = Math.abs(30 * h + 0.5 * m - 6 * m);
      return Math.min(d, 360 - d);
    };
    expect(naive(4, 56 + 12 / 60)).not.toBe(170.9);
    expect(clockAngle('4:56:12')).toBe(170.9);
  });

  it('accepts a ClockTime object, folding hours 12 to 23 onto the face', () => {
    expect(clockAngle(t(3, 45))).toBe(157.5);
    expect(clockAngle(t(15, 45))).toBe(157.5);
    expect(clockAngle(t(23, 59, 59, 999))).toBe(clockAngle('11:59:59.999'));
    expect(clockAngle(t(0, 0))).toBe(0);
  });

  it('never returns -0, even for fields that are -0', () => {
    const negativeZero = t(-0, -0, -0, -0);
    expect(Object.is(clockAngle(negativeZero), 0)).toBe(true);
    expect(Object.is(clockAngle(negativeZero, { hands: ['minute', 'second'] }), 0)).toBe(true);
    expect(Object.is(handPositions(negativeZero).hour, 0)).toBe(true);
    expect(clockAngleFraction(negativeZero)).toEqual({ numerator: 0, denominator: 1 });
  });

  it('accepts a Date and uses its local wall-clock time', () => {
    expect(clockAngle(new Date(2024, 0, 1, 3, 45))).toBe(157.5);
    expect(clockAngle(new Date(2024, 5, 30, 21, 0))).toBe(90);
    expect(clockAngle(new Date(2024, 0, 1, 11, 59, 59, 999))).toBe(clockAngle('11:59:59.999'));
  });

  it('reflex: true returns 360 − the smaller angle', () => {
    expect(clockAngle('3:45', { reflex: true })).toBe(202.5);
    expect(clockAngle('6:00', { reflex: true })).toBe(180);
    expect(clockAngle('12:00', { reflex: true })).toBe(360);
    expect(clockAngle('3:45', { reflex: false })).toBe(157.5);
    expect(clockAngle('3:45', {})).toBe(157.5);
  });
});

describe('clockAngle: other hands', () => {
  it.each<[string, [Hand, Hand], number]>([
    ['3:45:30', ['minute', 'second'], 93],
    ['3:45:30', ['second', 'minute'], 93],
    ['3:45:30', ['hour', 'second'], 67.25],
    ['0:00:30', ['hour', 'second'], 179.75],
    ['0:00:30', ['minute', 'second'], 177],
    ['0:00:00.500', ['minute', 'second'], 2.95],
    ['12:00', ['minute', 'second'], 0],
    ['3:45', ['hour', 'minute'], 157.5],
    ['3:45', ['minute', 'hour'], 157.5],
  ])('%s %j → %d°', (time, hands, expected) => {
    expect(clockAngle(time, { hands })).toBe(expected);
  });
});

describe('clockAngleFraction', () => {
  it.each([
    ['3:45', 315, 2],
    ['12:30', 165, 1],
    ['3:15', 15, 2],
    ['12:00', 0, 1],
    ['3:45:01', 18911, 120],
    ['0:00:00.001', 11, 120000],
    ['15:45:30.250', 76931, 480],
  ])('%s → %i/%i', (time, numerator, denominator) => {
    expect(clockAngleFraction(time)).toEqual({ numerator, denominator });
    expect(numerator / denominator).toBe(clockAngle(time));
  });

  it('takes the same options as clockAngle', () => {
    expect(clockAngleFraction('3:45', { reflex: true })).toEqual({ numerator: 405, denominator: 2 });
    expect(clockAngleFraction('0:00:00.500', { hands: ['minute', 'second'] })).toEqual({
      numerator: 59,
      denominator: 20,
    });
  });
});

describe('handPositions', () => {
  it.each([
    ['3:45', { hour: 112.5, minute: 270, second: 0 }],
    ['3:45:30', { hour: 112.75, minute: 273, second: 180 }],
    ['12:00', { hour: 0, minute: 0, second: 0 }],
    ['6:00', { hour: 180, minute: 0, second: 0 }],
    ['9:15:30.5', { hour: 277.75416666666666, minute: 93.05, second: 183 }],
    ['11:59:59.999', { hour: 43199999 / 120000, minute: 359.9999, second: 359.994 }],
    ['23:59:59.999', { hour: 43199999 / 120000, minute: 359.9999, second: 359.994 }],
  ])('%s → %j', (time, expected) => {
    expect(handPositions(time)).toEqual(expected);
  });
});

describe('invalid times and options', () => {
  it.each([
    [t(3, 60), 'Expected `minutes` to be an integer from 0 to 59, got `60` (number)'],
    [t(24, 0), 'Expected `hours` to be an integer from 0 to 23, got `24` (number)'],
    [t(-1, 0), 'Expected `hours` to be an integer from 0 to 23, got `-1` (number)'],
    [t(3.5, 0), 'Expected `hours` to be an integer from 0 to 23, got `3.5` (number)'],
    [t(3, 0, 60), 'Expected `seconds` to be an integer from 0 to 59, got `60` (number)'],
    [t(3, 0, 0, 1000), 'Expected `milliseconds` to be an integer from 0 to 999, got `1000` (number)'],
    [t(3, 0, 0, 0.5), 'Expected `milliseconds` to be an integer from 0 to 999, got `0.5` (number)'],
    [t(Number.NaN, 0), 'Expected `hours` to be an integer from 0 to 23, got `NaN` (number)'],
    [{ hours: 3, minutes: 45 }, 'Expected `seconds` to be an integer from 0 to 59, got `undefined` (undefined)'],
    [
      { hours: '3', minutes: 45, seconds: 0, milliseconds: 0 },
      'Expected `hours` to be an integer from 0 to 23, got `"3"` (string)',
    ],
    [{}, 'Expected `hours` to be an integer from 0 to 23, got `undefined` (undefined)'],
    [new Date(Number.NaN), 'Expected a valid `Date`, got `Invalid Date` (Date)'],
    ['3:60', 'Expected minutes to be from 00 to 59 in `3:60`, got `60`'],
  ])('%j → ClockTimeError', (time, message) => {
    for (const call of [
      () => clockAngle(time as never),
      () => clockAngleFraction(time as never),
      () => handPositions(time as never),
    ]) {
      const error = thrown(call);
      expect(error).toBeInstanceOf(ClockTimeError);
      expect(error).toBeInstanceOf(ClockError);
      expect(error).toBeInstanceOf(RangeError);
      expect((error as ClockTimeError).message).toBe(message);
      expect((error as ClockTimeError).input).toBe(time);
    }
  });

  it.each([
    [42, '`42` (number)'],
    [null, '`null` (null)'],
    [undefined, '`undefined` (undefined)'],
    [true, '`true` (boolean)'],
  ])('a time of the wrong type (%j) throws ClockTimeError', (time, got) => {
    for (const call of [() => clockAngle(time as never), () => handPositions(time as never)]) {
      const error = thrown(call);
      expect(error).toBeInstanceOf(ClockTimeError);
      expect((error as ClockTimeError).input).toBe(time);
      expect((error as Error).message).toBe(
        `Expected \`time\` to be a string, a ClockTime object or a Date, got ${got}`,
      );
    }
  });

  it.each([
    [
      { hands: ['hour', 'hour'] },
      'hands',
      "Expected `hands` to be two different hands out of 'hour', 'minute', 'second', got `[\"hour\",\"hour\"]` (array)",
    ],
    [
      { hands: ['hour'] },
      'hands',
      "Expected `hands` to be two different hands out of 'hour', 'minute', 'second', got `[\"hour\"]` (array)",
    ],
    [
      { hands: ['hour', 'minute', 'second'] },
      'hands',
      'Expected `hands` to be two different hands out of \'hour\', \'minute\', \'second\', got `["hour","minute","second"]` (array)',
    ],
    [
      { hands: ['hour', 'hours'] },
      'hands',
      "Expected `hands` to be two different hands out of 'hour', 'minute', 'second', got `[\"hour\",\"hours\"]` (array)",
    ],
    [
      { hands: 'hour' },
      'hands',
      "Expected `hands` to be two different hands out of 'hour', 'minute', 'second', got `\"hour\"` (string)",
    ],
    [{ reflex: 'yes' }, 'reflex', 'Expected `reflex` to be a boolean, got `"yes"` (string)'],
    [{ reflex: 1 }, 'reflex', 'Expected `reflex` to be a boolean, got `1` (number)'],
  ])('options %j → ClockOptionsError', (options, option, message) => {
    for (const call of [
      () => clockAngle('3:45', options as never),
      () => clockAngleFraction('3:45', options as never),
    ]) {
      const error = thrown(call);
      expect(error).toBeInstanceOf(ClockOptionsError);
      expect(error).toBeInstanceOf(ClockError);
      expect((error as ClockOptionsError).name).toBe('ClockOptionsError');
      expect((error as ClockOptionsError).message).toBe(message);
      expect((error as ClockOptionsError).option).toBe(option);
      expect((error as ClockOptionsError).value).toBe((options as Record<string, unknown>)[option]);
    }
  });

  it.each([[5], ['reflex'], [null], [['hour', 'minute']]])(
    'options of the wrong type (%j) throw ClockOptionsError',
    (options) => {
      const error = thrown(() => clockAngle('3:45', options as never));
      expect(error).toBeInstanceOf(ClockOptionsError);
      expect((error as ClockOptionsError).option).toBe('options');
      expect((error as Error).message).toMatch(/^Expected `options` to be an object, got /);
    },
  );
});
