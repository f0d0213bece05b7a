import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  RetriesExhaustedError,
  ShutdownError,
  TaskAbortedError,
  TaskTimeoutError,
  WorkerUnavailableError,
} from '../src/index.js';
import { flush, heldWorker, manualBalancer, track } from './fixtures.js';

const setup = manualBalancer;

describe('failover', () => {
  it('WorkerUnavailableError fails the task over to another worker; counted as a worker error', async () => {
    const { lb } = setup();
    const a = heldWorker<number>('a', 1);
    const b = heldWorker<number>('b', 1);
    lb.addWorker(a.spec);
    const retries: unknown[] = [];
    lb.on('task-retry', (e) => retries.push([e.kind, e.workerId, e.attempt]));
    const task = track(lb.submit(5));
    lb.addWorker(b.spec);
    a.held.shift()?.reject(new WorkerUnavailableError('connection refused'));
    await flush();
    expect(b.calls).toEqual([5]);
    expect(b.held[0]?.context).toMatchObject({ attempt: 2, workerId: 'b' });
    b.next('done');
    await flush();
    expect(task).toMatchObject({ status: 'fulfilled', value: 'done' });
    expect(retries).toEqual([['failover', 'a', 1]]);
    expect(lb.workers().map((w) => [w.id, w.failures, w.taskErrors])).toEqual([
      ['a', 1, 0],
      ['b', 0, 0],
    ]);
  });

  it('an unreachable worker: its in-flight tasks are requeued with their priority and run elsewhere; late results are ignored', async () => {
    const { clock, lb } = setup();
    const a = heldWorker<number>('a', 2);
    const b = heldWorker<number>('b', 1);
    lb.addWorker(a.spec);
    lb.heartbeat('a');
    const high = track(lb.submit(1, { priority: 9 }));
    const low = track(lb.submit(2, { priority: 1 }));
    const queuedLater = track(lb.submit(3, { priority: 5 }));
    const late: unknown[] = [];
    lb.on('late-result', (e) => late.push([e.workerId, e.outcome]));
    const signals = a.held.map((h) => h.context.signal);
    expect(a.calls).toEqual([1, 2]);
    lb.addWorker(b.spec);
    expect(b.calls).toEqual([3]);
    await clock.tick(3000); // a misses its heartbeats
    expect(lb.workers()[0]?.state).toBe('unreachable');
    expect(signals.map((s) => s.aborted)).toEqual([true, true]);
    expect(signals[0]?.reason).toBeInstanceOf(WorkerUnavailableError);
    b.next();
    await flush();
    // the requeued tasks kept their priority: 1 (priority 9) before 2 (priority 1)
    expect(b.calls).toEqual([3, 1]);
    // the dead worker answers late: ignored, the caller's promise is not settled by it
    a.next('stale');
    await flush();
    expect(high.status).toBe('pending');
    b.next('fresh');
    await flush();
    expect(high).toMatchObject({ status: 'fulfilled', value: 'fresh' });
    expect(b.calls).toEqual([3, 1, 2]);
    b.next();
    a.next('stale');
    await flush();
    expect(low).toMatchObject({ status: 'fulfilled', value: 2 });
    expect(queuedLater).toMatchObject({ status: 'fulfilled', value: 3 });
    expect(late).toEqual([
      ['a', 'fulfilled'],
      ['a', 'fulfilled'],
    ]);
    expect(lb.stats()).toMatchObject({ lateResults: 2, completed: 3, failovers: 2 });
  });

  it('up to maxAttempts, then RetriesExhaustedError carrying the last error', async () => {
    const { lb } = setup({ ejection: false });
    lb.addWorker({
      id: 'a',
      capacity: 1,
      execute: async () => {
        throw new WorkerUnavailableError('down');
      },
    });
    const error = await lb.submit(1, { maxAttempts: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error).toMatchObject({ attempts: 3, reason: 'max-attempts', message: 'Task failed on all 3 attempts' });
    expect((error as Error).cause).toBeInstanceOf(WorkerUnavailableError);
  });

  it('non-draining removal fails running tasks over at once and aborts their signals', async () => {
    const { lb } = setup();
    const a = heldWorker<number>('a', 1);
    const b = heldWorker<number>('b', 1);
    lb.addWorker(a.spec);
    const task = track(lb.submit(1));
    lb.addWorker(b.spec);
    await lb.removeWorker('a', { drain: false });
    expect(a.held[0]?.context.signal.aborted).toBe(true);
    expect(b.calls).toEqual([1]);
    b.next();
    await flush();
    expect(task.status).toBe('fulfilled');
  });

  it('onAbort tells an executor that owns its cancellation, with the signal’s reason, once', async () => {
    const { clock, lb } = setup();
    const a = heldWorker<number>('a', 2);
    lb.addWorker(a.spec);
    const reasons: unknown[] = [];
    const timedOut = track(lb.submit(1, { timeoutMs: 100 }));
    const done = track(lb.submit(2));
    for (const held of a.held) held.context.onAbort((reason) => reasons.push([held.task, reason]));
    a.held[1]?.resolve('ok');
    await clock.tick(100);
    expect(reasons).toEqual([[1, expect.any(TaskTimeoutError)]]);
    expect(a.held[0]?.context.signal.reason).toBe((reasons[0] as unknown[])[1]);
    // already abandoned: told at once; a second listener replaces the first
    const late: unknown[] = [];
    a.held[0]?.context.onAbort((reason) => late.push(reason));
    expect(late).toEqual([expect.any(TaskTimeoutError)]);
    await lb.shutdown({ drain: false });
    expect(reasons).toHaveLength(1);
    expect(timedOut.error).toBeInstanceOf(TaskTimeoutError);
    expect(done.status).toBe('fulfilled');
  });

  it('onAbort fires on non-draining removal; a throwing listener does not disturb the failover', async () => {
    const { lb } = setup();
    const a = heldWorker<number>('a', 1);
    const b = heldWorker<number>('b', 1);
    lb.addWorker(a.spec);
    const task = track(lb.submit(1));
    const reasons: unknown[] = [];
    a.held[0]?.context.onAbort((reason) => {
      reasons.push(reason);
      throw new Error('listener bug');
    });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      lb.addWorker(b.spec);
      await lb.removeWorker('a', { drain: false });
      await flush();
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(reasons).toEqual([expect.any(WorkerUnavailableError)]);
    expect(uncaught).toEqual([expect.objectContaining({ message: 'listener bug' })]);
    expect(b.calls).toEqual([1]);
    b.next();
    await flush();
    expect(task.status).toBe('fulfilled');
    expect(() => a.held[0]?.context.onAbort('nope' as never)).toThrow('Expected `listener` to be a function');
  });

  it('a draining worker that does not finish in timeoutMs has its tasks failed over', async () => {
    const { clock, lb } = setup();
    const a = heldWorker<number>('a', 1);
    lb.addWorker(a.spec);
    const task = track(lb.submit(1));
    const removal = track(lb.removeWorker('a', { timeoutMs: 500 }));
    const b = heldWorker<number>('b', 1);
    lb.addWorker(b.spec);
    expect(b.calls).toEqual([]);
    await clock.tick(500);
    expect(removal.status).toBe('fulfilled');
    expect(b.calls).toEqual([1]);
    b.next();
    await flush();
    expect(task.status).toBe('fulfilled');
  });
});

describe('task errors and retries', () => {
  it('a task error rejects with the original error and is not retried by default', async () => {
    const { lb } = setup();
    const original = new TypeError('bad input');
    let calls = 0;
    lb.addWorker({
      id: 'a',
      capacity: 1,
      execute: async () => {
        calls++;
        throw original;
      },
    });
    await expect(lb.submit(1)).rejects.toBe(original);
    expect(calls).toBe(1);
  });

  it('retryOn: retried with exponential backoff and full jitter', async () => {
    const { clock, lb } = setup({
      retryOn: (error) => error instanceof Error && error.message === 'transient',
      retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300 },
      random: () => 0.5,
    });
    const delays: number[] = [];
    lb.on('task-retry', (e) => delays.push(e.delayMs));
    let calls = 0;
    lb.addWorker({
      id: 'a',
      capacity: 1,
      execute: async (n) => {
        calls++;
        if (calls < 4) throw new Error('transient');
        return n;
      },
    });
    const task = track(lb.submit(1));
    await flush();
    expect(calls).toBe(1);
    expect(lb.stats().waitingRetry).toBe(1);
    await clock.tick(49);
    expect(calls).toBe(1);
    await clock.tick(1);
    expect(calls).toBe(2);
    await clock.tick(100);
    expect(calls).toBe(3);
    await clock.tick(150);
    expect(calls).toBe(4);
    expect(task).toMatchObject({ status: 'fulfilled', value: 1 });
    expect(delays).toEqual([50, 100, 150]); // 0.5 × min(300, 100 × 2^(n-1))
    expect(lb.stats()).toMatchObject({ retried: 3, taskErrors: 3 });
  });

  it('retryOn accepted but attempts ran out: RetriesExhaustedError with the task error as cause', async () => {
    const { clock, lb } = setup({ retryOn: () => true, retry: { maxAttempts: 2, baseDelayMs: 10 } });
    lb.addWorker({ id: 'a', capacity: 1, execute: async () => Promise.reject(new Error('flaky')) });
    const task = track(lb.submit(1));
    await clock.tick(20);
    expect(task.status).toBe('rejected');
    expect(task.error).toBeInstanceOf(RetriesExhaustedError);
    expect((task.error as Error).cause).toEqual(new Error('flaky'));
  });

  it('the retry budget refuses retries beyond its share of active tasks', async () => {
    const { clock, lb } = setup({
      retryOn: () => true,
      retry: { maxAttempts: 5, baseDelayMs: 100, budget: { percent: 0, minConcurrency: 2 } },
    });
    lb.addWorker({ id: 'a', capacity: 10, execute: async () => Promise.reject(new Error('flaky')) });
    const tasks = Array.from({ length: 5 }, (_, i) => track(lb.submit(i)));
    await flush();
    const exhausted = tasks.filter((t) => t.status === 'rejected');
    expect(exhausted).toHaveLength(3);
    for (const t of exhausted) expect(t.error).toMatchObject({ name: 'RetriesExhaustedError', reason: 'budget' });
    expect(lb.stats().waitingRetry).toBe(2);
    await clock.tick(10_000);
    expect(tasks.every((t) => t.status === 'rejected')).toBe(true);
  });
});

describe('timeouts, aborts and shutdown', () => {
  it('timeoutMs rejects a queued task with TaskTimeoutError and removes it from the queue', async () => {
    const { clock, lb } = setup();
    const task = track(lb.submit(1, { timeoutMs: 100 }));
    const other = track(lb.submit(2));
    await clock.tick(100);
    expect(task.status).toBe('rejected');
    expect(task.error).toBeInstanceOf(TaskTimeoutError);
    expect((task.error as Error).message).toBe('Task timed out after 100 ms');
    expect(lb.size).toBe(1);
    const a = heldWorker<number>('a', 1);
    lb.addWorker(a.spec);
    expect(a.calls).toEqual([2]);
    a.next();
    await flush();
    expect(other.status).toBe('fulfilled');
  });

  it('timeoutMs aborts a running task through its signal; a later result is ignored', async () => {
    const { clock, lb } = setup();
    const a = heldWorker<number>('a', 1);
    lb.addWorker(a.spec);
    const failed: unknown[] = [];
    lb.on('task-failed', (e) => failed.push(e.error));
    const task = track(lb.submit(1, { timeoutMs: 100, key: 'k1' }));
    const { signal } = a.held[0]?.context ?? {};
    await clock.tick(100);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(TaskTimeoutError);
    expect(task.error).toBeInstanceOf(TaskTimeoutError);
    // the worker slot stays taken until execute settles: capacity counts real work
    expect(lb.workers()[0]?.inFlight).toBe(1);
    a.next('too late');
    await flush();
    expect(task.status).toBe('rejected');
    expect(lb.workers()[0]?.inFlight).toBe(0);
    expect(failed).toHaveLength(1);
    expect(lb.stats()).toMatchObject({ timedOut: 1, lateResults: 1 });
  });

  it('an aborted signal rejects with TaskAbortedError (queued, running, already aborted)', async () => {
    const { lb } = setup();
    const a = heldWorker<number>('a', 1);
    lb.addWorker(a.spec);
    const runningController = new AbortController();
    const queuedController = new AbortController();
    const running = track(lb.submit(1, { signal: runningController.signal }));
    const queued = track(lb.submit(2, { signal: queuedController.signal }));
    queuedController.abort('stop');
    runningController.abort('user left');
    await flush();
    expect(running.error).toBeInstanceOf(TaskAbortedError);
    expect((running.error as Error).cause).toBe('user left');
    expect(a.held[0]?.context.signal.reason).toBeInstanceOf(TaskAbortedError);
    expect(queued.error).toBeInstanceOf(TaskAbortedError);
    expect(lb.size).toBe(0);
    const already = new AbortController();
    already.abort('before');
    await expect(lb.submit(3, { signal: already.signal })).rejects.toThrow(TaskAbortedError);
    expect(lb.stats().aborted).toBe(3);
  });

  it('shutdown({ drain: false }) rejects queued and running tasks with ShutdownError and aborts running attempts', async () => {
    const { lb } = setup();
    const a = heldWorker<number>('a', 1);
    lb.addWorker(a.spec);
    const running = track(lb.submit(1));
    const queued = track(lb.submit(2, { priority: 3 }));
    await lb.shutdown({ drain: false });
    await flush();
    expect(running.error).toBeInstanceOf(ShutdownError);
    expect(queued.error).toBeInstanceOf(ShutdownError);
    expect(a.held[0]?.context.signal.reason).toBeInstanceOf(ShutdownError);
    await expect(lb.submit(3)).rejects.toThrow(ShutdownError);
  });

  it('shutdown() drains: waits for queued and running tasks', async () => {
    const { lb } = setup();
    const a = heldWorker<number>('a', 1);
    lb.addWorker(a.spec);
    const tasks = [track(lb.submit(1)), track(lb.submit(2))];
    const done = track(lb.shutdown());
    a.next();
    await flush();
    expect(done.status).toBe('pending');
    a.next();
    await flush();
    expect(done.status).toBe('fulfilled');
    expect(tasks.map((t) => t.status)).toEqual(['fulfilled', 'fulfilled']);
  });

  it('workers stay monitored while a shutdown drains: a worker that dies mid-drain fails its tasks over', async () => {
    const { clock, lb } = setup();
    const a = heldWorker<number>('a', 1);
    const b = heldWorker<number>('b', 1);
    lb.addWorker(a.spec);
    lb.addWorker(b.spec);
    lb.heartbeat('a');
    const tasks = [track(lb.submit(1)), track(lb.submit(2))];
    const done = track(lb.shutdown());
    expect(a.calls).toEqual([1]);
    b.next();
    await clock.tick(3000); // a misses its heartbeats: its task moves to b
    expect(b.calls).toEqual([2, 1]);
    b.next();
    await flush();
    expect(tasks.map((t) => t.value)).toEqual([1, 2]);
    expect(done.status).toBe('fulfilled');
    expect(clock.pendingTimers).toBe(0);
  });

  it('shutdown({ timeoutMs }) rejects what is left when the drain takes too long', async () => {
    const { clock, lb } = setup();
    const a = heldWorker<number>('a', 1);
    lb.addWorker(a.spec);
    const tasks = [track(lb.submit(1)), track(lb.submit(2))];
    const done = track(lb.shutdown({ timeoutMs: 1000 }));
    await clock.tick(1000);
    expect(done.status).toBe('fulfilled');
    expect(tasks.map((t) => t.error)).toEqual([expect.any(ShutdownError), expect.any(ShutdownError)]);
  });

  it('a listener that throws does not break settlement', async () => {
    const { lb } = setup();
    lb.on('task-failed', () => {
      throw new Error('listener bug');
    });
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    process.on('uncaughtException', onError);
    try {
      lb.addWorker({ id: 'a', capacity: 1, execute: async () => Promise.reject(new Error('task')) });
      await expect(lb.submit(1)).rejects.toThrow('task');
      await flush();
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(errors).toEqual([new Error('listener bug')]);
  });
});

describe('a task submitted with only a signal starts at once when a worker is free (its attempt listens, no per-task state)', () => {
  const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

  it('listens while it runs and stops listening however it settles: result, task error, shutdown', async () => {
    const { lb } = setup();
    const a = heldWorker<number>('a', 3);
    lb.addWorker(a.spec);
    const signals = [new AbortController(), new AbortController(), new AbortController()].map((c) => c.signal);
    const outcomes = signals.map((signal, i) => track(lb.submit(i, { signal })));
    expect(a.calls).toEqual([0, 1, 2]); // dispatched synchronously, in submit order
    expect(signals.map(listeners)).toEqual([1, 1, 1]);
    a.next('done');
    a.held.shift()?.reject(new Error('task failed'));
    await flush();
    expect(outcomes[0]).toMatchObject({ status: 'fulfilled', value: 'done' });
    expect(outcomes[1]?.error).toEqual(new Error('task failed'));
    expect(signals.map(listeners)).toEqual([0, 0, 1]);
    await lb.shutdown({ drain: false });
    await flush();
    expect(outcomes[2]?.error).toBeInstanceOf(ShutdownError);
    expect(signals.map(listeners)).toEqual([0, 0, 0]);
    expect(lb.stats()).toMatchObject({ completed: 1, failed: 2, aborted: 0 });
  });

  it('an abort while it runs rejects with TaskAbortedError, aborts the attempt, and a later result is ignored', async () => {
    const { lb } = setup();
    const a = heldWorker<number>('a', 1);
    lb.addWorker(a.spec);
    const controller = new AbortController();
    const outcome = track(lb.submit(1, { signal: controller.signal }));
    controller.abort('caller left');
    await flush();
    expect(outcome.error).toBeInstanceOf(TaskAbortedError);
    expect((outcome.error as Error).cause).toBe('caller left');
    expect(a.held[0]?.context.signal.reason).toBeInstanceOf(TaskAbortedError);
    expect(listeners(controller.signal)).toBe(0);
    a.next('too late');
    await flush();
    expect(lb.stats()).toMatchObject({ aborted: 1, failed: 1, completed: 0, lateResults: 1, inFlight: 0 });
    // the slot is free again: the next task runs
    const next = track(lb.submit(2, { signal: new AbortController().signal }));
    a.next('ok');
    await flush();
    expect(next).toMatchObject({ status: 'fulfilled', value: 'ok' });
  });

  it('failed over to a busy worker it waits in the queue with its state listening; an abort there rejects it and it never runs again', async () => {
    const { lb } = setup();
    const a = heldWorker<number>('a', 1);
    const b = heldWorker<number>('b', 1);
    lb.addWorker(a.spec);
    const controller = new AbortController();
    const outcome = track(lb.submit(1, { signal: controller.signal }));
    lb.addWorker(b.spec);
    const blocker = track(lb.submit(2)); // b is busy now
    expect(b.calls).toEqual([2]);
    a.held.shift()?.reject(new WorkerUnavailableError('a broke'));
    await flush();
    expect(lb.stats().queued).toBe(1); // task 1 waits for a worker it has not failed on
    expect(listeners(controller.signal)).toBe(1); // moved from the attempt to the task's state
    controller.abort('gave up');
    await flush();
    expect(outcome.error).toBeInstanceOf(TaskAbortedError);
    expect(listeners(controller.signal)).toBe(0);
    b.next('blocker done');
    await flush();
    expect(blocker).toMatchObject({ status: 'fulfilled' });
    expect(b.calls).toEqual([2]); // task 1 was not dispatched again
    expect(lb.stats()).toMatchObject({ aborted: 1, failovers: 1, queued: 0 });
  });

  it('failed over and then finished on another worker, it stops listening; options that need a state (timeout, key, another attempt limit) take the queued path', async () => {
    const { lb } = setup();
    const a = heldWorker<number>('a', 1);
    const b = heldWorker<number>('b', 1);
    lb.addWorker(a.spec);
    lb.addWorker(b.spec);
    const controller = new AbortController();
    const outcome = track(lb.submit(1, { signal: controller.signal }));
    const first = a.calls.length === 1 ? a : b;
    const other = first === a ? b : a;
    first.held.shift()?.reject(new WorkerUnavailableError('broke'));
    await flush();
    expect(other.calls).toEqual([1]);
    other.next('second try');
    await flush();
    expect(outcome).toMatchObject({ status: 'fulfilled', value: 'second try' });
    expect(listeners(controller.signal)).toBe(0);
    // with a key, a timeout or a non-default attempt limit the task gets its state at submit
    for (const options of [{ key: 'k' }, { timeoutMs: 1_000 }, { maxAttempts: 1 }]) {
      const signal = new AbortController().signal;
      const pending = track(lb.submit(9, { signal, ...options }));
      const worker = a.held.length > 0 ? a : b;
      expect(listeners(signal)).toBe(1);
      worker.next('ok');
      await flush();
      expect(pending).toMatchObject({ status: 'fulfilled' });
      expect(listeners(signal)).toBe(0);
    }
  });
});
