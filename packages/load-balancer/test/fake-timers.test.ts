import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { LoadBalancer, TaskTimeoutError } from '../src/index.js';
import { heldWorker, track } from './fixtures.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

it('the default clock works under vitest fake timers (heartbeat timeout, task timeout)', async () => {
  const lb = new LoadBalancer<number, number>({ heartbeatIntervalMs: 1000, heartbeatTimeoutMs: 3000 });
  const a = heldWorker<number>('a', 2);
  lb.addWorker(a.spec);
  lb.heartbeat('a');
  const slow = track(lb.submit(1, { timeoutMs: 1500 }));
  await vi.advanceTimersByTimeAsync(1500);
  expect(slow.error).toBeInstanceOf(TaskTimeoutError);
  expect(lb.workers()[0]?.state).toBe('active');
  await vi.advanceTimersByTimeAsync(1500);
  expect(lb.workers()[0]?.state).toBe('unreachable');
  expect(lb.workers()[0]?.stateReason).toBe('heartbeat-timeout');
  a.next();
  await lb.shutdown({ drain: false });
});
