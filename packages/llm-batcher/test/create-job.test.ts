import { describe, expect, it } from 'vitest';
import {
  BatcherError,
  createBatcher,
  EmptyJobError,
  InvalidArgumentError,
  JobNotFoundError,
  JobTooLargeError,
  type LlmClient,
  memoryJobStore,
  memoryTaskSource,
  TaskNotFoundError,
} from '../src/index.js';
import { makeTasks } from './counting-store.js';

const echo: LlmClient = {
  async complete(batch) {
    return { results: batch.map((t) => ({ id: t.id, output: t.payload })) };
  },
};

describe('createJob', () => {
  const tasks = [
    ...makeTasks(6000),
    { id: 'fr-1', payload: { lang: 'fr', text: 'bonjour' } },
    { id: 'fr-2', payload: { lang: 'fr', text: 'salut' } },
  ];
  const batcher = createBatcher({ source: memoryTaskSource(tasks), client: echo });

  it('collapses duplicate ids, keeping first-seen order', async () => {
    const job = await batcher.createJob({ taskIds: ['t-3', 't-1', 't-3', 't-2', 't-1'], name: 'dups' });
    expect(job).toMatchObject({ state: 'queued', total: 3, pending: 3, name: 'dups', succeeded: 0, etaMs: null });
    await batcher.runJob(job.id);
    const ids: string[] = [];
    for await (const r of batcher.results(job.id)) ids.push(r.taskId);
    expect(ids).toEqual(['t-3', 't-1', 't-2']);
  });

  it('returns the same job for the same idempotencyKey', async () => {
    const first = await batcher.createJob({ taskIds: ['t-1'], idempotencyKey: 'k-1' });
    const again = await batcher.createJob({ taskIds: ['t-1', 't-2'], idempotencyKey: 'k-1' });
    expect(again.id).toBe(first.id);
    expect(again.total).toBe(1);
    const other = await batcher.createJob({ taskIds: ['t-1'], idempotencyKey: 'k-2' });
    expect(other.id).not.toBe(first.id);
  });

  it('accepts exactly 5000 tasks and rejects 5001 with JobTooLargeError', async () => {
    const ids = tasks.slice(0, 5001).map((t) => t.id);
    expect((await batcher.createJob({ taskIds: ids.slice(0, 5000) })).total).toBe(5000);
    const error = await batcher.createJob({ taskIds: ids }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobTooLargeError);
    expect(error).toBeInstanceOf(BatcherError);
    expect((error as JobTooLargeError).message).toBe('Expected a job of at most 5000 tasks, got 5001 tasks');
    expect((error as JobTooLargeError).count).toBe(5001);
    // duplicates collapse before the size check
    expect((await batcher.createJob({ taskIds: [...ids.slice(0, 5000), ...ids.slice(0, 10)] })).total).toBe(5000);
  });

  it('selects tasks with a filter (object or predicate), and rejects filters matching more than 5000', async () => {
    const fr = await batcher.createJob({ filter: { lang: 'fr' } });
    expect(fr.total).toBe(2);
    const even = await batcher.createJob({ filter: (task) => task.id.endsWith('0') && task.id.length === 4 });
    expect(even.total).toBe(9); // t-10 … t-90
    await expect(batcher.createJob({ filter: {} })).rejects.toThrow(new JobTooLargeError(5001, 5000, true));
    await expect(batcher.createJob({ filter: {} })).rejects.toThrow(
      'Expected a job of at most 5000 tasks, got more than 5000 tasks',
    );
  });

  it('rejects empty jobs with EmptyJobError', async () => {
    await expect(batcher.createJob({ taskIds: [] })).rejects.toThrow(EmptyJobError);
    await expect(batcher.createJob({ taskIds: [] })).rejects.toThrow(
      'Expected at least one task id, got an empty `taskIds`',
    );
    await expect(batcher.createJob({ filter: { lang: 'de' } })).rejects.toThrow(
      new EmptyJobError('Expected the filter to match at least one task, got none'),
    );
  });

  it('rejects unknown ids with TaskNotFoundError listing every one of them', async () => {
    const error = (await batcher
      .createJob({ taskIds: ['t-1', 'nope-1', 't-2', 'nope-2'] })
      .catch((e: unknown) => e)) as TaskNotFoundError;
    expect(error).toBeInstanceOf(TaskNotFoundError);
    expect(error.taskIds).toEqual(['nope-1', 'nope-2']);
    expect(error.message).toBe('Expected every task id to exist in the task source, 2 not found: `nope-1`, `nope-2`');
    const many = (await batcher
      .createJob({ taskIds: Array.from({ length: 25 }, (_, i) => `x${i}`) })
      .catch((e: unknown) => e)) as TaskNotFoundError;
    expect(many.taskIds).toHaveLength(25);
    expect(many.message).toMatch(/25 not found: `x0`, .*`x19` and 5 more$/);
  });

  it('rejects bad input with InvalidArgumentError naming what was expected', async () => {
    const cases: Array<[unknown, string]> = [
      [null, 'Expected `input` to be an object, got `null` (null)'],
      [{}, 'Expected exactly one of `taskIds` and `filter`, got neither'],
      [{ taskIds: ['a'], filter: {} }, 'Expected exactly one of `taskIds` and `filter`, got both'],
      [{ taskIds: 'a' }, 'Expected `taskIds` to be an array of strings, got `"a"` (string)'],
      [{ taskIds: ['a', 3] }, 'Expected `taskIds[1]` to be a non-empty string, got `3` (number)'],
      [{ taskIds: [''] }, 'Expected `taskIds[0]` to be a non-empty string, got `""` (string)'],
      [{ filter: 5 }, 'Expected `filter` to be an object, got `5` (number)'],
      [{ filter: [] }, 'Expected `filter` to be an object, got `[]` (array)'],
      [{ taskIds: ['t-1'], name: 7 }, 'Expected `name` to be a non-empty string, got `7` (number)'],
      [
        { taskIds: ['t-1'], idempotencyKey: '' },
        'Expected `idempotencyKey` to be a non-empty string, got `""` (string)',
      ],
      [
        { taskIds: ['t-1'], taskIDs: [] },
        'Unknown option `taskIDs` (did you mean `taskIds`?) in `createJob` options; valid options are `taskIds`, `filter`, `name`, `idempotencyKey`',
      ],
    ];
    for (const [input, message] of cases) {
      const error = await batcher.createJob(input as never).catch((e: unknown) => e);
      expect(error, message).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toBe(message);
    }
  });
});

describe('entry points that take a job id', () => {
  const batcher = createBatcher({ source: memoryTaskSource(makeTasks(3)), client: echo, store: memoryJobStore() });

  it('reject unknown jobs with JobNotFoundError and non-strings with InvalidArgumentError', async () => {
    const notFound = new JobNotFoundError('nope');
    expect(notFound.message).toBe('Expected `nope` to be the id of an existing job, found none');
    await expect(batcher.getJob('nope')).rejects.toThrow(notFound);
    await expect(batcher.runJob('nope')).rejects.toThrow(notFound);
    await expect(batcher.cancelJob('nope')).rejects.toThrow(notFound);
    await expect(batcher.pauseJob('nope')).rejects.toThrow(notFound);
    await expect(batcher.resumeJob('nope')).rejects.toThrow(notFound);
    const iterate = async () => {
      for await (const _ of batcher.results('nope')) {
        // nothing
      }
    };
    await expect(iterate()).rejects.toThrow(notFound);
    const bad = 'Expected `jobId` to be a non-empty string, got `42` (number)';
    await expect(batcher.getJob(42 as never)).rejects.toThrow(new InvalidArgumentError(bad));
    await expect(batcher.runJob(42 as never)).rejects.toThrow(bad);
    await expect(batcher.cancelJob(42 as never)).rejects.toThrow(bad);
    await expect(batcher.pauseJob(42 as never)).rejects.toThrow(bad);
    await expect(batcher.resumeJob(42 as never)).rejects.toThrow(bad);
    expect(() => batcher.results(42 as never)).toThrow(bad);
  });

  it('runJob validates its options', async () => {
    const job = await batcher.createJob({ taskIds: ['t-0'] });
    await expect(batcher.runJob(job.id, { signal: 'x' as never })).rejects.toThrow(
      new InvalidArgumentError('Expected `signal` to be an AbortSignal, got `"x"` (string)'),
    );
    await expect(batcher.runJob(job.id, { onProgress: 1 as never })).rejects.toThrow(
      'Expected `onProgress` to be a function, got `1` (number)',
    );
    await expect(batcher.runJob(job.id, { onprogress: () => {} } as never)).rejects.toThrow(
      'Unknown option `onprogress` (did you mean `onProgress`?) in `runJob` options; valid options are `signal`, `onProgress`',
    );
    expect(await batcher.runJob(job.id)).toMatchObject({ state: 'completed', succeeded: 1 });
    // running a finished job again does nothing and reports it
    expect(await batcher.runJob(job.id)).toMatchObject({ state: 'completed', succeeded: 1, requests: 0 });
  });
});
