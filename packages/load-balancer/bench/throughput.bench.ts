/**
 * Throughput: n no-op tasks through 8 in-process workers (capacity 16 each), side by side with
 * p-queue@8 at concurrency 128 (the same total capacity), best of several alternating rounds.
 *
 * - streamed: the producer keeps at most 1,024 tasks queued (`onSizeLessThan`, which both
 *   libraries have), the way a service feeds a dispatcher;
 * - all at once: all n submitted before any runs. p-queue dequeues with `Array#shift`, which is
 *   O(queue length) once its array is large, so this is only run at 10^5 (10^6 would take hours).
 */
import PQueue from 'p-queue';
import { LoadBalancer } from '../src/index.js';

const WORKERS = 8;
const CAPACITY = 16;

async function noop(): Promise<number> {
  return 1;
}

const WINDOW = 1024;

async function runLoadBalancer(n: number, streamed: boolean): Promise<number> {
  const lb = new LoadBalancer<number, number>();
  for (let i = 0; i < WORKERS; i++) lb.addWorker({ id: `w${i}`, capacity: CAPACITY, execute: noop });
  const promises: Promise<number>[] = new Array(n);
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    if (streamed && lb.size >= WINDOW) await lb.onSizeLessThan(WINDOW);
    promises[i] = lb.submit(i);
  }
  await Promise.all(promises);
  const elapsed = performance.now() - start;
  if (lb.stats().completed !== n) throw new Error('load balancer lost tasks');
  await lb.shutdown();
  return elapsed;
}

async function runPQueue(n: number, streamed: boolean): Promise<number> {
  const queue = new PQueue({ concurrency: WORKERS * CAPACITY });
  const promises: Promise<number>[] = new Array(n);
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    if (streamed && queue.size >= WINDOW) await queue.onSizeLessThan(WINDOW);
    promises[i] = queue.add(noop) as Promise<number>;
  }
  await Promise.all(promises);
  return performance.now() - start;
}

function rate(n: number, ms: number): string {
  return `${Math.round(n / (ms / 1000)).toLocaleString('en-US')} tasks/s`;
}

export async function main({ quick }: { quick: boolean }): Promise<void> {
  const cases: Array<[number, boolean]> = quick
    ? [
        [2_000, true],
        [2_000, false],
      ]
    : [
        [100_000, true],
        [1_000_000, true],
        [100_000, false],
      ];
  const rounds = quick ? 1 : 5;
  console.log(
    `${WORKERS} workers × capacity ${CAPACITY} vs p-queue concurrency ${WORKERS * CAPACITY}; best of ${rounds} rounds`,
  );
  console.log('| tasks | feeding | @x/load-balancer | p-queue@8 | ratio (lb / p-queue) |');
  console.log('|---|---|---|---|---|');
  for (const [n, streamed] of cases) {
    let lbBest = Number.POSITIVE_INFINITY;
    let pqBest = Number.POSITIVE_INFINITY;
    for (let round = 0; round < rounds; round++) {
      globalThis.gc?.();
      lbBest = Math.min(lbBest, await runLoadBalancer(n, streamed));
      globalThis.gc?.();
      pqBest = Math.min(pqBest, await runPQueue(n, streamed));
    }
    console.log(
      `| ${n.toLocaleString('en-US')} | ${streamed ? `streamed (≤ ${WINDOW} queued)` : 'all at once'} | ${rate(n, lbBest)} (${((lbBest * 1000) / n).toFixed(2)} µs/task) | ${rate(n, pqBest)} (${((pqBest * 1000) / n).toFixed(2)} µs/task) | ${(pqBest / lbBest).toFixed(2)}× |`,
    );
  }
}
