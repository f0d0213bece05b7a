/**
 * Memory per queued task: n tasks submitted with no worker able to take them, heap measured
 * before and after (after a forced GC; run with --expose-gc, as `pnpm bench` does). The array
 * holding the returned promises is allocated before the baseline, so it is not counted: what
 * is counted is the queue entry, the promise and whatever keeps it settleable. p-queue@8
 * (paused) side by side.
 */
import PQueue from 'p-queue';
import { LoadBalancer } from '../src/index.js';

function heap(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

async function measureLoadBalancer(n: number, promises: Promise<unknown>[]): Promise<number> {
  const lb = new LoadBalancer<number, number>();
  const before = heap();
  for (let i = 0; i < n; i++) promises[i] = lb.submit(i);
  const after = heap();
  for (const promise of promises) promise.catch(() => {});
  await lb.shutdown({ drain: false });
  return (after - before) / n;
}

async function measurePQueue(n: number, promises: Promise<unknown>[]): Promise<number> {
  const queue = new PQueue({ concurrency: 128, autoStart: false });
  const before = heap();
  for (let i = 0; i < n; i++) promises[i] = queue.add(async () => i);
  const after = heap();
  queue.clear();
  return (after - before) / n;
}

export async function main({ quick }: { quick: boolean }): Promise<void> {
  const n = quick ? 10_000 : 1_000_000;
  if (typeof globalThis.gc !== 'function') console.log('(no --expose-gc: figures include garbage)');
  const promises: Promise<unknown>[] = new Array(n).fill(undefined);
  const lb = await measureLoadBalancer(n, promises);
  promises.fill(undefined as unknown as Promise<unknown>);
  const pq = await measurePQueue(n, promises);
  promises.fill(undefined as unknown as Promise<unknown>);
  console.log(`| ${n.toLocaleString('en-US')} tasks queued | bytes per queued task |`);
  console.log('|---|---|');
  console.log(`| @x/load-balancer | ${lb.toFixed(1)} |`);
  console.log(`| p-queue@8 (paused) | ${pq.toFixed(1)} |`);
  console.log(`target: < 200 bytes per queued task (${lb < 200 ? 'met' : 'NOT met'})`);
}
