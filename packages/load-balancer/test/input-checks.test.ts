/**
 * Inputs that used to be silently mishandled: durations beyond what a timer honours, misspelt
 * option keys, `maxQueueSize: 0`, and push-back periods that are not durations.
 */
import { parseRetryAfter as checksParseRetryAfter } from '@x/checks';
import { describe, expect, it } from 'vitest';
import {
  httpWorker,
  InvalidArgumentError,
  LoadBalancer,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  QueueFullError,
  WorkerOverloadedError,
} from '../src/index.js';
import { ManualClock } from '../src/testing.js';
import { flush, heldWorker, track } from './fixtures.js';

const TOO_LONG = 2 ** 31;

describe('durations are finite, >= 0 and <= 2^31-1 ms', () => {
  it.each([
    ['heartbeatIntervalMs', { heartbeatIntervalMs: 3e9 }],
    ['heartbeatTimeoutMs', { heartbeatTimeoutMs: TOO_LONG }],
    ['healthCheckTimeoutMs', { healthCheckTimeoutMs: Number.POSITIVE_INFINITY }],
    ['overloadCooldownMs', { overloadCooldownMs: -1 }],
    ['ejection.baseEjectionTimeMs', { ejection: { baseEjectionTimeMs: TOO_LONG } }],
    ['ejection.maxEjectionTimeMs', { ejection: { maxEjectionTimeMs: Number.NaN } }],
    ['retry.baseDelayMs', { retry: { baseDelayMs: TOO_LONG } }],
    ['retry.maxDelayMs', { retry: { maxDelayMs: 1e12 } }],
    ['aging.intervalMs', { aging: { intervalMs: TOO_LONG } }],
  ])('constructor: %s', (name, options) => {
    expect(() => new LoadBalancer(options)).toThrow(InvalidArgumentError);
    expect(() => new LoadBalancer(options)).toThrow(`Expected \`${name}\` to be a duration in ms`);
  });

  it('the largest timer delay itself is accepted', () => {
    expect(() => new LoadBalancer({ heartbeatIntervalMs: 2 ** 31 - 1, heartbeatTimeoutMs: 2 ** 31 - 1 })).not.toThrow();
  });

  it('per-call values: submit, removeWorker and shutdown timeoutMs; httpWorker timeoutMs', async () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock() });
    lb.addWorker({ id: 'a', capacity: 1, execute: async (n) => n });
    const error = await lb.submit(1, { timeoutMs: TOO_LONG }).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toContain('`timeoutMs`');
    await expect(lb.removeWorker('a', { timeoutMs: 3e9 })).rejects.toThrow(InvalidArgumentError);
    await expect(lb.shutdown({ timeoutMs: -5 })).rejects.toThrow(InvalidArgumentError);
    expect(() => httpWorker({ id: 'h', url: 'http://127.0.0.1:1/', capacity: 1, timeoutMs: 3e9 })).toThrow(
      'Expected `timeoutMs` to be a duration in ms above 0 to 2147483647',
    );
    expect(await lb.submit(2, { timeoutMs: 2 ** 31 - 1 })).toBe(2);
  });

  it('WorkerOverloadedError takes a retryAfterMs from 0 to MAX_RETRY_AFTER_MS only', () => {
    for (const bad of [Number.NaN, -1, MAX_RETRY_AFTER_MS + 1, Number.POSITIVE_INFINITY, '5' as unknown as number]) {
      expect(() => new WorkerOverloadedError('429', { retryAfterMs: bad })).toThrow(InvalidArgumentError);
    }
    expect(new WorkerOverloadedError('429', { retryAfterMs: MAX_RETRY_AFTER_MS }).retryAfterMs).toBe(
      MAX_RETRY_AFTER_MS,
    );
    expect(new WorkerOverloadedError('429', { retryAfterMs: 0 }).retryAfterMs).toBe(0);
    expect(new WorkerOverloadedError('429').retryAfterMs).toBeUndefined();
  });
});

describe('one Retry-After parser', () => {
  it('is the shared @x/checks parser, re-exported', () => {
    expect(parseRetryAfter).toBe(checksParseRetryAfter);
    expect(MAX_RETRY_AFTER_MS).toBe(3_600_000);
  });

  it.each([
    [{ 'retry-after': '120' }, 120_000],
    [{ 'retry-after': '1.5' }, 1500],
    [{ 'retry-after-ms': '250.5', 'retry-after': '3' }, 250.5],
    [{ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }, 60_000],
    [{ 'retry-after': '99999999' }, MAX_RETRY_AFTER_MS],
    [{ 'retry-after': '1e3' }, undefined],
    [{ 'retry-after': '-1' }, undefined],
    [{}, undefined],
  ])('%o -> %s', (headers, expected) => {
    expect(parseRetryAfter(new Headers(headers), Date.parse('Wed, 21 Oct 2015 07:27:00 GMT'))).toBe(expected);
  });
});

describe('unknown option keys are errors listing the valid keys', () => {
  const execute = async (n: number) => n;

  it.each([
    [{ maxQueSize: 5 }, 'Unknown option `maxQueSize` (did you mean `maxQueueSize`?) in `LoadBalancer` options'],
    [{ heartbeatIntervalMS: 5 }, '(did you mean `heartbeatIntervalMs`?)'],
    [{ retry: { maxAttempt: 2 } }, 'Unknown option `maxAttempt` (did you mean `maxAttempts`?) in `retry` options'],
    [{ retry: { budget: { percentage: 5 } } }, 'in `retry.budget` options'],
    [{ ejection: { consecutiveFailure: 2 } }, 'in `ejection` options'],
    [{ aging: { intervalMs: 5, boots: 1 } }, 'in `aging` options'],
  ])('constructor %o', (options, message) => {
    expect(() => new LoadBalancer(options as never)).toThrow(InvalidArgumentError);
    expect(() => new LoadBalancer(options as never)).toThrow(message);
    expect(() => new LoadBalancer(options as never)).toThrow('valid options are');
  });

  it('addWorker, submit, removeWorker, shutdown, heartbeat and httpWorker', async () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock() });
    expect(() => lb.addWorker({ id: 'a', capacity: 1, execute, capcity: 2 } as never)).toThrow(
      'Unknown option `capcity` (did you mean `capacity`?) in `addWorker` options; valid options are `id`, `capacity`, `weight`, `execute`, `healthCheck`',
    );
    lb.addWorker({ id: 'a', capacity: 1, execute });
    await expect(lb.submit(1, { prority: 1 } as never)).rejects.toThrow(
      'Unknown option `prority` (did you mean `priority`?) in `submit` options',
    );
    await expect(lb.removeWorker('a', { drian: false } as never)).rejects.toThrow('in `removeWorker` options');
    await expect(lb.shutdown({ timeout: 5 } as never)).rejects.toThrow('in `shutdown` options');
    expect(() => lb.heartbeat('a', { lode: 0.5 } as never)).toThrow('in `heartbeat` options');
    expect(() => httpWorker({ id: 'h', url: 'http://127.0.0.1:1/', capacity: 1, timeout: 5 } as never)).toThrow(
      'in `httpWorker` options',
    );
    // nothing was half-applied: the worker is still there and the balancer still open
    expect(await lb.submit(4)).toBe(4);
  });
});

describe('maxQueueSize: 0 means no waiting line', () => {
  it('a submit runs when a worker has a free slot, else it is rejected with QueueFullError', async () => {
    const lb = new LoadBalancer<number, unknown>({ clock: new ManualClock(), maxQueueSize: 0 });
    await expect(lb.submit(0)).rejects.toThrow(QueueFullError); // no worker at all
    const a = heldWorker<number>('a', 2);
    lb.addWorker(a.spec);
    const first = track(lb.submit(1));
    const second = track(lb.submit(2, { priority: 3 }));
    await expect(lb.submit(3)).rejects.toThrow(QueueFullError);
    expect(a.calls).toEqual([1, 2]);
    a.next();
    await flush();
    const fourth = track(lb.submit(4));
    await flush();
    expect(a.calls).toEqual([1, 2, 4]);
    a.next();
    a.next();
    await flush();
    expect([first.value, second.value, fourth.value]).toEqual([1, 2, 4]);
    expect(lb.stats().rejectedQueueFull).toBe(2);
  });
});
