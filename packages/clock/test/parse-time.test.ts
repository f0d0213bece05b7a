import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClockError, ClockTimeError, parseTime } from '../src/index.js';

const t = (hours: number, minutes: number, seconds = 0, milliseconds = 0) => ({
  hours,
  minutes,
  seconds,
  milliseconds,
});

describe('parseTime: accepted formats', () => {
  it.each([
    ['3:45', t(3, 45)],
    ['03:45', t(3, 45)],
    ['15:45', t(15, 45)],
    ['0:00', t(0, 0)],
    ['00:00', t(0, 0)],
    ['12:00', t(12, 0)],
    ['23:59', t(23, 59)],
    ['15:45:30', t(15, 45, 30)],
    ['15:45:30.2', t(15, 45, 30, 200)],
    ['15:45:30.25', t(15, 45, 30, 250)],
    ['15:45:30.250', t(15, 45, 30, 250)],
    ['15:45:30.007', t(15, 45, 30, 7)],
    ['11:59:59.999', t(11, 59, 59, 999)],
    ['  3:45\t', t(3, 45)],
    ['\n 3:45 PM \n', t(15, 45)],
    ['3:45 PM', t(15, 45)],
    ['3:45pm', t(15, 45)],
    ['3:45 Pm', t(15, 45)],
    ['3:45 pM', t(15, 45)],
    ['3:45 AM', t(3, 45)],
    ['3:45am', t(3, 45)],
    ['03:45:30.5 PM', t(15, 45, 30, 500)],
    ['12:00 AM', t(0, 0)],
    ['12:30 am', t(0, 30)],
    ['12:00 PM', t(12, 0)],
    ['12:59:59.999 PM', t(12, 59, 59, 999)],
    ['1:00 PM', t(13, 0)],
    ['11:59:59.999 PM', t(23, 59, 59, 999)],
    ['3:45\u202fPM', t(15, 45)],
  ])('%j → %j', (input, expected) => {
    expect(parseTime(input)).toEqual(expected);
  });

  it("reads Date.prototype.toLocaleTimeString('en-US') output", () => {
    const date = new Date(2024, 0, 1, 15, 45, 30);
    expect(parseTime(date.toLocaleTimeString('en-US'))).toEqual(t(15, 45, 30));
  });
});

describe('parseTime: rejected input', () => {
  it.each([
    ['', 'Expected a time like `3:45`, `15:45:30.250` or `3:45 PM`, got an empty string'],
    ['   ', 'Expected a time like `3:45`, `15:45:30.250` or `3:45 PM`, got only whitespace'],
    ['3', 'Expected `:` and minutes after `3` in `3`, got the end of the input'],
    ['3 PM', 'Expected `:` and minutes after `3` in `3 PM`, got ` `'],
    ['3:', 'Expected two-digit minutes after `3:` in `3:`, got the end of the input'],
    ['3:4x', 'Expected a digit after `3:4` in `3:4x`, got `x`'],
    ['3:x4', 'Expected two-digit minutes after `3:` in `3:x4`, got `x`'],
    ['3:5', 'Expected minutes to have two digits in `3:5`, got `5`'],
    ['3:5 PM', 'Expected minutes to have two digits in `3:5 PM`, got `5`'],
    ['3:456', 'Expected minutes to have two digits in `3:456`, got `456`'],
    ['3:60', 'Expected minutes to be from 00 to 59 in `3:60`, got `60`'],
    ['3:99 PM', 'Expected minutes to be from 00 to 59 in `3:99 PM`, got `99`'],
    ['3:45:60', 'Expected seconds to be from 00 to 59 in `3:45:60`, got `60`'],
    ['3:45:6', 'Expected seconds to have two digits in `3:45:6`, got `6`'],
    ['3:45:', 'Expected two-digit seconds after `3:45:` in `3:45:`, got the end of the input'],
    ['3:45.5', 'Expected `:` and seconds before a fraction after `3:45` in `3:45.5`, got `.`'],
    ['3:45:30.', 'Expected 1 to 3 digits of milliseconds after `3:45:30.` in `3:45:30.`, got the end of the input'],
    ['3:45:30.1234', 'Expected at most 3 fraction digits (milliseconds) in `3:45:30.1234`, got `1234`'],
    ['3:45:30:10', 'Expected the end of the time, `AM` or `PM` after `3:45:30` in `3:45:30:10`, got `:`'],
    ['3:45x', 'Expected `AM` or `PM` after `3:45` in `3:45x`, got `x`'],
    ['3:45 XM', 'Expected `AM` or `PM` after `3:45` in `3:45 XM`, got `XM`'],
    ['3:45 PMX', 'Expected `AM` or `PM` after `3:45` in `3:45 PMX`, got `PMX`'],
    ['3:45 P.M.', 'Expected `AM` or `PM` after `3:45` in `3:45 P.M.`, got `P.M.`'],
    ['3:45 30', 'Expected `AM` or `PM` after `3:45` in `3:45 30`, got `30`'],
    ['x:45', 'Expected an hour (1 or 2 digits) at the start of `x:45`, got `x`'],
    [':45', 'Expected an hour (1 or 2 digits) at the start of `:45`, got `:`'],
    ['123:45', 'Expected the hour to have 1 or 2 digits in `123:45`, got `123`'],
    ['24:00', 'Expected the hour to be from 0 to 23 in `24:00`, got `24`'],
    ['99:00', 'Expected the hour to be from 0 to 23 in `99:00`, got `99`'],
    ['13:00 PM', 'Expected the hour to be from 1 to 12 with PM in `13:00 PM`, got `13`'],
    ['13:00 am', 'Expected the hour to be from 1 to 12 with AM in `13:00 am`, got `13`'],
    ['0:30 AM', 'Expected the hour to be from 1 to 12 with AM in `0:30 AM`, got `0`'],
    ['-3:00', 'Expected a time without a sign in `-3:00`, got `-`'],
    ['+3:00', 'Expected a time without a sign in `+3:00`, got `+`'],
    ['\u22123:00', 'Expected a time without a sign in `\u22123:00`, got `\u2212`'],
    ['3:-5', 'Expected two-digit minutes after `3:` in `3:-5`, got `-`'],
    ['3 :45', 'Expected `:` and minutes after `3` in `3 :45`, got ` `'],
  ])('%j: %s', (input, message) => {
    let thrown: unknown;
    try {
      parseTime(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ClockTimeError);
    expect(thrown).toBeInstanceOf(ClockError);
    expect(thrown).toBeInstanceOf(RangeError);
    const error = thrown as ClockTimeError;
    expect(error.name).toBe('ClockTimeError');
    expect(error.message).toBe(message);
    expect(error.input).toBe(input);
  });

  it.each([
    [42, 'Expected `input` to be a string, got `42` (number)'],
    [null, 'Expected `input` to be a string, got `null` (null)'],
    [undefined, 'Expected `input` to be a string, got `undefined` (undefined)'],
    [{ hours: 3 }, 'Expected `input` to be a string, got `{"hours":3}` (object)'],
  ])('a non-string %j throws ClockTimeError', (input, message) => {
    const call = () => parseTime(input as unknown as string);
    expect(call).toThrow(ClockTimeError);
    expect(call).toThrow(message);
  });
});

describe('parseTime: properties', () => {
  const pad = (value: number, width: number) => String(value).padStart(width, '0');

  it('round-trips every valid time written as 24-hour H:MM:SS.mmm and HH:MM:SS.mmm', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 999 }),
        fc.boolean(),
        (hours, minutes, seconds, milliseconds, padHour) => {
          const text = `${padHour ? pad(hours, 2) : hours}:${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(milliseconds, 3)}`;
          expect(parseTime(text)).toEqual({ hours, minutes, seconds, milliseconds });
        },
      ),
    );
  });

  it('round-trips every valid time written in 12-hour form with AM/PM', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.constantFrom<(suffix: string) => string>(
          (suffix) => suffix,
          (suffix) => suffix.toLowerCase(),
          (suffix) => suffix[0] + suffix[1]!.toLowerCase(),
          (suffix) => suffix[0]!.toLowerCase() + suffix[1],
        ),
        fc.constantFrom('', ' ', '  ', '\u00a0', '\u202f'),
        (hours, minutes, spell, space) => {
          const suffix = spell(hours >= 12 ? 'PM' : 'AM');
          const twelve = hours % 12 === 0 ? 12 : hours % 12;
          expect(parseTime(`${twelve}:${pad(minutes, 2)}${space}${suffix}`)).toEqual({
            hours,
            minutes,
            seconds: 0,
            milliseconds: 0,
          });
        },
      ),
    );
  });

  it('never throws anything but ClockTimeError on arbitrary strings, and accepted results are in range', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.stringMatching(/^\s?\d{1,3}:\d{1,3}(:\d{1,3}(\.\d{0,4})?)?\s?([AaPp][Mm])?$/)),
        (text) => {
          let time: ReturnType<typeof parseTime>;
          try {
            time = parseTime(text);
          } catch (error) {
            expect(error).toBeInstanceOf(ClockTimeError);
            return;
          }
          expect(Number.isInteger(time.hours) && time.hours >= 0 && time.hours <= 23).toBe(true);
          expect(Number.isInteger(time.minutes) && time.minutes >= 0 && time.minutes <= 59).toBe(true);
          expect(Number.isInteger(time.seconds) && time.seconds >= 0 && time.seconds <= 59).toBe(true);
          expect(Number.isInteger(time.milliseconds) && time.milliseconds >= 0 && time.milliseconds <= 999).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
