// Issue #17 (@x/clock items 5-7) and issue #16 (strict options), through the public API.
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  ClockError,
  ClockOptionsError,
  ClockTimeError,
  clockAngle,
  clockAngleFraction,
  explainClockAngle,
  handPositions,
  parseTime,
  timesForAngle,
} from '../src/index.js';

function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('item 5: a Date from another realm', () => {
  const foreign = runInNewContext('new Date(2024, 0, 1, 3, 45)') as Date;
  const invalid = runInNewContext('new Date(NaN)') as Date;

  it('is read by its brand, not instanceof, in every entry point', () => {
    expect(foreign instanceof Date).toBe(false);
    expect(clockAngle(foreign)).toBe(157.5);
    expect(clockAngle(foreign, { reflex: true })).toBe(202.5);
    expect(clockAngleFraction(foreign)).toEqual({ numerator: 315, denominator: 2 });
    expect(handPositions(foreign)).toEqual({ hour: 112.5, minute: 270, second: 0 });
    expect(explainClockAngle(foreign).split('\n')[0]).toBe('Time 3:45:00.000.');
  });

  it('an invalid one is an invalid Date, as in this realm', () => {
    const error = thrown(() => clockAngle(invalid));
    expect(error).toBeInstanceOf(ClockTimeError);
    expect((error as Error).message).toBe('Expected a valid `Date`, got `Invalid Date` (Date)');
  });

  it('a Date whose methods are overridden is still read through Date.prototype', () => {
    const date = new Date(2024, 0, 1, 9, 0);
    Object.defineProperty(date, 'getHours', { value: () => 3 });
    expect(clockAngle(date)).toBe(90);
  });
});

describe('item 6: messages quote the input once, capped, with its length', () => {
  it.each([
    ['a million digits', '1'.repeat(1_000_000)],
    ['a long tail after a time', `3:45${'x'.repeat(1_000_000)}`],
    ['a long AM/PM suffix', `3:45 ${'P'.repeat(1_000_000)}`],
    ['long minutes', `3:${'5'.repeat(1_000_000)}`],
    ['a long fraction', `3:45:00.${'0'.repeat(1_000_000)}`],
    ['a long sign-led input', `-${'9'.repeat(1_000_000)}`],
  ])('%s: under 400 characters, saying how long the input was', (_, input) => {
    for (const call of [() => parseTime(input), () => clockAngle(input), () => explainClockAngle(input)]) {
      const error = thrown(call);
      expect(error).toBeInstanceOf(ClockTimeError);
      expect((error as ClockTimeError).input).toBe(input);
      const message = (error as Error).message;
      expect(message.length).toBeLessThan(400);
      expect(message).toMatch(/\(\d+ characters\)/);
    }
  });

  it('short input is still quoted whole', () => {
    expect(() => parseTime('3:60')).toThrow('Expected minutes to be from 00 to 59 in `3:60`, got `60`');
  });
});

describe('item 7: each field is read once', () => {
  /** A ClockTime whose `hours` getter answers 3 the first time and 99 after, counting reads. */
  function shifty() {
    const reads = { hours: 0 };
    const time = {
      get hours() {
        reads.hours++;
        return reads.hours === 1 ? 3 : 99;
      },
      minutes: 45,
      seconds: 0,
      milliseconds: 0,
    };
    return { time, reads };
  }

  it.each([
    ['explainClockAngle', (t: never) => explainClockAngle(t), 'Time 3:45:00.000.'],
    ['explainClockAngle with options', (t: never) => explainClockAngle(t, { reflex: true }), 'Time 3:45:00.000.'],
    ['clockAngle', (t: never) => clockAngle(t), 157.5],
    ['clockAngle with options', (t: never) => clockAngle(t, { hands: ['hour', 'minute'] }), 157.5],
    ['clockAngleFraction', (t: never) => clockAngleFraction(t).numerator, 315],
    ['handPositions', (t: never) => handPositions(t).hour, 112.5],
  ])('%s reads `hours` once and answers for what it read', (_, call, want) => {
    const { time, reads } = shifty();
    const answer = call(time as never);
    expect(typeof answer === 'string' ? answer.split('\n')[0] : answer).toBe(want);
    expect(reads.hours).toBe(1);
  });

  it('an invalid first read is reported from that read, not a second one', () => {
    let reads = 0;
    const time = {
      get hours() {
        reads++;
        return reads === 1 ? 99 : 3;
      },
      minutes: 45,
      seconds: 0,
      milliseconds: 0,
    };
    expect(() => clockAngle(time)).toThrow('Expected `hours` to be an integer from 0 to 23, got `99` (number)');
    expect(reads).toBe(1);
  });

  it('options are read once too', () => {
    let reads = 0;
    const options = {
      get reflex() {
        reads++;
        return reads === 1;
      },
    };
    expect(explainClockAngle('3:45', options).split('\n').at(-1)).toBe('Angle: 202.5°');
    expect(reads).toBe(1);
  });

  it('a getter or proxy that throws is a ClockTimeError or ClockOptionsError with the cause', () => {
    const boom = new Error('boom');
    const time = {
      get hours(): number {
        throw boom;
      },
      minutes: 0,
      seconds: 0,
      milliseconds: 0,
    };
    for (const call of [() => clockAngle(time), () => explainClockAngle(time), () => handPositions(time)]) {
      const error = thrown(call);
      expect(error).toBeInstanceOf(ClockTimeError);
      expect((error as Error).cause).toBe(boom);
      expect((error as Error).message).toBe('Expected `time` to be readable, but reading it threw `Error: boom`');
    }
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(thrown(() => clockAngle(proxy as never))).toBeInstanceOf(ClockTimeError);
    expect(thrown(() => clockAngle('3:45', proxy as never))).toBeInstanceOf(ClockOptionsError);
    const hands = new Proxy(['hour', 'minute'], {
      get() {
        throw boom;
      },
    });
    const error = thrown(() => clockAngle('3:45', { hands: hands as never }));
    expect(error).toBeInstanceOf(ClockOptionsError);
    expect((error as ClockOptionsError).option).toBe('hands');
  });
});

describe('strict options (issue #16)', () => {
  it.each([
    ['clockAngle', () => clockAngle('3:45', { reflx: true } as never), 'reflx', 'reflex', '`hands`, `reflex`'],
    [
      'clockAngleFraction',
      () => clockAngleFraction('3:45', { reflx: true } as never),
      'reflx',
      'reflex',
      '`hands`, `reflex`',
    ],
    [
      'explainClockAngle',
      () => explainClockAngle('3:45', { hand: ['hour', 'minute'] } as never),
      'hand',
      'hands',
      '`hands`, `reflex`',
    ],
    ['timesForAngle', () => timesForAngle(90, { reflex: true } as never), 'reflex', undefined, '`hands`'],
  ])('%s rejects an unknown key, naming itself and the valid keys', (where, call, key, near, valid) => {
    const error = thrown(call);
    expect(error).toBeInstanceOf(ClockOptionsError);
    expect(error).toBeInstanceOf(ClockError);
    expect((error as ClockOptionsError).option).toBe(key);
    const hint = near === undefined ? '' : ` (did you mean \`${near}\`?)`;
    expect((error as Error).message).toBe(
      `Unknown option \`${key}\`${hint} in \`${where}\` options; valid options are ${valid}`,
    );
  });

  it('known keys with undefined values and an empty object are fine', () => {
    expect(clockAngle('3:45', { hands: undefined, reflex: undefined })).toBe(157.5);
    expect(clockAngle('3:45', {})).toBe(157.5);
    expect(timesForAngle(0, {})).toHaveLength(11);
  });
});
