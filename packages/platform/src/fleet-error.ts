/**
 * Base class of every error `@x/platform` throws, so callers can `instanceof PlatformError`.
 *
 * @example
 * ```ts
 * import { createLlmFleet, PlatformError } from '@x/platform';
 * try {
 *   createLlmFleet({ endpoints: [] });
 * } catch (error) {
 *   if (error instanceof PlatformError) console.error(error.message);
 * }
 * ```
 */
export class PlatformError extends Error {
  override name = 'PlatformError';
}

/**
 * An option of `createLlmFleet` was missing, of the wrong type or out of range. The message names
 * the option, what was expected and what came in.
 *
 * @example
 * ```ts
 * import { createLlmFleet, FleetOptionsError } from '@x/platform';
 * try {
 *   createLlmFleet({ endpoints: [{ id: 'a', url: 'http://127.0.0.1:8080', concurrency: 0 }] });
 * } catch (error) {
 *   // Expected `endpoints[0].concurrency` to be an integer from 1 and up, got `0` (number)
 *   if (error instanceof FleetOptionsError) console.error(error.message);
 * }
 * ```
 */
export class FleetOptionsError extends PlatformError {
  override name = 'FleetOptionsError';
}

/** `value` as error messages show it: `` `0` (number) ``. */
export function describeValue(value: unknown): string {
  let shown: string;
  try {
    shown = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    shown = String(value);
  }
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return `\`${shown}\` (${type})`;
}
