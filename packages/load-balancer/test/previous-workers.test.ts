/**
 * Retries and failovers remember every worker a task failed on (Envoy's previous hosts), failing
 * workers stop receiving work even at the ejection cap, and picks weigh recent failures.
 */
import { describe, expect, it } from 'vitest';
import { LoadBalancer, RetriesExhaustedError, WorkerUnavailableError } from '../src/index.js';
import { ManualClock } from '../src/testing.js';
import { flush, heldWorker, manualBalancer, track } from './fixtures.js';

function failing(id: string, capacity = 2, calls: string[] = []) {
  return {
    id,
    capacity,
    execute: async (task: number) => {
      calls.push(`${task}@${id}`);
      throw new WorkerUnavailableError(`${id} down`);
    },
  };
}

describe('previous workers', () => {
  it('the issue scenario: two workers fail instantly, one healthy (capacity 2): all 100 tasks succeed', async () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock() });
    lb.addWorker(failing('bad-1'));
    lb.addWorker(failing('bad-2'));
    lb.addWorker({ id: 'ok', capacity: 2, execute: async (n) => n * 2 });
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => lb.submit(i)));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(lb.stats().completed).toBe(100);
  });

  it('a task never goes back to a worker it failed on while another worker in rotation has not failed it', async () => {
    const calls: string[] = [];
    const lb = new LoadBalancer<number, string>({ clock: new ManualClock(), ejection: false });
    for (const id of ['a', 'b', 'c', 'd']) lb.addWorker(failing(id, 1, calls));
    const ok = heldWorker<number>('ok', 1);
    lb.addWorker(ok.spec);
    const blocker = track(lb.submit(0)); // occupies `ok` (least-loaded starts the scan in turn)
    await flush();
    const task = track(lb.submit(1, { maxAttempts: 2 }));
    await flush();
    // failed on some of a–d once each at most; now parked, waiting for `ok` (never back to a–d)
    expect(new Set(calls).size).toBe(calls.length);
    expect(task.status).toBe('pending');
    expect(lb.size).toBeGreaterThanOrEqual(1);
    while (ok.held.length > 0) ok.next();
    await flush();
    ok.next(); // the parked task ran on `ok`
    await flush();
    expect(blocker.status).toBe('fulfilled');
    expect(task.status).toBe('fulfilled');
    expect(ok.calls).toContain(1);
  });

  it('a parked task waits for an untried worker rather than fail, and fails once every worker in rotation failed it', async () => {
    const { clock, lb } = manualBalancer({ ejection: false, retry: { maxAttempts: 1 } });
    const calls: string[] = [];
    lb.addWorker(failing('a', 1, calls));
    const b = heldWorker<number>('b', 1);
    lb.addWorker(b.spec);
    const first = track(lb.submit(1));
    const second = track(lb.submit(2));
    await flush();
    // one of them ran on b, the other failed on a and waits for b (maxAttempts 1 notwithstanding)
    expect(calls).toHaveLength(1);
    expect([first.status, second.status]).toEqual(['pending', 'pending']);
    b.next();
    await clock.tick(0);
    b.next();
    await clock.tick(0);
    expect([first.value, second.value]).toEqual([1, 2]);
    expect(calls).toHaveLength(1);
    // b is removed while a task that failed on a waits for it: nothing untried is left and its
    // single attempt is spent, so it fails (and is not sent to a again)
    const blocker = track(lb.submit(3));
    await flush();
    const third = track(lb.submit(4));
    await flush();
    expect(calls.slice(1)).toEqual(['4@a']);
    const before = calls.length;
    await lb.removeWorker('b', { drain: false });
    await flush();
    expect(third.status).toBe('rejected');
    expect(third.error).toBeInstanceOf(RetriesExhaustedError);
    expect((third.error as RetriesExhaustedError).cause).toBeInstanceOf(WorkerUnavailableError);
    // the blocker was on b when it was removed: it has not failed on a yet, so it goes there
    expect(blocker.status).toBe('rejected');
    expect(calls.length).toBe(before + 1);
  });

  it('failing workers are ejected beyond maxEjectionPercent while a healthy worker remains', async () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock() });
    lb.addWorker(failing('bad-1'));
    lb.addWorker(failing('bad-2'));
    lb.addWorker({ id: 'ok', capacity: 2, execute: async (n) => n });
    await Promise.all(Array.from({ length: 60 }, (_, i) => lb.submit(i)));
    const states = Object.fromEntries(lb.workers().map((w) => [w.id, w.state]));
    expect(states).toEqual({ 'bad-1': 'unreachable', 'bad-2': 'unreachable', ok: 'active' });
  });

  it('the cap holds when every worker is failing (the pool is not emptied)', async () => {
    const lb = new LoadBalancer<number, number>({
      clock: new ManualClock(),
      ejection: { consecutiveFailures: 1, maxEjectionPercent: 50 },
    });
    for (const id of ['a', 'b', 'c', 'd']) lb.addWorker(failing(id, 1));
    await Promise.allSettled(Array.from({ length: 8 }, (_, i) => lb.submit(i)));
    expect(lb.workers().filter((w) => w.state === 'unreachable')).toHaveLength(2);
  });

  it.each(['least-loaded', 'power-of-two', 'round-robin', 'weighted'] as const)(
    '%s: a worker that just failed gets new work only when no other worker can take it',
    async (strategy) => {
      const calls: string[] = [];
      const lb = new LoadBalancer<number, number>({ clock: new ManualClock(), strategy, ejection: false });
      lb.addWorker(failing('bad', 4, calls));
      lb.addWorker({ id: 'ok', capacity: 4, execute: async (n) => n });
      for (let i = 0; i < 50; i++) expect(await lb.submit(i)).toBe(i);
      // after its first failure, `bad` is only picked while `ok` is full, which never happens here
      expect(calls.length).toBeLessThanOrEqual(1);
    },
  );
});
