import { describe, expect, it } from 'vitest';
import { durationProblem, MAX_TIMER_MS } from '../src/index.js';

describe('durationProblem', () => {
  it.each([0, 1, 1.5, MAX_TIMER_MS])('accepts %s', (ms) => {
    expect(durationProblem('timeoutMs', ms)).toBeUndefined();
  });

  it.each([-1, MAX_TIMER_MS + 1, 3e9, Number.NaN, Number.POSITIVE_INFINITY, '10', null, undefined, 10n])(
    'refuses %s, naming the option',
    (ms) => {
      expect(durationProblem('timeoutMs', ms)).toMatch(
        /^Expected `timeoutMs` to be a duration in ms from 0 to 2147483647/,
      );
    },
  );

  it('honours a lower bound', () => {
    expect(durationProblem('intervalMs', 0, 1)).toMatch(/from 1 to/);
    expect(durationProblem('intervalMs', 1, 1)).toBeUndefined();
  });
});
