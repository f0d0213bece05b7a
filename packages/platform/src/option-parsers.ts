import { InvalidArgumentError } from 'commander';

function describe(value: string): string {
  return `\`${value}\``;
}

/**
 * A commander option parser for an integer in `[min, max]`. The error it throws becomes commander's
 * one-line message naming the option, e.g.
 * ``option '--capacity <n>' argument 'abc' is invalid. Expected an integer from 1 and up, got `abc` ``.
 */
export function integerOption(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    const trimmed = value.trim();
    const parsed = /^[-+]?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `from ${min} and up` : `from ${min} to ${max}`;
      throw new InvalidArgumentError(`Expected an integer ${range}, got ${describe(value)}.`);
    }
    return parsed;
  };
}

/** A commander option parser for a finite number in `[min, max]`. */
export function numberOption(min: number, max = Number.POSITIVE_INFINITY): (value: string) => number {
  return (value: string) => {
    const parsed = value.trim() === '' ? Number.NaN : Number(value);
    if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
      const range = max === Number.POSITIVE_INFINITY ? `from ${min} and up` : `from ${min} to ${max}`;
      throw new InvalidArgumentError(`Expected a number ${range}, got ${describe(value)}.`);
    }
    return parsed;
  };
}

/** A commander parser for a repeatable `http:`/`https:` URL option; collects every occurrence. */
export function collectUrlOption(value: string, previous: string[] | undefined): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`Expected an http:// or https:// URL, got ${describe(value)}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`Expected an http:// or https:// URL, got ${describe(value)}.`);
  }
  return [...(previous ?? []), value];
}

/** A commander parser for a `mongodb://` or `mongodb+srv://` connection string. */
export function mongoUriOption(value: string): string {
  if (!/^mongodb(\+srv)?:\/\/[^/\s]+/.test(value)) {
    throw new InvalidArgumentError(
      `Expected a mongodb:// or mongodb+srv:// connection string, got ${describe(value)}.`,
    );
  }
  return value;
}

/** A commander parser for a non-empty name without whitespace (database and collection names). */
export function nameOption(value: string): string {
  if (!/^[^\s/\\."$]+(\.[^\s/\\."$]+)*$/.test(value) || value.length > 120) {
    throw new InvalidArgumentError(`Expected a name without spaces, slashes, quotes or \`$\`, got ${describe(value)}.`);
  }
  return value;
}
