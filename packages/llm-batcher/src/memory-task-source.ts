import { describeValue } from '@x/checks';
import { checkString } from './argument-checks.js';
import { InvalidArgumentError } from './batcher-error.js';
import type { LlmTask, TaskFilter, TaskSource } from './task.js';

function matches(filter: TaskFilter, task: LlmTask): boolean {
  if (typeof filter === 'function') return filter(task);
  const payload = task.payload;
  if (typeof payload !== 'object' || payload === null) return Object.keys(filter).length === 0;
  const record = payload as Record<string, unknown>;
  return Object.entries(filter).every(([key, value]) => Object.is(record[key], value));
}

/**
 * A {@link TaskSource} over an array, for tests, demos and tasks that are already in memory.
 * Object filters match tasks whose payload has equal top-level fields (`Object.is`); function
 * filters are called with each task.
 *
 * @example
 * ```ts
 * import { memoryTaskSource } from '@x/llm-batcher';
 * const source = memoryTaskSource([
 *   { id: 't1', payload: { lang: 'en', text: 'hello' } },
 *   { id: 't2', payload: { lang: 'fr', text: 'bonjour' } },
 * ]);
 * await source.findByFilter({ lang: 'fr' }, 10); // [t2]
 * ```
 */
export function memoryTaskSource(tasks: readonly LlmTask[]): TaskSource {
  if (!Array.isArray(tasks)) {
    throw new InvalidArgumentError(`Expected \`tasks\` to be an array of { id, payload }, got ${describeValue(tasks)}`);
  }
  const byId = new Map<string, LlmTask>();
  tasks.forEach((task, index) => {
    if (typeof task !== 'object' || task === null) {
      throw new InvalidArgumentError(
        `Expected \`tasks[${index}]\` to be an object { id, payload }, got ${describeValue(task)}`,
      );
    }
    checkString(`tasks[${index}].id`, task.id);
    if (byId.has(task.id)) throw new InvalidArgumentError(`Expected distinct task ids, got \`${task.id}\` twice`);
    byId.set(task.id, { id: task.id, payload: task.payload });
  });
  const ordered = [...byId.values()];
  return {
    async findByIds(ids) {
      const found: LlmTask[] = [];
      for (const id of ids) {
        const task = byId.get(id);
        if (task) found.push(task);
      }
      return found;
    },
    async findByFilter(filter, limit) {
      const found: LlmTask[] = [];
      for (const task of ordered) {
        if (found.length >= limit) break;
        if (matches(filter, task)) found.push(task);
      }
      return found;
    },
  };
}
