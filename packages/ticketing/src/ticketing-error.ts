/**
 * Base class of every error `@x/ticketing` throws.
 *
 * @example
 * ```ts
 * import { TicketingError } from '@x/ticketing';
 * if (error instanceof TicketingError) console.warn(error.message);
 * ```
 */
export class TicketingError extends Error {
  override name = 'TicketingError';
}
