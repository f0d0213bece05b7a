import { describe, expect, it } from 'vitest';
import { LoadBalancer, WorkerOverloadedError, WorkerUnavailableError } from '../src/index.js';
import { ManualClock } from '../src/testing.js';
import { flush, heldWorker, track } from './fixtures.js';

describe('more semantics', () => {
  it('failed-over tasks go back ahead of newer tasks of their priority, in their original order', async () => {
    const clock = new ManualClock();
    const lb = new LoadBalancer<string, string>({ clock, heartbeatIntervalMs: 100, heartbeatTimeoutMs: 300 });
    const a = heldWorker<string>('a', 2);
    lb.addWorker(a.spec);
    lb.heartbeat('a');
    const tasks = ['first', 'second', 'third', 'fourth'].map((t) => track(lb.submit(t)));
    expect(a.calls).toEqual(['first', 'second']);
    await clock.tick(300); // a misses its heartbeats: both running tasks fail over together
    expect(lb.stats()).toMatchObject({ queued: 4, failovers: 2 });
    const b = heldWorker<string>('b', 1);
    lb.addWorker(b.spec);
    for (let i = 0; i < 4; i++) {
      b.next();
      await flush(1);
    }
    expect(b.calls).toEqual(['first', 'second', 'third', 'fourth']);
    await flush();
    expect(tasks.map((t) => t.value)).toEqual(['first', 'second', 'third', 'fourth']);
  });

  it('a push-back keeps the task ahead of newer ones too', async () => {
    const clock = new ManualClock();
    const lb = new LoadBalancer<string, string>({ clock });
    const a = heldWorker<string>('a', 1);
    lb.addWorker(a.spec);
    track(lb.submit('old'));
    track(lb.submit('new'));
    a.held.shift()?.reject(new WorkerOverloadedError('429', { retryAfterMs: 100 }));
    await clock.tick(100);
    expect(a.calls).toEqual(['old', 'old']);
    a.next();
    await flush();
    expect(a.calls).toEqual(['old', 'old', 'new']);
    a.next();
  });

  it('ctx carries attempt, attemptId, workerId, priority and key; events carry the key', async () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock() });
    const a = heldWorker<number>('a', 1);
    const b = heldWorker<number>('b', 1);
    lb.addWorker(a.spec);
    const keys: unknown[] = [];
    lb.on('task-retry', (e) => keys.push(e.key));
    const task = track(lb.submit(1, { priority: 4, key: 'req-9' }));
    expect(a.held[0]?.context).toMatchObject({ attempt: 1, workerId: 'a', priority: 4, key: 'req-9' });
    const firstId = a.held[0]?.context.attemptId;
    lb.addWorker(b.spec);
    a.held.shift()?.reject(new WorkerUnavailableError('down'));
    await flush();
    expect(b.held[0]?.context).toMatchObject({ attempt: 2, workerId: 'b', priority: 4, key: 'req-9' });
    expect(b.held[0]?.context.attemptId).not.toBe(firstId);
    b.next();
    await flush();
    expect(task.status).toBe('fulfilled');
    expect(keys).toEqual(['req-9']);
  });

  it('execute sees only the context fields, not the balancer bookkeeping', async () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock() });
    let keys: string[] = [];
    lb.addWorker({
      id: 'a',
      capacity: 1,
      execute: async (n, context) => {
        keys = Object.keys(context).sort();
        return n;
      },
    });
    await lb.submit(1);
    expect(keys).toEqual(['attempt', 'attemptId', 'priority', 'workerId']);
  });

  it('a saturated worker whose freed slot is refilled at once does not flap between states', async () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock() });
    const transitions: string[] = [];
    lb.on('worker-state', (e) => transitions.push(`${e.from}->${e.to}(${e.reason})`));
    const a = heldWorker<number>('a', 1);
    lb.addWorker(a.spec);
    const tasks = Array.from({ length: 5 }, (_, i) => track(lb.submit(i, { priority: i % 2 })));
    for (let i = 0; i < 5; i++) {
      a.next();
      await flush(1);
    }
    await flush();
    expect(a.calls).toEqual([0, 1, 3, 2, 4]);
    expect(tasks.every((t) => t.status === 'fulfilled')).toBe(true);
    expect(transitions).toEqual(['active->overloaded(at-capacity)', 'overloaded->active(recovered)']);
    expect(lb.workers()[0]).toMatchObject({ state: 'active', inFlight: 0, completed: 5 });
  });

  it('unhealthyThreshold and healthyThreshold need that many checks in a row', async () => {
    const clock = new ManualClock();
    const lb = new LoadBalancer<number, number>({
      clock,
      heartbeatIntervalMs: 100,
      heartbeatTimeoutMs: 10_000,
      unhealthyThreshold: 3,
      healthyThreshold: 2,
    });
    let healthy = true;
    lb.addWorker({ id: 'a', capacity: 1, execute: async (n) => n, healthCheck: async () => healthy });
    const state = () => lb.workers()[0]?.state;
    await clock.tick();
    expect(state()).toBe('active');
    healthy = false;
    await clock.tick(200);
    expect(state()).toBe('active');
    await clock.tick(100);
    expect(state()).toBe('unreachable');
    healthy = true;
    await clock.tick(100);
    expect(state()).toBe('unreachable');
    await clock.tick(100);
    expect(state()).toBe('active');
  });

  it('a health check reporting a load outside [0, 1] counts as failed', async () => {
    const clock = new ManualClock();
    const lb = new LoadBalancer<number, number>({ clock });
    lb.addWorker({ id: 'a', capacity: 1, execute: async (n) => n, healthCheck: async () => ({ load: 7 }) });
    await clock.tick();
    expect(lb.workers()[0]).toMatchObject({ state: 'unreachable', stateReason: 'health-check-failed' });
  });

  it("'idle' fires when the last task settles", async () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock() });
    let idle = 0;
    lb.on('idle', () => idle++);
    lb.addWorker({ id: 'a', capacity: 2, execute: async (n) => n });
    await Promise.all([lb.submit(1), lb.submit(2), lb.submit(3)]);
    await flush();
    expect(idle).toBeGreaterThanOrEqual(1);
    expect(lb.stats()).toMatchObject({ queued: 0, inFlight: 0 });
  });

  it('removing an idle worker resolves at once; the id can then be reused', async () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock() });
    lb.addWorker({ id: 'a', capacity: 1, execute: async (n) => n });
    await lb.removeWorker('a');
    expect(lb.workers()).toEqual([]);
    lb.addWorker({ id: 'a', capacity: 1, execute: async (n) => n + 1 });
    await expect(lb.submit(1)).resolves.toBe(2);
  });

  it('an execute that throws synchronously is a task error like any other', async () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock() });
    lb.addWorker({
      id: 'a',
      capacity: 1,
      execute: () => {
        throw new RangeError('sync');
      },
    });
    await expect(lb.submit(1)).rejects.toThrow(RangeError);
    expect(lb.workers()[0]).toMatchObject({ taskErrors: 1, inFlight: 0, state: 'active' });
  });
});
