import { describe, expect, it } from 'vitest';
import {
  DuplicateWorkerError,
  httpWorker,
  InvalidArgumentError,
  LoadBalancer,
  LoadBalancerError,
  QueueFullError,
  ShutdownError,
  UnknownWorkerError,
} from '../src/index.js';
import { ManualClock } from '../src/testing.js';

const execute = async (n: number) => n;

describe('bad input is rejected with typed errors naming the input', () => {
  it('constructor options', () => {
    const cases: Array<[object, string]> = [
      [
        { strategy: 'random' },
        'Expected `strategy` to be one of least-loaded, power-of-two, round-robin, weighted, got `"random"` (string)',
      ],
      [
        { heartbeatIntervalMs: 0 },
        'Expected `heartbeatIntervalMs` to be a duration in ms above 0 to 2147483647 (about 24.8 days), got `0` (number)',
      ],
      [
        { heartbeatTimeoutMs: Number.NaN },
        'Expected `heartbeatTimeoutMs` to be a duration in ms above 0 to 2147483647 (about 24.8 days), got `NaN` (number)',
      ],
      [{ overloadThreshold: 1.5 }, 'Expected `overloadThreshold` to be a number from 0 to 1, got `1.5` (number)'],
      [
        { overloadThreshold: 0.5, overloadRecoveryThreshold: 0.6 },
        'Expected `overloadRecoveryThreshold` to be a number from 0 to overloadThreshold (0.5), got `0.6` (number)',
      ],
      [
        { ejection: { consecutiveFailures: 0 } },
        'Expected `ejection.consecutiveFailures` to be an integer from 1 and up, got `0` (number)',
      ],
      [
        { ejection: { maxEjectionPercent: 150 } },
        'Expected `ejection.maxEjectionPercent` to be a number from 0 to 100, got `150` (number)',
      ],
      [
        { retry: { maxAttempts: 1.5 } },
        'Expected `retry.maxAttempts` to be an integer from 1 and up, got `1.5` (number)',
      ],
      [
        { retry: { budget: { percent: -1 } } },
        'Expected `retry.budget.percent` to be a finite number from 0 and up, got `-1` (number)',
      ],
      [{ maxQueueSize: -1 }, 'Expected `maxQueueSize` to be an integer from 0 and up, got `-1` (number)'],
      [
        { aging: { intervalMs: 0 } },
        'Expected `aging.intervalMs` to be a duration in ms above 0 to 2147483647 (about 24.8 days), got `0` (number)',
      ],
      [{ panicThreshold: 101 }, 'Expected `panicThreshold` to be a number from 0 to 100, got `101` (number)'],
      [{ retryOn: 'yes' }, 'Expected `retryOn` to be a function, got `"yes"` (string)'],
      [{ clock: {} }, 'Expected `clock.now` to be a function, got `undefined` (undefined)'],
    ];
    for (const [options, message] of cases) {
      expect(() => new LoadBalancer(options as never), message).toThrow(InvalidArgumentError);
      expect(() => new LoadBalancer(options as never)).toThrow(message);
    }
  });

  it('addWorker: capacity, id, weight, execute, duplicates', () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock() });
    expect(() => lb.addWorker({ id: 'a', capacity: 0, execute })).toThrow(
      new InvalidArgumentError('Expected `capacity` to be an integer from 1 and up, got `0` (number)'),
    );
    expect(() => lb.addWorker({ id: 'a', capacity: -2, execute })).toThrow(InvalidArgumentError);
    expect(() => lb.addWorker({ id: 'a', capacity: 1.5, execute })).toThrow(InvalidArgumentError);
    expect(() => lb.addWorker({ id: '', capacity: 1, execute })).toThrow(
      'Expected `id` to be a non-empty string, got `""` (string)',
    );
    expect(() => lb.addWorker({ id: 'a', capacity: 1, weight: 0, execute })).toThrow(
      'Expected `weight` to be a finite number above 0, got `0` (number)',
    );
    expect(() => lb.addWorker({ id: 'a', capacity: 1 } as never)).toThrow(
      'Expected `execute` to be a function, got `undefined` (undefined)',
    );
    lb.addWorker({ id: 'a', capacity: 1, execute });
    const duplicate = (() => {
      try {
        lb.addWorker({ id: 'a', capacity: 1, execute });
      } catch (error) {
        return error;
      }
    })();
    expect(duplicate).toBeInstanceOf(DuplicateWorkerError);
    expect(duplicate).toBeInstanceOf(LoadBalancerError);
    expect((duplicate as DuplicateWorkerError).message).toBe(
      'Expected `id` to be a worker id not yet registered, got `a` which is already registered',
    );
    expect((duplicate as DuplicateWorkerError).workerId).toBe('a');
  });

  it('unknown worker ids', async () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock() });
    expect(() => lb.heartbeat('ghost')).toThrow(new UnknownWorkerError('ghost'));
    expect(() => lb.heartbeat('ghost')).toThrow('Expected `id` to be a registered worker id, got `ghost`');
    await expect(lb.removeWorker('ghost')).rejects.toThrow(UnknownWorkerError);
    lb.addWorker({ id: 'a', capacity: 1, execute });
    expect(() => lb.heartbeat('a', { load: 2 })).toThrow(
      'Expected `load` to be a number from 0 to 1, got `2` (number)',
    );
    await expect(lb.removeWorker('a', { drain: 'yes' as never })).rejects.toThrow(
      'Expected `drain` to be a boolean, got `"yes"` (string)',
    );
  });

  it('submit options: NaN priority, timeouts, attempts, key, signal', async () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock() });
    await expect(lb.submit(1, { priority: Number.NaN })).rejects.toThrow(
      new InvalidArgumentError('Expected `priority` to be a finite number, got `NaN` (number)'),
    );
    await expect(lb.submit(1, { priority: Number.POSITIVE_INFINITY })).rejects.toThrow(InvalidArgumentError);
    await expect(lb.submit(1, { timeoutMs: 0 })).rejects.toThrow(
      'Expected `timeoutMs` to be a duration in ms above 0 to 2147483647 (about 24.8 days), got `0` (number)',
    );
    await expect(lb.submit(1, { maxAttempts: 0 })).rejects.toThrow(
      'Expected `maxAttempts` to be an integer from 1 and up, got `0` (number)',
    );
    await expect(lb.submit(1, { key: 5 as never })).rejects.toThrow('Expected `key` to be a string, got `5` (number)');
    await expect(lb.submit(1, { signal: {} as never })).rejects.toThrow(
      'Expected `signal` to be an AbortSignal, got `{}` (object)',
    );
    await expect(lb.onSizeLessThan(0)).rejects.toThrow(
      'Expected `limit` to be an integer from 1 and up, got `0` (number)',
    );
    expect(lb.stats().queued).toBe(0);
  });

  it('maxQueueSize rejects with QueueFullError and emits queue-full', async () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock(), maxQueueSize: 2 });
    const events: unknown[] = [];
    lb.on('queue-full', (event) => events.push(event));
    const first = lb.submit(1);
    const second = lb.submit(2, { priority: 3 });
    const error = await lb.submit(3, { priority: 7, key: 'k' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueFullError);
    expect((error as QueueFullError).message).toBe(
      'Queue is full: `maxQueueSize` is 2 and 2 tasks are already waiting',
    );
    expect(events).toEqual([{ maxQueueSize: 2, priority: 7, key: 'k' }]);
    await expect(lb.submit(4)).rejects.toThrow(QueueFullError);
    expect(lb.stats()).toMatchObject({ queued: 2, rejectedQueueFull: 2, failed: 2 });
    lb.addWorker({ id: 'a', capacity: 2, execute });
    await expect(Promise.all([first, second])).resolves.toEqual([1, 2]);
  });

  it('after shutdown: submit and addWorker reject with ShutdownError', async () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock() });
    await lb.shutdown();
    await expect(lb.submit(1)).rejects.toThrow(ShutdownError);
    await expect(lb.submit(1, { priority: 1 })).rejects.toThrow('Load balancer is shut down');
    expect(() => lb.addWorker({ id: 'a', capacity: 1, execute })).toThrow(ShutdownError);
  });

  it('httpWorker options', () => {
    expect(() => httpWorker({ id: 'h', url: 'not a url', capacity: 1 })).toThrow(
      'Expected `url` to be an absolute http(s) URL, got `"not a url"` (string)',
    );
    expect(() => httpWorker({ id: 'h', url: 'ftp://x/', capacity: 1 })).toThrow(InvalidArgumentError);
    expect(() => httpWorker({ id: 'h', url: 'http://127.0.0.1:1/', capacity: 0 })).toThrow(
      'Expected `capacity` to be an integer from 1 and up, got `0` (number)',
    );
    expect(() => httpWorker({ id: 'h', url: 'http://127.0.0.1:1/', capacity: 1, timeoutMs: -1 })).toThrow(
      'Expected `timeoutMs` to be a duration in ms above 0 to 2147483647 (about 24.8 days), got `-1` (number)',
    );
  });

  it('every error class extends LoadBalancerError and Error', () => {
    for (const error of [new QueueFullError(1), new ShutdownError(), new UnknownWorkerError('x')]) {
      expect(error).toBeInstanceOf(LoadBalancerError);
      expect(error).toBeInstanceOf(Error);
    }
    expect(new LoadBalancerError('m').name).toBe('LoadBalancerError');
    expect(new QueueFullError(1).name).toBe('QueueFullError');
  });
});
