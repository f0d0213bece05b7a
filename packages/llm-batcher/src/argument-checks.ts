import { InvalidArgumentError } from './batcher-error.js';

/** Renders a value for an error message: `` `11` (number) ``. */
export function describe(value: unknown): string {
  let shown: string;
  if (typeof value === 'string') shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  else if (typeof value === 'function') shown = 'function';
  else if (typeof value === 'bigint') shown = `${value}n`;
  else {
    try {
      shown = JSON.stringify(value) ?? String(value);
    } catch {
      shown = String(value);
    }
    if (shown.length > 60) shown = `${shown.slice(0, 60)}…`;
  }
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return `\`${shown}\` (${type})`;
}

/** Throws unless `value` is an integer in [min, max]. */
export function checkInteger(name: string, value: unknown, min: number, max = Number.POSITIVE_INFINITY): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.POSITIVE_INFINITY ? `from ${min} and up` : `from ${min} to ${max}`;
    throw new InvalidArgumentError(`Expected \`${name}\` to be an integer ${range}, got ${describe(value)}`);
  }
  return value;
}

/** Throws unless `value` is a finite number >= min (or > min when `exclusive`). */
export function checkNumber(name: string, value: unknown, min: number, exclusive = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (exclusive ? value <= min : value < min)) {
    throw new InvalidArgumentError(
      `Expected \`${name}\` to be a finite number ${exclusive ? 'greater than' : 'from'} ${min}${exclusive ? '' : ' and up'}, got ${describe(value)}`,
    );
  }
  return value;
}

/** Throws unless `value` is a probability in [0, 1]. */
export function checkRate(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new InvalidArgumentError(`Expected \`${name}\` to be a number from 0 to 1, got ${describe(value)}`);
  }
  return value;
}

/** Throws unless `value` is a non-empty string. */
export function checkString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidArgumentError(`Expected \`${name}\` to be a non-empty string, got ${describe(value)}`);
  }
  return value;
}

/** Throws unless `value` is a function. */
export function checkFunction(name: string, value: unknown): void {
  if (typeof value !== 'function') {
    throw new InvalidArgumentError(`Expected \`${name}\` to be a function, got ${describe(value)}`);
  }
}

/** Throws unless `value` is a plain object (not null, not an array). */
export function checkObject(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`Expected \`${name}\` to be an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** Throws if `options` has keys outside `known` (catches typos such as `batchsize`). */
export function checkKnownKeys(name: string, options: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new InvalidArgumentError(
        `Expected \`${name}\` to have only the keys ${known.map((k) => `\`${k}\``).join(', ')}, got \`${key}\``,
      );
    }
  }
}
