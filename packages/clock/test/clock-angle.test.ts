import { describe, expect, it } from 'vitest';
import { ClockTimeError, clockAngle } from '../src/index.js';

describe('clockAngle', () => {
  it.each([
    [3, 45, 157.5],
    [12, 30, 165],
    [3, 15, 7.5],
    [9, 0, 90],
    [6, 0, 180],
    [0, 0, 0],
  ])('%i:%i is %d°', (h, m, expected) => {
    expect(clockAngle(h, m)).toBe(expected);
  });

  it('rejects minutes out of range with a ClockTimeError', () => {
    expect(() => clockAngle(3, 60)).toThrow(ClockTimeError);
    expect(() => clockAngle(3, 60)).toThrow(/minutes .* 0 to 59, got `60`/);
  });
});
