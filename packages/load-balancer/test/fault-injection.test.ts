import { describe, expect, it } from 'vitest';
import {
  LoadBalancer,
  LoadBalancerError,
  RetriesExhaustedError,
  TaskTimeoutError,
  WorkerUnavailableError,
} from '../src/index.js';
import { ManualClock } from '../src/testing.js';

/** Small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Task {
  id: number;
  priority: number;
  wave: number;
  fails: boolean;
  timeoutMs: number | undefined;
}

type Mode = 'ok' | 'slow' | 'crashed' | 'hung';

interface SimWorker {
  id: string;
  capacity: number;
  mode: Mode;
  running: number;
  maxRunning: number;
  hung: Array<() => void>;
  registered: boolean;
}

class TaskError extends Error {}

async function simulate(seed: number) {
  const random = prng(seed);
  const clock = new ManualClock();
  const lb = new LoadBalancer<Task, number>({
    clock,
    random,
    heartbeatIntervalMs: 50,
    heartbeatTimeoutMs: 200,
    ejection: { consecutiveFailures: 3, baseEjectionTimeMs: 300, maxEjectionTimeMs: 2000, maxEjectionPercent: 60 },
    retry: { maxAttempts: 8 },
  });
  const sims = new Map<string, SimWorker>();
  const violations: string[] = [];
  let nextWorker = 0;
  let event = 0;
  const firstDispatch = new Map<number, number>();
  const settledAt = new Map<number, number>();
  const waveClosed = new Set<number>();
  const dispatchedAfterWave = new Set<number>();

  const addWorker = () => {
    const sim: SimWorker = {
      id: `w${nextWorker++}`,
      capacity: 1 + Math.floor(random() * 4),
      mode: 'ok',
      running: 0,
      maxRunning: 0,
      hung: [],
      registered: true,
    };
    sims.set(sim.id, sim);
    lb.addWorker({
      id: sim.id,
      capacity: sim.capacity,
      execute: (task, { signal }) => {
        sim.running++;
        sim.maxRunning = Math.max(sim.maxRunning, sim.running);
        if (sim.running > sim.capacity) violations.push(`${sim.id} ran ${sim.running} > ${sim.capacity}`);
        if (!firstDispatch.has(task.id)) {
          firstDispatch.set(task.id, event++);
          if (waveClosed.has(task.wave)) dispatchedAfterWave.add(task.id);
        }
        return new Promise<number>((resolve, reject) => {
          const done = (fn: () => void) => {
            sim.running--;
            fn();
          };
          if (sim.mode === 'crashed') {
            clock.setTimeout(() => done(() => reject(new WorkerUnavailableError(`${sim.id} crashed`))), 1);
            return;
          }
          if (sim.mode === 'hung') {
            sim.hung.push(() => done(() => resolve(task.id)));
            return;
          }
          const duration = (1 + Math.floor(random() * 20)) * (sim.mode === 'slow' ? 10 : 1);
          let finished = false;
          const timer = clock.setTimeout(() => {
            finished = true;
            signal.removeEventListener('abort', onAbort);
            done(() => (task.fails ? reject(new TaskError(`task ${task.id} failed`)) : resolve(task.id)));
          }, duration);
          const onAbort = () => {
            if (finished) return;
            finished = true;
            clock.clearTimeout(timer);
            done(() => reject(signal.reason));
          };
          signal.addEventListener('abort', onAbort);
        });
      },
    });
    return sim;
  };

  for (let i = 0; i < 4; i++) addWorker();

  const outcomes: Array<{
    task: Task;
    status: 'pending' | 'fulfilled' | 'rejected';
    value?: number;
    error?: unknown;
    settles: number;
  }> = [];
  const total = 10_000;
  let submitted = 0;
  let wave = 0;

  while (submitted < total) {
    // a wave of tasks queued at the same instant
    const size = Math.min(total - submitted, 20 + Math.floor(random() * 80));
    for (let k = 0; k < size; k++) {
      const task: Task = {
        id: submitted++,
        priority: Math.floor(random() * 5),
        wave,
        fails: random() < 0.03,
        timeoutMs: random() < 0.05 ? 50 + Math.floor(random() * 500) : undefined,
      };
      const outcome: (typeof outcomes)[number] = { task, status: 'pending', settles: 0 };
      outcomes.push(outcome);
      lb.submit(task, { priority: task.priority, ...(task.timeoutMs ? { timeoutMs: task.timeoutMs } : {}) }).then(
        (value) => {
          outcome.settles++;
          outcome.status = 'fulfilled';
          outcome.value = value;
          settledAt.set(task.id, event++);
        },
        (error) => {
          outcome.settles++;
          outcome.status = 'rejected';
          outcome.error = error;
          settledAt.set(task.id, event++);
        },
      );
    }
    waveClosed.add(wave++);

    // faults
    const live = [...sims.values()].filter((s) => s.registered);
    const roll = random();
    const victim = live[Math.floor(random() * live.length)];
    if (roll < 0.08 && victim) victim.mode = 'crashed';
    else if (roll < 0.14 && victim) victim.mode = 'hung';
    else if (roll < 0.22 && victim) victim.mode = 'slow';
    else if (roll < 0.4 && victim && victim.mode !== 'ok') {
      // recovery: a hung worker answers late, all of them resume
      for (const release of victim.hung.splice(0)) release();
      victim.mode = 'ok';
    } else if (roll < 0.47 && victim && live.length > 2) {
      victim.registered = false;
      lb.removeWorker(victim.id, { drain: random() < 0.5, timeoutMs: 300 }).catch((error) =>
        violations.push(String(error)),
      );
    } else if (roll < 0.55 && live.length < 10) {
      addWorker();
    }
    // heartbeats from workers that are alive
    for (const sim of sims.values()) {
      if (sim.registered && (sim.mode === 'ok' || sim.mode === 'slow')) {
        if (lb.workers().some((w) => w.id === sim.id)) lb.heartbeat(sim.id);
      }
    }
    await clock.tick(10 + Math.floor(random() * 30));
  }

  // heal everything and let the queue drain
  for (const sim of sims.values()) {
    for (const release of sim.hung.splice(0)) release();
    sim.mode = 'ok';
  }
  addWorker();
  addWorker();
  for (let step = 0; step < 2000 && outcomes.some((o) => o.status === 'pending'); step++) {
    for (const sim of sims.values()) {
      if (sim.registered && lb.workers().some((w) => w.id === sim.id)) lb.heartbeat(sim.id);
    }
    await clock.tick(50);
  }
  await lb.onIdle();
  return { lb, sims, outcomes, violations, firstDispatch, settledAt, dispatchedAfterWave };
}

describe('randomized fault injection: 10,000 mixed-priority tasks while workers crash, hang, slow down, leave and join', () => {
  it.each([1, 2])(
    'seed %i: every promise settles once, nothing lost, capacity kept, priority order kept',
    async (seed) => {
      const { lb, sims, outcomes, violations, firstDispatch, settledAt, dispatchedAfterWave } = await simulate(seed);

      // every promise settled, exactly once
      expect(outcomes.filter((o) => o.status === 'pending')).toEqual([]);
      expect(outcomes.every((o) => o.settles === 1)).toBe(true);

      // nothing lost: a result is the task's own; a rejection is the task's own error or a typed balancer error
      const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
      const rejected = outcomes.filter((o) => o.status === 'rejected');
      for (const o of fulfilled) expect(o.value).toBe(o.task.id);
      for (const o of rejected) {
        if (o.error instanceof TaskError) expect(o.task.fails).toBe(true);
        else if (o.error instanceof TaskTimeoutError) expect(o.task.timeoutMs).toBeDefined();
        else expect(o.error).toBeInstanceOf(RetriesExhaustedError);
        expect(o.error instanceof TaskError || o.error instanceof LoadBalancerError).toBe(true);
      }
      const stats = lb.stats();
      expect(stats.completed).toBe(fulfilled.length);
      expect(stats.failed).toBe(rejected.length);
      expect(stats.completed + stats.failed).toBe(10_000);
      expect(stats).toMatchObject({ queued: 0, inFlight: 0, waitingRetry: 0 });
      // the faults really happened
      expect(stats.failovers).toBeGreaterThan(50);
      expect(stats.workerErrors).toBeGreaterThan(10);
      expect(stats.lateResults).toBeGreaterThan(0);
      expect(fulfilled.length).toBeGreaterThan(9_000);

      // capacity never exceeded
      expect(violations).toEqual([]);
      for (const sim of sims.values()) expect(sim.maxRunning).toBeLessThanOrEqual(sim.capacity);

      // priority order among tasks queued at the same time: when a task of a wave is first
      // dispatched (after its wave was queued), every higher-priority task of that wave has
      // already been dispatched or settled
      const byWave = new Map<number, Array<(typeof outcomes)[number]['task']>>();
      for (const { task } of outcomes) byWave.set(task.wave, [...(byWave.get(task.wave) ?? []), task]);
      let checked = 0;
      for (const tasks of byWave.values()) {
        for (const b of tasks) {
          if (!dispatchedAfterWave.has(b.id)) continue;
          const at = firstDispatch.get(b.id) as number;
          for (const a of tasks) {
            if (a.priority <= b.priority) continue;
            const gone = Math.min(
              firstDispatch.get(a.id) ?? Number.POSITIVE_INFINITY,
              settledAt.get(a.id) ?? Number.POSITIVE_INFINITY,
            );
            expect(
              gone,
              `task ${a.id} (priority ${a.priority}) before task ${b.id} (priority ${b.priority})`,
            ).toBeLessThan(at);
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(10_000);
      await lb.shutdown();
    },
    60_000,
  );
});
