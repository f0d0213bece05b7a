import { InvalidArgumentError } from './errors.js';

/** Renders a received value for an error message: `` `0` (number) ``. */
export function describe(value: unknown): string {
  let shown: string;
  if (typeof value === 'string') shown = JSON.stringify(value);
  else if (typeof value === 'function') shown = 'function';
  else if (typeof value === 'object' && value !== null) shown = Array.isArray(value) ? 'array' : 'object';
  else shown = String(value);
  return `\`${shown}\` (${value === null ? 'null' : typeof value})`;
}

export function invalid(name: string, expected: string, value: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`Expected \`${name}\` to be ${expected}, got ${describe(value)}`);
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
