/**
 * Where the fleet's extra CPU over HTTP goes (issue #14): paired rotating rounds like
 * `fleet-overhead.bench.ts` (2,000 requests of 10 tasks a side per round, 48 in flight, one mock
 * server at 5 ms latency in another process), but each side's CPU split into user and system
 * time, the main thread's voluntary context switches (each a blocking `epoll_wait`: an
 * event-loop turn that found nothing to do), the helper threads' CPU (V8's GC and compiler
 * threads), and the scavenges and full collections per 1,000 requests. The first side named is
 * the base every other side is compared with, round by round.
 *
 *   node --expose-gc --import tsx bench/http-cpu-split.ts [rounds] [side ...]
 *
 * Sides: `direct` (httpLlmClient, no timeout), `timed` (30 s timeout), `fleet` (one endpoint,
 * health checks every second), `fleet-nohealth` (`healthUrl: false`), `fleet-clientfor` (the
 * endpoint's client made by `clientFor` with its own 30 s timeout), `lb-plain` (a bare
 * LoadBalancer, plain submits, in front of the timed client), and controls wrapped around the
 * timed client: `timed-spin9` (9 µs of busy CPU per request), `timed-awaits` (two more async
 * frames), `timed-garbage3k` (3 KB of objects kept until the answer), `timed-garbage3k-short`
 * (the same dropped at once).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { httpLlmClient, type LlmClient, type LlmTask } from '@x/llm-batcher';
import { LoadBalancer } from '@x/load-balancer';
import { createLlmFleet } from '../src/index.js';

const rounds = Number(process.argv[2] ?? 20);
const wanted = process.argv.slice(3);
const script = fileURLToPath(new URL('./mock-server-process.ts', import.meta.url));
const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify({ latencyMs: 5 })], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const [line] = (await once(child.stdout!.setEncoding('utf8'), 'data')) as [string];
const server = JSON.parse(line.trim().split('\n')[0]!) as { url: string; healthUrl: string };

const all: Record<string, () => LlmClient> = {
  direct: () => httpLlmClient({ url: server.url }),
  timed: () => httpLlmClient({ url: server.url, timeoutMs: 30_000 }),
  fleet: () =>
    createLlmFleet({
      endpoints: [{ id: 'a', url: server.url, healthUrl: server.healthUrl, concurrency: 48 }],
      heartbeatIntervalMs: 1000,
    }),
  'fleet-nohealth': () =>
    createLlmFleet({ endpoints: [{ id: 'a', url: server.url, healthUrl: false, concurrency: 48 }] }),
  'fleet-clientfor': () =>
    createLlmFleet({
      endpoints: [{ id: 'a', url: server.url, healthUrl: false, concurrency: 48 }],
      clientFor: (endpoint, timeoutMs) => httpLlmClient({ url: endpoint.url, timeoutMs }),
    }),
};
/** Burns `us` µs of CPU on the main thread. */
function spin(us: number): void {
  const end = process.hrtime.bigint() + BigInt(Math.round(us * 1000));
  while (process.hrtime.bigint() < end) {}
}
const timedForWrap = httpLlmClient({ url: server.url, timeoutMs: 30_000 });
all['timed-spin9'] = () => ({
  complete: (tasks, context) => {
    spin(9);
    return timedForWrap.complete(tasks, context);
  },
});
all['timed-spin30'] = () => ({
  complete: (tasks, context) => {
    spin(30);
    return timedForWrap.complete(tasks, context);
  },
});
all['timed-awaits'] = () => ({
  complete: async (tasks, context) => {
    const inner = async () => {
      const value = await timedForWrap.complete(tasks, context);
      return await Promise.resolve(value);
    };
    return await inner();
  },
});
/** About `kb` KB in 16-field objects, alive until the request ends (as the fleet's own records are). */
all['timed-garbage3k'] = () => ({
  complete: async (tasks, context) => {
    const held: object[] = [];
    for (let i = 0; i < 21; i++)
      held.push({ a: i, b: i, c: i, d: i, e: i, f: i, g: i, h: i, i, j: i, k: i, l: i, m: i, n: i, o: i, p: held });
    const response = await timedForWrap.complete(tasks, context);
    if (held.length !== 21) throw new Error('unreachable');
    return response;
  },
});
all['timed-garbage3k-short'] = () => ({
  complete: (tasks, context) => {
    const held: object[] = [];
    for (let i = 0; i < 21; i++)
      held.push({ a: i, b: i, c: i, d: i, e: i, f: i, g: i, h: i, i, j: i, k: i, l: i, m: i, n: i, o: i, p: held });
    if (held.length !== 21) throw new Error('unreachable');
    return timedForWrap.complete(tasks, context);
  },
});
/** A bare LoadBalancer (one worker, plain submits) in front of the 30 s-timeout client. */
all['lb-plain'] = () => {
  const lb = new LoadBalancer<{ tasks: readonly LlmTask[]; signal: AbortSignal }, unknown>();
  lb.addWorker({
    id: 'a',
    capacity: 48,
    execute: (job) => timedForWrap.complete(job.tasks, { signal: job.signal }),
  });
  return {
    complete: (tasks, context) => lb.submit({ tasks, signal: context.signal }) as never,
    close: () => lb.shutdown({ drain: false }),
  } as LlmClient;
};
const names = wanted.length > 0 ? wanted : ['timed', 'fleet'];
const sides = Object.fromEntries(names.map((name) => [name, all[name]!()]));

const pid = String(process.pid);
/** Main thread's voluntary context switches, and the helper threads' CPU in µs (clock ticks of 10 ms). */
function threads(): { switches: number; helpers: number } {
  let switches = 0;
  let helpers = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    if (tid === pid) {
      const status = readFileSync(`/proc/self/task/${tid}/status`, 'utf8');
      switches = Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)![1]);
    } else {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      helpers += (Number(fields[11]) + Number(fields[12])) * 10_000;
    }
  }
  return { switches, helpers };
}

const gc = { minor: 0, major: 0, minorMs: 0, majorMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as unknown as { detail: { kind: number } }).detail.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
      gc.minor++;
      gc.minorMs += entry.duration;
    } else {
      gc.major++;
      gc.majorMs += entry.duration;
    }
  }
}).observe({ entryTypes: ['gc'] });

const batch: LlmTask[] = Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, payload: i }));
interface Sample {
  user: number;
  system: number;
  switches: number;
  helpers: number;
  wallMs: number;
  minor: number;
  major: number;
  minorUs: number;
  majorUs: number;
}
async function run(client: LlmClient, requests: number): Promise<Sample> {
  globalThis.gc?.();
  let next = 0;
  await new Promise((resolve) => setImmediate(resolve)); // the forced collection's entry is delivered
  const g0 = { ...gc };
  const t0 = threads();
  const start = process.cpuUsage();
  const wall = performance.now();
  await Promise.all(
    Array.from({ length: 48 }, async () => {
      while (next < requests) {
        next++;
        await client.complete(batch, { signal: new AbortController().signal });
      }
    }),
  );
  const used = process.cpuUsage(start);
  const t1 = threads();
  await new Promise((resolve) => setImmediate(resolve));
  return {
    user: used.user / requests,
    system: used.system / requests,
    switches: (t1.switches - t0.switches) / requests,
    helpers: (t1.helpers - t0.helpers) / requests,
    wallMs: performance.now() - wall,
    minor: ((gc.minor - g0.minor) / requests) * 1000,
    major: ((gc.major - g0.major) / requests) * 1000,
    minorUs: ((gc.minorMs - g0.minorMs) * 1000) / requests,
    majorUs: ((gc.majorMs - g0.majorMs) * 1000) / requests,
  };
}

function q(values: readonly number[], at: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const i = (sorted.length - 1) * at;
  const low = Math.floor(i);
  return sorted[low]! + (sorted[Math.min(low + 1, sorted.length - 1)]! - sorted[low]!) * (i - low);
}
const fmt = (values: readonly number[], digits = 1) =>
  `${q(values, 0.5).toFixed(digits)} (${q(values, 0.25).toFixed(digits)} … ${q(values, 0.75).toFixed(digits)})`;

const requests = 2_000;
const samples: Record<string, Sample[]> = Object.fromEntries(names.map((name) => [name, []]));
for (const name of names) await run(sides[name]!, requests);
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(round + i) % names.length]!;
    samples[name]!.push(await run(sides[name]!, requests));
  }
}
const base = names[0]!;
for (const name of names) {
  const s = samples[name]!;
  const pick = (key: keyof Sample) => s.map((x) => x[key]);
  console.log(
    `${name.padEnd(16)} user ${fmt(pick('user'))}  sys ${fmt(pick('system'))}  total ${fmt(s.map((x) => x.user + x.system))}  switches/req ${fmt(pick('switches'), 3)}  helpers ${fmt(pick('helpers'))}  wall ${fmt(pick('wallMs'), 0)} ms`,
  );
  console.log(
    `${''.padEnd(16)} scavenges/1000 req ${fmt(pick('minor'))} (${fmt(pick('minorUs'))} µs/req)  major/1000 req ${fmt(pick('major'))} (${fmt(pick('majorUs'))} µs/req)`,
  );
  if (name !== base) {
    const b = samples[base]!;
    const d = (f: (x: Sample) => number) => s.map((x, i) => f(x) - f(b[i]!));
    console.log(
      `  − ${base.padEnd(12)} user ${fmt(d((x) => x.user))}  sys ${fmt(d((x) => x.system))}  total ${fmt(d((x) => x.user + x.system))}  switches ${fmt(
        d((x) => x.switches),
        3,
      )}`,
    );
  }
}
for (const side of Object.values(sides)) await (side as { close?: () => Promise<void> }).close?.();
child.stdin!.end();
