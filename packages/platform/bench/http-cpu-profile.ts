/**
 * One side of the HTTP overhead bench, alone in its process, for `node --cpu-prof`: 30,000 batch
 * requests of 10 tasks, 48 in flight, to one mock server in another process, through one
 * `httpLlmClient` without a timeout (`direct`) or with the fleet's 30 s one (`timed`), or a
 * one-endpoint fleet (`fleet`). Prints the process's CPU per
 * request and each thread's share (main thread against V8's helper threads, which do much of
 * the garbage collection and are invisible in a `--cpu-prof` profile).
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/http-cpu-profile.ts fleet
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { httpLlmClient, type LlmClient, type LlmTask } from '@x/llm-batcher';
import { createLlmFleet } from '../src/index.js';

const side = process.argv[2];
if (side !== 'direct' && side !== 'timed' && side !== 'fleet')
  throw new Error(`Expected \`direct\`, \`timed\` or \`fleet\`, got ${side}`);
const script = fileURLToPath(new URL('./mock-server-process.ts', import.meta.url));
const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify({ latencyMs: 5 })], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const [line] = (await once(child.stdout!.setEncoding('utf8'), 'data')) as [string];
const server = JSON.parse(line.trim().split('\n')[0]!) as { url: string; healthUrl: string };
const fleet =
  side === 'fleet'
    ? createLlmFleet({
        endpoints: [{ id: 'a', url: server.url, healthUrl: server.healthUrl, concurrency: 48 }],
        heartbeatIntervalMs: 1000,
      })
    : undefined;
const client: LlmClient =
  fleet ?? httpLlmClient({ url: server.url, ...(side === 'timed' ? { timeoutMs: 30_000 } : {}) });

/** CPU time of each thread of this process so far, in µs (Linux; empty elsewhere). */
function threadCpu(): Map<string, number> {
  const times = new Map<string, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      times.set(tid, (Number(fields[11]) + Number(fields[12])) * 10_000); // clock ticks of 10 ms
    }
  } catch {}
  return times;
}

const batch: LlmTask[] = Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, payload: i }));
const requests = 30_000;
let next = 0;
const threadsBefore = threadCpu();
const before = process.cpuUsage();
await Promise.all(
  Array.from({ length: 48 }, async () => {
    while (next < requests) {
      next++;
      await client.complete(batch, { signal: new AbortController().signal });
    }
  }),
);
const used = process.cpuUsage(before);
const threadsAfter = threadCpu();
console.log(`${side}: ${((used.user + used.system) / requests).toFixed(1)} µs of CPU per request`);
for (const [tid, after] of threadsAfter) {
  const share = (after - (threadsBefore.get(tid) ?? 0)) / requests;
  if (share >= 0.5)
    console.log(`  thread ${tid}${tid === String(process.pid) ? ' (main)' : ''}: ${share.toFixed(1)} µs`);
}
await fleet?.close();
child.stdin!.end();
