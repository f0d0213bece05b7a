import { durationProblem, expected, unknownOptionsMessage } from '@x/checks';
import { InvalidArgumentError } from './batcher-error.js';

/** Throws unless `value` is an integer in [min, max]. */
export function checkInteger(name: string, value: unknown, min: number, max = Number.POSITIVE_INFINITY): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.POSITIVE_INFINITY ? `from ${min} and up` : `from ${min} to ${max}`;
    throw new InvalidArgumentError(expected(name, `an integer ${range}`, value));
  }
  return value;
}

/** Throws unless `value` is a finite number >= min (or > min when `exclusive`). */
export function checkNumber(name: string, value: unknown, min: number, exclusive = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (exclusive ? value <= min : value < min)) {
    throw new InvalidArgumentError(
      expected(
        name,
        `a finite number ${exclusive ? 'greater than' : 'from'} ${min}${exclusive ? '' : ' and up'}`,
        value,
      ),
    );
  }
  return value;
}

/**
 * Throws unless `value` is a duration in milliseconds a timer can honour: finite, from 0 (or above
 * 0 when `positive`) to 2^31−1 (Node fires longer timers after 1 ms).
 */
export function checkDuration(name: string, value: unknown, positive = false): number {
  const problem = durationProblem(name, value, positive ? Number.MIN_VALUE : 0);
  if (problem !== undefined) throw new InvalidArgumentError(problem);
  return value as number;
}

/** Throws unless `value` is a probability in [0, 1]. */
export function checkRate(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new InvalidArgumentError(expected(name, 'a number from 0 to 1', value));
  }
  return value;
}

/** Throws unless `value` is a non-empty string. */
export function checkString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidArgumentError(expected(name, 'a non-empty string', value));
  }
  return value;
}

/** Throws unless `value` is a function. */
export function checkFunction(name: string, value: unknown): void {
  if (typeof value !== 'function') {
    throw new InvalidArgumentError(expected(name, 'a function', value));
  }
}

/** Throws unless `value` is a plain object (not null, not an array). */
export function checkObject(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(expected(name, 'an object', value));
  }
  return value as Record<string, unknown>;
}

/** Throws if `options` has keys outside `known` (catches typos such as `batchsize`), listing the valid ones. */
export function checkKnownKeys(name: string, options: Record<string, unknown>, known: readonly string[]): void {
  const message = unknownOptionsMessage(name, options, known);
  if (message !== undefined) throw new InvalidArgumentError(message);
}
