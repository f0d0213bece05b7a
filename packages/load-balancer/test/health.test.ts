import { describe, expect, it } from 'vitest';
import {
  LoadBalancer,
  type LoadBalancerOptions,
  WorkerOverloadedError,
  type WorkerStateEvent,
  WorkerUnavailableError,
} from '../src/index.js';
import { ManualClock } from '../src/testing.js';
import { flush, heldWorker, manualBalancer, track } from './fixtures.js';

function setup(options: LoadBalancerOptions<number> = {}) {
  const { clock, lb } = manualBalancer(options);
  const transitions: string[] = [];
  const events: WorkerStateEvent[] = [];
  lb.on('worker-state', (event) => {
    events.push(event);
    transitions.push(`${event.workerId}:${event.from}->${event.to}(${event.reason})`);
  });
  const state = (id: string) => lb.workers().find((w) => w.id === id)?.state;
  return { clock, lb, transitions, events, state };
}

describe('worker states and heartbeats', () => {
  it('a worker with a health check joins after its first successful check', async () => {
    const { clock, lb, transitions, state } = setup();
    let healthy = true;
    const worker = heldWorker<number>('a', 1, { healthCheck: async () => healthy });
    lb.addWorker(worker.spec);
    expect(state('a')).toBe('joining');
    const task = track(lb.submit(1));
    expect(worker.calls).toEqual([]);
    await clock.tick();
    expect(state('a')).toBe('overloaded'); // joined, took the queued task and is at capacity
    expect(worker.calls).toEqual([1]);
    worker.next();
    await flush();
    expect(task.status).toBe('fulfilled');
    expect(state('a')).toBe('active');
    healthy = false;
    await clock.tick(1000);
    expect(state('a')).toBe('unreachable');
    healthy = true;
    await clock.tick(1000);
    expect(state('a')).toBe('active');
    expect(transitions).toEqual([
      'a:joining->active(health-check-passed)',
      'a:active->overloaded(at-capacity)',
      'a:overloaded->active(recovered)',
      'a:active->unreachable(health-check-failed)',
      'a:unreachable->active(health-check-passed)',
    ]);
  });

  it('a health check that does not answer in healthCheckTimeoutMs counts as failed', async () => {
    const { clock, lb, transitions } = setup({ healthCheckTimeoutMs: 500 });
    let hang = false;
    lb.addWorker({
      id: 'a',
      capacity: 1,
      execute: async (n) => n,
      healthCheck: () => (hang ? new Promise(() => {}) : Promise.resolve(true)),
    });
    await clock.tick();
    hang = true;
    await clock.tick(1400);
    expect(transitions).toEqual(['a:joining->active(health-check-passed)']);
    await clock.tick(200);
    expect(transitions.at(-1)).toBe('a:active->unreachable(health-check-failed)');
  });

  it('push heartbeats: a worker that sent one becomes unreachable after heartbeatTimeoutMs without one', async () => {
    const { clock, lb, transitions, events, state } = setup();
    lb.addWorker({ id: 'push', capacity: 1, execute: async (n) => n });
    lb.addWorker({ id: 'silent', capacity: 1, execute: async (n) => n });
    lb.heartbeat('push', { load: 0.1 });
    await clock.tick(2000);
    lb.heartbeat('push');
    await clock.tick(2000);
    expect(state('push')).toBe('active');
    await clock.tick(2000);
    expect(state('push')).toBe('unreachable');
    // a worker with neither a health check nor push heartbeats is judged only by its errors
    expect(state('silent')).toBe('active');
    lb.heartbeat('push');
    expect(state('push')).toBe('active');
    expect(transitions).toEqual(['push:active->unreachable(heartbeat-timeout)', 'push:unreachable->active(heartbeat)']);
    expect(events[0]).toMatchObject({ workerId: 'push', from: 'active', to: 'unreachable', at: 5000 });
    expect(lb.workers().find((w) => w.id === 'push')?.lastHeartbeatAt).toBe(6000);
  });

  it('reported load overloads with hysteresis', async () => {
    const { lb, transitions, state } = setup({ overloadThreshold: 0.9, overloadRecoveryThreshold: 0.7 });
    const worker = heldWorker<number>('a', 5);
    lb.addWorker(worker.spec);
    lb.heartbeat('a', { load: 0.95 });
    expect(state('a')).toBe('overloaded');
    lb.submit(1);
    expect(worker.calls).toEqual([]); // an overloaded worker gets nothing new
    lb.heartbeat('a', { load: 0.8 });
    expect(state('a')).toBe('overloaded'); // between the thresholds: stays
    lb.heartbeat('a', { load: 0.6 });
    expect(state('a')).toBe('active');
    expect(worker.calls).toEqual([1]);
    lb.heartbeat('a', { load: 0.85 });
    expect(state('a')).toBe('active'); // between the thresholds: stays active
    expect(transitions).toEqual(['a:active->overloaded(load-high)', 'a:overloaded->active(recovered)']);
    expect(lb.workers()[0]?.load).toBe(0.85);
  });

  it('health checks can report load', async () => {
    const { clock, lb, state } = setup();
    let load = 0.95;
    lb.addWorker({ id: 'a', capacity: 1, execute: async (n) => n, healthCheck: async () => ({ load }) });
    await clock.tick();
    expect(state('a')).toBe('overloaded');
    load = 0.2;
    await clock.tick(1000);
    expect(state('a')).toBe('active');
  });

  it('WorkerOverloadedError: task requeued without counting a failure, worker overloaded until retryAfterMs', async () => {
    const { clock, lb, transitions, state } = setup();
    const a = heldWorker<number>('a', 2);
    lb.addWorker(a.spec);
    const retries: unknown[] = [];
    lb.on('task-retry', (event) => retries.push(event.kind));
    const task = track(lb.submit(7, { maxAttempts: 1 }));
    a.held.shift()?.reject(new WorkerOverloadedError('429', { retryAfterMs: 2000 }));
    await flush();
    expect(state('a')).toBe('overloaded');
    expect(lb.workers()[0]).toMatchObject({
      failures: 0,
      consecutiveFailures: 0,
      taskErrors: 0,
      stateReason: 'retry-after',
    });
    expect(lb.stats()).toMatchObject({ queued: 1, overloadRequeues: 1, workerErrors: 0 });
    await clock.tick(1999);
    expect(a.calls).toEqual([7]);
    await clock.tick(1);
    expect(state('a')).toBe('active');
    expect(a.calls).toEqual([7, 7]);
    expect(a.held[0]?.context.attempt).toBe(1); // a push-back is not an attempt
    a.next();
    await flush();
    expect(task).toMatchObject({ status: 'fulfilled', value: 7 });
    expect(retries).toEqual(['overloaded']);
    expect(transitions.slice(0, 2)).toEqual(['a:active->overloaded(retry-after)', 'a:overloaded->active(recovered)']);
  });

  it('WorkerOverloadedError without retryAfterMs uses overloadCooldownMs', async () => {
    const { clock, lb, state } = setup({ overloadCooldownMs: 300 });
    let calls = 0;
    lb.addWorker({
      id: 'a',
      capacity: 1,
      execute: async (n) => {
        calls++;
        if (calls === 1) throw new WorkerOverloadedError();
        return n;
      },
    });
    const task = track(lb.submit(1));
    await flush();
    expect(state('a')).toBe('overloaded');
    await clock.tick(300);
    expect(task.status).toBe('fulfilled');
  });
});

describe('outlier ejection', () => {
  it('ejects after consecutive worker errors, for a growing time, and fails the task over', async () => {
    const { clock, lb, transitions, state } = setup({
      ejection: { consecutiveFailures: 2, baseEjectionTimeMs: 1000, maxEjectionTimeMs: 2500, maxEjectionPercent: 100 },
      retry: { maxAttempts: 10 },
    });
    let broken = true;
    const calls: string[] = [];
    lb.addWorker({
      id: 'flaky',
      capacity: 1,
      execute: async (n) => {
        calls.push('flaky');
        if (broken) throw new WorkerUnavailableError('down');
        return n;
      },
    });
    const results = [track(lb.submit(1)), track(lb.submit(2))];
    await flush();
    expect(state('flaky')).toBe('unreachable');
    expect(lb.workers()[0]).toMatchObject({ failures: 2, ejections: 1, stateReason: 'ejected' });
    // a worker with neither health check nor heartbeats comes back when the ejection time passes
    await clock.tick(999);
    expect(state('flaky')).toBe('unreachable');
    await clock.tick(1);
    // it fails twice more: ejected again, for 2 × 1000 ms
    await flush();
    expect(lb.workers()[0]).toMatchObject({ ejections: 2, state: 'unreachable' });
    await clock.tick(1999);
    expect(state('flaky')).toBe('unreachable');
    broken = false;
    await clock.tick(1);
    await flush();
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(transitions.filter((t) => t.includes('ejected'))).toEqual([
      'flaky:overloaded->unreachable(ejected)', // capacity 1: it was at capacity when ejected
      'flaky:overloaded->unreachable(ejected)',
    ]);
    expect(transitions).toContain('flaky:unreachable->active(ejection-expired)');
    expect(lb.stats()).toMatchObject({ workerErrors: 4, taskErrors: 0, failovers: 4, completed: 2 });
  });

  it('a worker with a health check comes back only after a successful check once ejection time passed', async () => {
    const { clock, lb, state } = setup({ ejection: { consecutiveFailures: 1, baseEjectionTimeMs: 5000 } });
    let healthy = true;
    lb.addWorker({
      id: 'a',
      capacity: 1,
      execute: async () => {
        throw new WorkerUnavailableError('down');
      },
      healthCheck: async () => healthy,
    });
    await clock.tick();
    await lb.submit(1, { maxAttempts: 1 }).catch(() => {});
    expect(state('a')).toBe('unreachable');
    await clock.tick(3000); // health checks pass but the ejection time has not passed
    expect(state('a')).toBe('unreachable');
    healthy = false;
    await clock.tick(2000);
    expect(state('a')).toBe('unreachable');
    healthy = true;
    await clock.tick(1000);
    expect(state('a')).toBe('active');
  });

  it('maxEjectionPercent limits how many workers are ejected at once', async () => {
    const { lb, state } = setup({
      ejection: { consecutiveFailures: 1, maxEjectionPercent: 50 },
      retry: { maxAttempts: 1 },
    });
    for (const id of ['a', 'b', 'c', 'd']) {
      lb.addWorker({
        id,
        capacity: 1,
        execute: async () => {
          throw new WorkerUnavailableError(`${id} down`);
        },
      });
    }
    await Promise.allSettled(Array.from({ length: 8 }, (_, i) => lb.submit(i)));
    const states = ['a', 'b', 'c', 'd'].map(state);
    expect(states.filter((s) => s === 'unreachable')).toHaveLength(2);
    expect(states.filter((s) => s === 'active')).toHaveLength(2);
  });

  it('task errors do not drive ejection', async () => {
    const { lb, state } = setup({ ejection: { consecutiveFailures: 1 } });
    lb.addWorker({ id: 'a', capacity: 1, execute: async () => Promise.reject(new Error('bad task')) });
    for (let i = 0; i < 5; i++) await expect(lb.submit(i)).rejects.toThrow('bad task');
    expect(state('a')).toBe('active');
    expect(lb.workers()[0]).toMatchObject({ failures: 0, taskErrors: 5 });
  });
});

describe('panic threshold', () => {
  async function scenario(panicThreshold: number) {
    const clock = new ManualClock();
    const lb = new LoadBalancer<number, unknown>({
      clock,
      heartbeatIntervalMs: 100,
      heartbeatTimeoutMs: 300,
      panicThreshold,
    });
    const workers = ['a', 'b', 'c', 'd'].map((id) => heldWorker<number>(id, 1));
    for (const w of workers) lb.addWorker(w.spec);
    for (const id of ['a', 'b', 'c']) lb.heartbeat(id);
    const busy = track(lb.submit(0));
    expect(workers.map((w) => w.calls.length)).toEqual([1, 0, 0, 0]); // a takes it
    await clock.tick(300); // a, b, c miss their heartbeats; only d (never monitored) stays healthy
    expect(lb.workers().map((w) => w.state)).toEqual(['unreachable', 'unreachable', 'unreachable', 'overloaded']);
    const queued = [track(lb.submit(1)), track(lb.submit(2)), track(lb.submit(3))];
    return { lb, workers, busy, queued };
  }

  it('below the threshold, unreachable workers with free slots take work (never beyond capacity)', async () => {
    const { lb, workers } = await scenario(50);
    expect(lb.stats().panic).toBe(true);
    // task 0 failed over from a to d; a still holds its abandoned attempt, so it has no free slot
    expect(workers.map((w) => w.inFlight)).toEqual([1, 1, 1, 1]);
    expect(workers.map((w) => w.calls)).toEqual([[0], [1], [2], [0]]);
    expect(lb.stats().queued).toBe(1);
  });

  it('off by default: unreachable workers get nothing', async () => {
    const { lb, workers } = await scenario(0);
    expect(lb.stats().panic).toBe(false);
    expect(workers.map((w) => w.calls)).toEqual([[0], [], [], [0]]);
    expect(lb.stats().queued).toBe(3);
  });
});
