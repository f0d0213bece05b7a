import type { LlmTask } from './task.js';

/**
 * One item of a batch response. The batcher matches items to tasks by `id`, never by position;
 * an item with `error` is retried on its own, or failed at once when `error.retryable` is `false` or
 * `error.status` is a terminal HTTP status (a 4xx other than 408, 409 and 429).
 * Items missing from the response, or malformed, are retried on their own too.
 *
 * @example
 * ```ts
 * import type { LlmItemResult } from '@x/llm-batcher';
 * const ok: LlmItemResult = { id: 't1', output: { text: 'positive' } };
 * const bad: LlmItemResult = { id: 't2', error: { message: 'content filtered', retryable: false } };
 * ```
 */
export type LlmItemResult =
  | { id: string; output: unknown }
  | { id: string; error: string | { message: string; retryable?: boolean; status?: number } };

/**
 * The answer to one batch request.
 *
 * @example
 * ```ts
 * import type { LlmBatchResponse } from '@x/llm-batcher';
 * const response: LlmBatchResponse = { results: [{ id: 't1', output: 'ok' }] };
 * ```
 */
export interface LlmBatchResponse {
  /** One item per task, in any order. */
  results: readonly LlmItemResult[];
}

/**
 * What the client is given along with the tasks of one request.
 *
 * @example
 * ```ts
 * const response = await client.complete(tasks, { signal: AbortSignal.timeout(30_000) });
 * ```
 */
export interface LlmRequestContext {
  /** Aborted when the request times out, the job is cancelled or the runner stops. */
  signal: AbortSignal;
}

/**
 * Sends one batch request (up to 10 tasks) to an LLM service. Throw an {@link LlmRequestError}
 * (or any error with a numeric `status`) when the request fails as a whole, so the batcher can
 * classify it; see {@link classifyLlmError}.
 *
 * @example
 * ```ts
 * import type { LlmClient } from '@x/llm-batcher';
 * const echo: LlmClient = {
 *   async complete(tasks) {
 *     return { results: tasks.map((task) => ({ id: task.id, output: task.payload })) };
 *   },
 * };
 * ```
 */
export interface LlmClient {
  /** Sends the tasks as one request and resolves with the per-task results. */
  complete(tasks: readonly LlmTask[], context: LlmRequestContext): Promise<LlmBatchResponse>;
}
