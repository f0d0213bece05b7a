import { durationProblem, expected, unknownOptionsMessage } from '@x/checks';
import { InvalidArgumentError } from './errors.js';

/** The package's error for a bad value, with the shared "Expected `name` to be …, got …" sentence. */
export function invalid(name: string, what: string, value: unknown): InvalidArgumentError {
  return new InvalidArgumentError(expected(name, what, value));
}

export function expectInteger(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw invalid(name, `an integer from ${min} and up`, value);
  }
  return value;
}

/** A finite number `>= min` (or `> min` when `exclusive`). */
export function expectNumber(name: string, value: unknown, min: number, exclusive = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (exclusive ? value <= min : value < min)) {
    throw invalid(name, `a finite number ${exclusive ? 'above' : 'from'} ${min}${exclusive ? '' : ' and up'}`, value);
  }
  return value;
}

/**
 * A duration in ms: finite, from 0 (above 0 when `positive`) to 2^31−1, the longest delay a Node
 * timer honours (a longer one would fire after 1 ms).
 */
export function expectDuration(name: string, value: unknown, positive = false): number {
  const problem = durationProblem(name, value, positive ? Number.MIN_VALUE : 0);
  if (problem !== undefined) throw new InvalidArgumentError(problem);
  return value as number;
}

export function expectFraction(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw invalid(name, 'a number from 0 to 1', value);
  return value;
}

export function expectFunction<F>(name: string, value: unknown): F {
  if (typeof value !== 'function') throw invalid(name, 'a function', value);
  return value as F;
}

export function expectObject(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(name, 'an object', value);
  return value as Record<string, unknown>;
}

/**
 * An options object with no keys but `known`: a misspelt option is an error, never ignored.
 * `name` is the argument (for "Expected `name` to be an object"), `where` the call it belongs to.
 */
export function expectOptions(
  name: string,
  where: string,
  value: unknown,
  known: readonly string[],
): Record<string, unknown> {
  const options = expectObject(name, value);
  const problem = unknownOptionsMessage(where, options, known);
  if (problem !== undefined) throw new InvalidArgumentError(problem);
  return options;
}
