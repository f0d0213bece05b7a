/**
 * Base class of every error `@x/llm-batcher` throws.
 *
 * @example
 * ```ts
 * import { BatcherError } from '@x/llm-batcher';
 * try {
 *   await batcher.createJob({ taskIds: [] });
 * } catch (error) {
 *   if (error instanceof BatcherError) console.warn(error.message);
 * }
 * ```
 */
export class BatcherError extends Error {
  /** The error's class name, `'BatcherError'`, shown in stack traces and by `String(error)`. */
  override name = 'BatcherError';
}

/**
 * An option or argument had the wrong type or was out of range. The message names the input, what
 * was expected and what came in.
 *
 * @example
 * ```ts
 * import { InvalidArgumentError, createBatcher } from '@x/llm-batcher';
 * try {
 *   createBatcher({ source, client, batchSize: 11 });
 * } catch (error) {
 *   // Expected `batchSize` to be an integer from 1 to 10, got `11` (number)
 *   if (error instanceof InvalidArgumentError) console.error(error.message);
 * }
 * ```
 */
export class InvalidArgumentError extends BatcherError {
  /** The error's class name, `'InvalidArgumentError'`, shown in stack traces and by `String(error)`. */
  override name = 'InvalidArgumentError';
}

/**
 * A job would hold more tasks than the limit (5000).
 *
 * @example
 * ```ts
 * import { JobTooLargeError } from '@x/llm-batcher';
 * try {
 *   await batcher.createJob({ filter: {} });
 * } catch (error) {
 *   if (error instanceof JobTooLargeError) console.error(`${error.count} > ${error.limit}`);
 * }
 * ```
 */
export class JobTooLargeError extends BatcherError {
  /** The error's class name, `'JobTooLargeError'`, shown in stack traces and by `String(error)`. */
  override name = 'JobTooLargeError';
  /** The number of tasks asked for (at least `limit + 1`; a filter stops counting there). */
  readonly count: number;
  /** The largest number of tasks a job may hold. */
  readonly limit: number;
  constructor(count: number, limit: number, countIsLowerBound = false) {
    super(
      `Expected a job of at most ${limit} tasks, got ${countIsLowerBound ? 'more than ' : ''}${
        countIsLowerBound ? limit : count
      } tasks`,
    );
    this.count = count;
    this.limit = limit;
  }
}

/**
 * A job would hold no task: an empty `taskIds` list, or a filter that matched nothing.
 *
 * @example
 * ```ts
 * import { EmptyJobError } from '@x/llm-batcher';
 * try {
 *   await batcher.createJob({ filter: { kind: 'nothing-like-this' } });
 * } catch (error) {
 *   if (error instanceof EmptyJobError) console.warn('nothing to do');
 * }
 * ```
 */
export class EmptyJobError extends BatcherError {
  /** The error's class name, `'EmptyJobError'`, shown in stack traces and by `String(error)`. */
  override name = 'EmptyJobError';
}

/**
 * Some of the task ids given to `createJob` do not exist in the task source.
 *
 * @example
 * ```ts
 * import { TaskNotFoundError } from '@x/llm-batcher';
 * try {
 *   await batcher.createJob({ taskIds: ['t1', 'nope'] });
 * } catch (error) {
 *   if (error instanceof TaskNotFoundError) console.error(error.taskIds); // ['nope']
 * }
 * ```
 */
export class TaskNotFoundError extends BatcherError {
  /** The error's class name, `'TaskNotFoundError'`, shown in stack traces and by `String(error)`. */
  override name = 'TaskNotFoundError';
  /** Every requested id the source does not hold, in request order. */
  readonly taskIds: readonly string[];
  constructor(taskIds: readonly string[]) {
    const shown = taskIds.slice(0, 20).map((id) => `\`${id}\``);
    const more = taskIds.length > 20 ? ` and ${taskIds.length - 20} more` : '';
    super(
      `Expected every task id to exist in the task source, ${taskIds.length} not found: ${shown.join(', ')}${more}`,
    );
    this.taskIds = taskIds;
  }
}

/**
 * No job with this id exists in the job store.
 *
 * @example
 * ```ts
 * import { JobNotFoundError } from '@x/llm-batcher';
 * try {
 *   await batcher.getJob('missing');
 * } catch (error) {
 *   if (error instanceof JobNotFoundError) console.error(error.jobId);
 * }
 * ```
 */
export class JobNotFoundError extends BatcherError {
  /** The error's class name, `'JobNotFoundError'`, shown in stack traces and by `String(error)`. */
  override name = 'JobNotFoundError';
  /** The id that was looked up. */
  readonly jobId: string;
  constructor(jobId: string) {
    super(`Expected \`${jobId}\` to be the id of an existing job, found none`);
    this.jobId = jobId;
  }
}

/**
 * The job is in a state that does not allow the operation (pausing a completed job, resuming a
 * running one, cancelling a finished one).
 *
 * @example
 * ```ts
 * import { JobStateError } from '@x/llm-batcher';
 * try {
 *   await batcher.resumeJob(job.id);
 * } catch (error) {
 *   if (error instanceof JobStateError) console.error(error.state);
 * }
 * ```
 */
export class JobStateError extends BatcherError {
  /** The error's class name, `'JobStateError'`, shown in stack traces and by `String(error)`. */
  override name = 'JobStateError';
  /** The job's id. */
  readonly jobId: string;
  /** The state the job was in. */
  readonly state: string;
  constructor(jobId: string, action: string, expected: readonly string[], state: string) {
    super(
      `Expected job \`${jobId}\` to be ${expected.map((s) => `\`${s}\``).join(' or ')} to ${action} it, got \`${state}\``,
    );
    this.jobId = jobId;
    this.state = state;
  }
}

/**
 * One task whose payload cannot be sent as JSON, as listed by {@link InvalidPayloadError}.
 *
 * @example
 * ```ts
 * const problem: PayloadProblem = { taskId: 't7', problem: 'a BigInt at payload.count' };
 * ```
 */
export interface PayloadProblem {
  /** The task's id. */
  readonly taskId: string;
  /** What is wrong and where: `a BigInt at payload.count`, `a cycle at payload.self`, `a function at payload`. */
  readonly problem: string;
}

/**
 * `createJob` refused the job because some tasks' payloads cannot be sent as JSON (a BigInt, a
 * function, a symbol, a cycle, a non-finite number, a `toJSON` that throws). No job is created, so
 * no healthy task is ever charged for a bad one; remove or fix the listed tasks and create the job
 * again.
 *
 * @example
 * ```ts
 * import { InvalidPayloadError } from '@x/llm-batcher';
 * try {
 *   await batcher.createJob({ taskIds });
 * } catch (error) {
 *   if (!(error instanceof InvalidPayloadError)) throw error;
 *   const bad = new Set(error.taskIds);
 *   await batcher.createJob({ taskIds: taskIds.filter((id) => !bad.has(id)) });
 * }
 * ```
 */
export class InvalidPayloadError extends BatcherError {
  /** The error's class name, `'InvalidPayloadError'`, shown in stack traces and by `String(error)`. */
  override name = 'InvalidPayloadError';
  /** Every task whose payload is not JSON-serializable, in job order. */
  readonly taskIds: readonly string[];
  /** What is wrong with each of them, in the same order. */
  readonly problems: readonly PayloadProblem[];
  constructor(problems: readonly PayloadProblem[]) {
    const shown = problems.slice(0, 10).map(({ taskId, problem }) => `\`${taskId}\` (${problem})`);
    const more = problems.length > 10 ? ` and ${problems.length - 10} more` : '';
    super(
      `Expected every task payload to be JSON-serializable, ${problems.length} ${
        problems.length === 1 ? 'is' : 'are'
      } not: ${shown.join(', ')}${more}`,
    );
    this.problems = problems;
    this.taskIds = problems.map(({ taskId }) => taskId);
  }
}
