import { describe, expect, it } from 'vitest';
import { ClockOptionsError, ClockTimeError, explainClockAngle } from '../src/index.js';

describe('explainClockAngle', () => {
  it('derives 3:45 term by term', () => {
    expect(explainClockAngle('3:45')).toBe(
      [
        'Time 3:45:00.000.',
        'The hour hand turns 360° in 12 h: 30° per hour, 0.5° per minute, 1/120° per second, 1/120000° per millisecond.',
        'The minute hand turns 360° in 60 min: 6° per minute, 0.1° per second, 0.0001° per millisecond.',
        'Hour hand:   30° × 3 h + 0.5° × 45 min = 90° + 22.5° = 112.5° from 12',
        'Minute hand: 6° × 45 min = 270° from 12',
        'Difference:  |112.5° − 270°| = 157.5°',
        '157.5° ≤ 180°, so the smaller angle is 157.5°.',
        'Angle: 157.5°',
      ].join('\n'),
    );
  });

  it('takes the other way round when the difference is over 180°', () => {
    expect(explainClockAngle('21:00')).toBe(
      [
        'Time 21:00:00.000, which is 9:00:00.000 on the 12-hour face.',
        'The hour hand turns 360° in 12 h: 30° per hour, 0.5° per minute, 1/120° per second, 1/120000° per millisecond.',
        'The minute hand turns 360° in 60 min: 6° per minute, 0.1° per second, 0.0001° per millisecond.',
        'Hour hand:   30° × 9 h = 270° from 12',
        'Minute hand: 6° × 0 min = 0° from 12',
        'Difference:  |270° − 0°| = 270°',
        '270° > 180°, so the smaller angle is 360° − 270° = 90°.',
        'Angle: 90°',
      ].join('\n'),
    );
  });

  it('shows values without a finite decimal as exact fractions, and the reflex step', () => {
    expect(explainClockAngle('15:45:30.250', { reflex: true })).toBe(
      [
        'Time 15:45:30.250, which is 3:45:30.250 on the 12-hour face.',
        'The hour hand turns 360° in 12 h: 30° per hour, 0.5° per minute, 1/120° per second, 1/120000° per millisecond.',
        'The minute hand turns 360° in 60 min: 6° per minute, 0.1° per second, 0.0001° per millisecond.',
        'Hour hand:   30° × 3 h + 0.5° × 45 min + 1/120° × 30 s + 1/120000° × 250 ms = 90° + 22.5° + 0.25° + 1/480° (≈ 0.002083°) = 54121/480° (≈ 112.752083°) from 12',
        'Minute hand: 6° × 45 min + 0.1° × 30 s + 0.0001° × 250 ms = 270° + 3° + 0.025° = 273.025° from 12',
        'Difference:  |54121/480° (≈ 112.752083°) − 273.025°| = 76931/480° (≈ 160.272917°)',
        '76931/480° (≈ 160.272917°) ≤ 180°, so the smaller angle is 76931/480° (≈ 160.272917°).',
        'The reflex angle is 360° − 76931/480° (≈ 160.272917°) = 95869/480° (≈ 199.727083°).',
        'Angle: 199.72708333333333°',
      ].join('\n'),
    );
  });

  it('explains the minute and second hands', () => {
    expect(explainClockAngle('9:15:30.5', { hands: ['minute', 'second'] })).toBe(
      [
        'Time 9:15:30.500.',
        'The minute hand turns 360° in 60 min: 6° per minute, 0.1° per second, 0.0001° per millisecond.',
        'The second hand turns 360° in 60 s: 6° per second, 0.006° per millisecond.',
        'Minute hand: 6° × 15 min + 0.1° × 30 s + 0.0001° × 500 ms = 90° + 3° + 0.05° = 93.05° from 12',
        'Second hand: 6° × 30 s + 0.006° × 500 ms = 180° + 3° = 183° from 12',
        'Difference:  |93.05° − 183°| = 89.95°',
        '89.95° ≤ 180°, so the smaller angle is 89.95°.',
        'Angle: 89.95°',
      ].join('\n'),
    );
  });

  it('rejects what clockAngle rejects, with the same errors', () => {
    expect(() => explainClockAngle('3:60')).toThrow(ClockTimeError);
    expect(() => explainClockAngle('3:60')).toThrow('Expected minutes to be from 00 to 59 in `3:60`, got `60`');
    expect(() => explainClockAngle(new Date(Number.NaN))).toThrow(ClockTimeError);
    expect(() => explainClockAngle('3:45', { hands: ['hour', 'hour'] })).toThrow(ClockOptionsError);
    expect(() => explainClockAngle('3:45', { reflex: 'no' as never })).toThrow(
      'Expected `reflex` to be a boolean, got `"no"` (string)',
    );
    expect(() => explainClockAngle(7 as never)).toThrow(ClockTimeError);
    expect(() => explainClockAngle(7 as never)).toThrow(
      'Expected `time` to be a string, a ClockTime object or a Date, got `7` (number)',
    );
  });
});
