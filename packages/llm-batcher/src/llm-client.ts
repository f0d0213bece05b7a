import type { LlmTask } from './task.js';

/**
 * One item of a batch response. The batcher matches items to tasks by `id`, never by position.
 * An item with an `output` and no `error` (absent, `null` or `undefined`, as in OpenAI's batch
 * output) is a success. An item with a non-null `error` is a failure even if it also carries an
 * `output` (the error wins): it is retried on its own, or failed at once when `error.retryable` is
 * `false` or `error.status` is a terminal HTTP status (a 4xx other than 408, 409 and 429).
 * An item error with `status: 429` (and optionally `retryAfterMs`) pauses the whole client like a
 * whole-request 429 and charges the task no attempt. Items missing from the response, or malformed
 * (neither a defined `output` nor an `error`), are retried on their own too.
 *
 * @example
 * ```ts
 * import type { LlmItemResult } from '@x/llm-batcher';
 * const ok: LlmItemResult = { id: 't1', output: { text: 'positive' } };
 * const bad: LlmItemResult = { id: 't2', error: { message: 'content filtered', retryable: false } };
 * ```
 */
export type LlmItemResult =
  | {
      /** The `id` of the task this item answers. */
      id: string;
      /** The task's result, stored as is and returned by the job's results (any value but `undefined`). */
      output: unknown;
      /** Absent, `null` or `undefined` on a success. */
      error?: null;
    }
  | {
      /** The `id` of the task this item answers. */
      id: string;
      /**
       * Why this task failed: a message, or an object whose fields decide whether it is retried.
       * A plain string is a retryable failure.
       */
      error:
        | string
        | {
            /** A short description, kept in the task's error history. */
            message: string;
            /** `false` fails the task at once (as a terminal `status` does); otherwise it is retried while attempts remain. @defaultValue `true` */
            retryable?: boolean;
            /**
             * The HTTP status this item would have had on its own: a terminal 4xx (not 408, 409 or
             * 429) fails the task at once; 429 pauses the whole client and charges no attempt.
             */
            status?: number;
            /**
             * With `status: 429`, how long to pause the client, in milliseconds (clamped to
             * {@link MAX_RETRY_AFTER_MS}). @defaultValue the batcher's `defaultRetryAfterMs`
             */
            retryAfterMs?: number;
          };
      /** Ignored when `error` is set: the error wins. */
      output?: unknown;
    };

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
 * classify it; see {@link classifyLlmError}. A client that throws synchronously, returns something
 * other than a promise, or resolves to something without a `results` array ends the attempt of
 * each of its tasks with a typed reason (`client` or `response` in the task's error history).
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
