import { unknownOptionsMessage } from '@x/checks';
import { InvalidArgumentError, UnknownOptionError } from './errors.js';

/** Throws unless `value` is a non-empty string. */
export function assertId(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0)
    throw new InvalidArgumentError(name, 'a non-empty string', value);
}

/** Throws unless `value` is an integer in `[min, max]`. */
export function assertInteger(
  name: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `from ${min} and up` : `from ${min} to ${max}`;
    throw new InvalidArgumentError(name, `an integer ${range}`, value);
  }
}

/** Throws unless `value` is a finite number `>= min`. */
export function assertFinite(name: string, value: unknown, min = Number.NEGATIVE_INFINITY): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new InvalidArgumentError(
      name,
      min === Number.NEGATIVE_INFINITY ? 'a finite number' : `a finite number from ${min} and up`,
      value,
    );
  }
}

/** Throws unless `value` is an array of distinct non-empty strings (at least `minLength`). */
export function assertStringList(name: string, value: unknown, minLength: number): asserts value is string[] {
  if (!Array.isArray(value) || value.length < minLength) {
    throw new InvalidArgumentError(name, `an array of at least ${minLength} distinct non-empty strings`, value);
  }
  const seen = new Set<string>();
  for (const item of value) {
    if (typeof item !== 'string' || item.length === 0)
      throw new InvalidArgumentError(`${name}[]`, 'a non-empty string', item);
    if (seen.has(item)) throw new InvalidArgumentError(name, 'distinct strings', `duplicate ${item}`);
    seen.add(item);
  }
}

/** Throws {@link UnknownOptionError} when `options` has a key not in `known` (a typo is never ignored). */
export function assertKnownOptions(where: string, options: object, known: readonly string[]): void {
  const message = unknownOptionsMessage(where, options, known);
  if (message === undefined) return;
  let keys: string[] = [];
  try {
    keys = Object.keys(options).filter((key) => !known.includes(key));
  } catch {
    // unreadable keys: the message says so
  }
  throw new UnknownOptionError(where, message, keys, known);
}
