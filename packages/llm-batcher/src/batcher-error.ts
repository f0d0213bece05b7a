/**
 * Base class of every error `@x/llm-batcher` throws.
 *
 * @example
 * ```ts
 * import { BatcherError } from '@x/llm-batcher';
 * if (error instanceof BatcherError) console.warn(error.message);
 * ```
 */
export class BatcherError extends Error {
  override name = 'BatcherError';
}
