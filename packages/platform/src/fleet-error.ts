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
  /** The error's class name, `'PlatformError'`, shown in stack traces and by `String(error)`. */
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
  /** The error's class name, `'FleetOptionsError'`, shown in stack traces and by `String(error)`. */
  override name = 'FleetOptionsError';
}

/**
 * `fleet.complete` was called with arguments of the wrong type (tasks that are not an array, a
 * context that is not an object, a signal that is not an `AbortSignal`). The message names the
 * argument, what was expected and what came in.
 *
 * @example
 * ```ts
 * import { FleetArgumentError } from '@x/platform';
 * try {
 *   await fleet.complete('t1' as never);
 * } catch (error) {
 *   // Expected `tasks` to be an array of { id, payload }, got `"t1"` (string)
 *   if (error instanceof FleetArgumentError) console.error(error.message);
 * }
 * ```
 */
export class FleetArgumentError extends PlatformError {
  /** The error's class name, `'FleetArgumentError'`, shown in stack traces and by `String(error)`. */
  override name = 'FleetArgumentError';
}
