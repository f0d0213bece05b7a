import { expect, it } from 'vitest';
import type { LoadBalancerEvents } from '../src/index.js';
import { flush, heldWorker, manualBalancer, track } from './fixtures.js';

const EVENTS: Array<keyof LoadBalancerEvents> = [
  'worker-state',
  'worker-added',
  'worker-removed',
  'task-retry',
  'task-failed',
  'queue-full',
  'late-result',
  'idle',
];

it('no event is emitted after shutdown() resolves (late results, health checks, heartbeats)', async () => {
  const { clock, lb } = manualBalancer();
  let resolved = false;
  const after: string[] = [];
  for (const event of EVENTS) {
    lb.on(event, () => {
      if (resolved) after.push(event);
    });
  }
  const a = heldWorker<number>('a', 1);
  lb.addWorker(a.spec);
  let answerCheck: (healthy: boolean) => void = () => {};
  lb.addWorker({
    id: 'checked',
    capacity: 1,
    execute: async (n: number) => n,
    healthCheck: () => new Promise<boolean>((resolve) => (answerCheck = resolve)),
  });
  const task = track(lb.submit(1));
  await flush();
  await lb.shutdown({ drain: false });
  resolved = true;
  await flush();
  expect(task.status).toBe('rejected');
  a.next(); // a late result of the aborted attempt
  answerCheck(true); // the joining worker's check answers after the shutdown
  lb.heartbeat('a', { load: 0.95 }); // would turn it overloaded
  await clock.tick(60_000);
  await flush();
  expect(after).toEqual([]);
});

it('a draining shutdown emits its last events before it resolves, none after', async () => {
  const { clock, lb } = manualBalancer();
  const seen: string[] = [];
  let resolved = false;
  for (const event of EVENTS) lb.on(event, () => seen.push(resolved ? `after:${event}` : event));
  const a = heldWorker<number>('a', 1);
  lb.addWorker(a.spec);
  const task = track(lb.submit(1));
  const done = lb.shutdown().then(() => {
    resolved = true;
  });
  a.next();
  await done;
  lb.heartbeat('a', { load: 0.99 });
  await clock.tick(10_000);
  expect(task.value).toBe(1);
  expect(seen).toContain('idle');
  expect(seen.filter((e) => e.startsWith('after:'))).toEqual([]);
});
