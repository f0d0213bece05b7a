import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LoadBalancer } from '../src/index.js';
import { ManualClock } from '../src/testing.js';
import { flush, heldWorker, track } from './fixtures.js';

describe('priority queue', () => {
  it('dispatches higher priorities first and FIFO within a priority (oracle: stable sort)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 60 }), async (priorities) => {
        const lb = new LoadBalancer<number, number>({ clock: new ManualClock() });
        const order: number[] = [];
        const promises = priorities.map((priority, index) => lb.submit(index, { priority }));
        lb.addWorker({
          id: 'a',
          capacity: 1,
          execute: async (index) => {
            order.push(index);
            return index;
          },
        });
        await Promise.all(promises);
        const expected = priorities
          .map((priority, index) => ({ priority, index }))
          .sort((x, y) => y.priority - x.priority || x.index - y.index)
          .map(({ index }) => index);
        expect(order).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });

  it('aging: dispatch order follows effective priority at dispatch time (oracle)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ priority: fc.integer({ min: 0, max: 4 }), gap: fc.integer({ min: 0, max: 300 }) }), {
          maxLength: 40,
        }),
        fc.integer({ min: 50, max: 200 }),
        fc.integer({ min: 0, max: 6 }),
        async (tasks, intervalMs, maxBoost) => {
          const clock = new ManualClock();
          const lb = new LoadBalancer<number, number>({ clock, aging: { intervalMs, boost: 1, maxBoost } });
          const submitted: Array<{ index: number; priority: number; at: number }> = [];
          const promises = tasks.map(({ priority, gap }, index) => {
            clock.advance(gap);
            submitted.push({ index, priority, at: clock.now() });
            return lb.submit(index, { priority });
          });
          const order: number[] = [];
          lb.addWorker({
            id: 'a',
            capacity: 1,
            execute: async (index) => {
              order.push(index);
              return index;
            },
          });
          await Promise.all(promises);
          const now = clock.now();
          const effective = (t: { priority: number; at: number }) =>
            t.priority + Math.min(maxBoost, Math.floor((now - t.at) / intervalMs));
          const expected = [...submitted]
            .sort((x, y) => effective(y) - effective(x) || x.at - y.at || y.priority - x.priority || x.index - y.index)
            .map((t) => t.index);
          expect(order).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('fractional and negative priorities are fine', async () => {
    const lb = new LoadBalancer<string, string>({ clock: new ManualClock() });
    const order: string[] = [];
    const promises = [
      lb.submit('low', { priority: -1.5 }),
      lb.submit('mid', { priority: 0.25 }),
      lb.submit('plain'),
      lb.submit('high', { priority: 2 }),
    ];
    lb.addWorker({
      id: 'a',
      capacity: 1,
      execute: async (t) => {
        order.push(t);
        return t;
      },
    });
    await Promise.all(promises);
    expect(order).toEqual(['high', 'mid', 'plain', 'low']);
    expect(lb.stats().queuedByPriority).toEqual({});
  });

  it('aging: a low-priority task is dispatched under a steady stream of high ones', async () => {
    const clock = new ManualClock();
    const lb = new LoadBalancer<string, string>({ clock, aging: { intervalMs: 100, boost: 1, maxBoost: 10 } });
    const worker = heldWorker<string>('a', 1);
    lb.addWorker(worker.spec);
    lb.submit('first', { priority: 5 });
    const low = track(lb.submit('low', { priority: 0 }));
    // every 50 ms a new priority-5 task arrives and the running one finishes
    for (let i = 0; i < 40 && low.status === 'pending'; i++) {
      lb.submit(`high-${i}`, { priority: 5 });
      clock.advance(50);
      worker.next();
      await flush(1);
    }
    expect(low.status).toBe('fulfilled');
    // it needed 5 intervals of 100 ms to catch up with priority 5 (ties go to the older task)
    const lowIndex = worker.calls.indexOf('low');
    expect(lowIndex).toBeGreaterThan(5);
    expect(lowIndex).toBeLessThan(15);
  });

  it('without aging the same stream starves the low task', async () => {
    const clock = new ManualClock();
    const lb = new LoadBalancer<string, string>({ clock });
    const worker = heldWorker<string>('a', 1);
    lb.addWorker(worker.spec);
    track(lb.submit('first', { priority: 5 }));
    const low = track(lb.submit('low', { priority: 0 }));
    for (let i = 0; i < 40; i++) {
      track(lb.submit(`high-${i}`, { priority: 5 }));
      clock.advance(50);
      worker.next();
      await flush(1);
    }
    expect(low.status).toBe('pending');
    expect(lb.stats().queuedByPriority).toEqual({ 0: 1 });
    await lb.shutdown({ drain: false });
    await flush();
    expect(low.status).toBe('rejected');
  });

  it('aging maxBoost caps the boost', async () => {
    const clock = new ManualClock();
    const lb = new LoadBalancer<string, string>({ clock, aging: { intervalMs: 10, boost: 1, maxBoost: 2 } });
    const worker = heldWorker<string>('a', 1);
    const low = track(lb.submit('low', { priority: 0 }));
    clock.advance(10_000);
    lb.submit('high', { priority: 3 });
    lb.addWorker(worker.spec);
    expect(worker.calls).toEqual(['high']);
    worker.next();
    await flush();
    expect(worker.calls).toEqual(['high', 'low']);
    worker.next();
    await flush();
    expect(low.status).toBe('fulfilled');
  });
});

describe('capacity and membership', () => {
  it('a worker never has more than capacity tasks in flight', async () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock() });
    const a = heldWorker<number>('a', 3);
    const b = heldWorker<number>('b', 1);
    lb.addWorker(a.spec);
    lb.addWorker(b.spec);
    const promises = Array.from({ length: 50 }, (_, i) => lb.submit(i));
    expect(a.inFlight).toBe(3);
    expect(b.inFlight).toBe(1);
    expect(lb.stats()).toMatchObject({ queued: 46, inFlight: 4 });
    while (a.held.length + b.held.length > 0) {
      if (a.held.length > 0) a.next();
      if (b.held.length > 0) b.next();
      await flush(1);
      expect(a.inFlight).toBeLessThanOrEqual(3);
      expect(b.inFlight).toBeLessThanOrEqual(1);
    }
    await Promise.all(promises);
    expect(a.maxInFlight).toBe(3);
    expect(b.maxInFlight).toBe(1);
    expect(lb.workers().map((w) => [w.id, w.completed])).toEqual([
      ['a', a.calls.length],
      ['b', b.calls.length],
    ]);
  });

  it('a worker added while tasks are queued starts receiving them at once', async () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock() });
    const promises = [lb.submit(1), lb.submit(2), lb.submit(3)];
    expect(lb.size).toBe(3);
    const a = heldWorker<number>('a', 2);
    lb.addWorker(a.spec);
    expect(a.calls).toEqual([1, 2]);
    const b = heldWorker<number>('b', 2);
    lb.addWorker(b.spec);
    expect(b.calls).toEqual([3]);
    a.next();
    a.next();
    b.next();
    await expect(Promise.all(promises)).resolves.toEqual([1, 2, 3]);
  });

  it('a draining worker receives nothing new; removeWorker resolves after its in-flight tasks', async () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock() });
    const a = heldWorker<number>('a', 2);
    const b = heldWorker<number>('b', 2);
    lb.addWorker(a.spec);
    const first = [lb.submit(1), lb.submit(2)];
    const removal = track(lb.removeWorker('a'));
    expect(lb.workers()[0]).toMatchObject({ id: 'a', state: 'draining', stateReason: 'draining' });
    const later = [lb.submit(3), lb.submit(4)];
    lb.addWorker(b.spec);
    expect(a.calls).toEqual([1, 2]);
    expect(b.calls).toEqual([3, 4]);
    a.next();
    await flush();
    expect(removal.status).toBe('pending');
    a.next();
    await flush();
    expect(removal.status).toBe('fulfilled');
    expect(lb.workers().map((w) => w.id)).toEqual(['b']);
    b.next();
    b.next();
    await expect(Promise.all([...first, ...later])).resolves.toEqual([1, 2, 3, 4]);
  });

  it('emits worker-added and worker-removed', async () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock() });
    const events: string[] = [];
    lb.on('worker-added', ({ workerId }) => events.push(`+${workerId}`));
    lb.on('worker-removed', ({ workerId }) => events.push(`-${workerId}`));
    lb.addWorker({ id: 'a', capacity: 1, execute: async (n) => n });
    await lb.removeWorker('a');
    expect(events).toEqual(['+a', '-a']);
  });
});

describe('strategies', () => {
  async function distribution(strategy: 'round-robin' | 'weighted' | 'least-loaded' | 'power-of-two', n: number) {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const lb = new LoadBalancer<number, string>({ clock: new ManualClock(), strategy, random });
    const counts: Record<string, number> = {};
    for (const [id, weight] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const) {
      lb.addWorker({
        id,
        capacity: 100,
        weight,
        execute: async () => {
          counts[id] = (counts[id] ?? 0) + 1;
          return id;
        },
      });
    }
    for (let i = 0; i < n; i++) await lb.submit(i);
    return counts;
  }

  it('round-robin takes turns', async () => {
    expect(await distribution('round-robin', 30)).toEqual({ a: 10, b: 10, c: 10 });
  });

  it('weighted follows the weights', async () => {
    expect(await distribution('weighted', 60)).toEqual({ a: 10, b: 20, c: 30 });
  });

  it('least-loaded spreads sequential work across workers', async () => {
    const counts = await distribution('least-loaded', 30);
    expect(Object.keys(counts).sort()).toEqual(['a', 'b', 'c']);
  });

  it('power-of-two picks the less loaded of two', async () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock(), strategy: 'power-of-two' });
    const a = heldWorker<number>('a', 10);
    const b = heldWorker<number>('b', 10);
    lb.addWorker(a.spec);
    lb.addWorker(b.spec);
    for (let i = 0; i < 10; i++) lb.submit(i);
    // with two workers P2C always compares both: the load stays balanced
    expect(Math.abs(a.inFlight - b.inFlight)).toBeLessThanOrEqual(1);
    const counts = await distribution('power-of-two', 60);
    expect(Object.values(counts).reduce((x, y) => x + y, 0)).toBe(60);
  });

  it('least-loaded prefers the emptier worker', async () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock() });
    const a = heldWorker<number>('a', 4);
    const b = heldWorker<number>('b', 4);
    lb.addWorker(a.spec);
    lb.submit(1);
    lb.submit(2);
    lb.addWorker(b.spec);
    lb.submit(3);
    lb.submit(4);
    expect(a.calls).toEqual([1, 2]);
    expect(b.calls).toEqual([3, 4]);
  });
});

describe('backpressure and observation', () => {
  it('onIdle and onSizeLessThan', async () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock() });
    await lb.onIdle();
    const promises = Array.from({ length: 10 }, (_, i) => lb.submit(i));
    const below5 = track(lb.onSizeLessThan(5));
    const idle = track(lb.onIdle());
    const a = heldWorker<number>('a', 4);
    lb.addWorker(a.spec);
    await flush();
    expect(lb.size).toBe(6);
    expect(below5.status).toBe('pending');
    a.next();
    a.next();
    await flush();
    expect(lb.size).toBe(4);
    expect(below5.status).toBe('fulfilled');
    expect(idle.status).toBe('pending');
    while (a.held.length > 0) {
      a.next();
      await flush(1);
    }
    await Promise.all(promises);
    await flush();
    expect(idle.status).toBe('fulfilled');
  });

  it('stats count outcomes and percentiles', async () => {
    const clock = new ManualClock();
    const lb = new LoadBalancer<number, number>({ clock });
    const a = heldWorker<number>('a', 1);
    lb.addWorker(a.spec);
    const ok = lb.submit(1, { key: 'ok' });
    const bad = lb.submit(2, { key: 'bad' }).catch((e: unknown) => e);
    clock.advance(10);
    a.next();
    await ok;
    clock.advance(30);
    a.held.shift()?.reject(new Error('task failed'));
    expect(await bad).toEqual(new Error('task failed'));
    const stats = lb.stats();
    expect(stats).toMatchObject({ completed: 1, failed: 1, taskErrors: 1, workerErrors: 0, queued: 0, inFlight: 0 });
    expect(stats.runMs).toMatchObject({ count: 1, max: 10 });
    expect(stats.waitMs).toMatchObject({ count: 2, max: 10 });
    expect(lb.workers()[0]).toMatchObject({ completed: 1, taskErrors: 1, failures: 0 });
  });

  it('tasks submitted without options are timed 1 in 8', async () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock() });
    lb.addWorker({ id: 'a', capacity: 4, execute: async (n) => n });
    await Promise.all(Array.from({ length: 16 }, (_, i) => lb.submit(i)));
    expect(lb.stats().waitMs.count).toBe(2);
    expect(lb.stats().runMs.count).toBe(2);
    expect(lb.stats().completed).toBe(16);
  });

  it('on() returns an unsubscribe function; off() removes a listener', async () => {
    const lb = new LoadBalancer<number, number>({ clock: new ManualClock() });
    const seen: number[] = [];
    const off = lb.on('task-failed', () => seen.push(1));
    const listener = () => seen.push(2);
    lb.on('task-failed', listener);
    lb.addWorker({ id: 'a', capacity: 1, execute: async () => Promise.reject(new Error('x')) });
    await lb.submit(1).catch(() => {});
    off();
    lb.off('task-failed', listener);
    await lb.submit(2).catch(() => {});
    expect(seen).toEqual([1, 2]);
  });
});
