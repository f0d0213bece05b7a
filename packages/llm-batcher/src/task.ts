/**
 * One unit of work: a JSON payload with a stable id, sent to the LLM service as one item of a
 * batch request.
 *
 * @example
 * ```ts
 * import type { LlmTask } from '@x/llm-batcher';
 * const task: LlmTask = { id: 'review-42', payload: { prompt: 'Summarise this review', text: '…' } };
 * ```
 */
export interface LlmTask {
  /** The task's id, unique within its source. Responses are matched to tasks by it. */
  id: string;
  /** The JSON blob sent to the service. */
  payload: unknown;
}

/**
 * Selects tasks in a {@link TaskSource}: a MongoDB query document for `mongoTaskSource` (`@x/llm-batcher/mongodb`); for
 * {@link memoryTaskSource}, an object whose top-level fields must equal the payload's, or a
 * predicate.
 *
 * @example
 * ```ts
 * import type { TaskFilter } from '@x/llm-batcher';
 * const filter: TaskFilter = { batch: 'reviews-2026-11' };
 * ```
 */
export type TaskFilter = Record<string, unknown> | ((task: LlmTask) => boolean);

/**
 * Where tasks live. `createJob` reads the tasks of a job from it once, and the job keeps a
 * snapshot of their payloads.
 *
 * @example
 * ```ts
 * import type { TaskSource } from '@x/llm-batcher';
 * const source: TaskSource = {
 *   async findByIds(ids) { return ids.map((id) => ({ id, payload: { n: id } })); },
 *   async findByFilter() { return []; },
 * };
 * ```
 */
export interface TaskSource {
  /** The tasks with these ids that exist (in any order; missing ids are simply absent). */
  findByIds(ids: readonly string[]): Promise<LlmTask[]>;
  /** At most `limit` tasks matching the filter, in a stable order. */
  findByFilter(filter: TaskFilter, limit: number): Promise<LlmTask[]>;
}
