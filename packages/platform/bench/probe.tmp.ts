import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { httpLlmClient, type LlmClient, type LlmTask } from '@x/llm-batcher';
import { createLlmFleet } from '../src/index.js';

async function drive(client: LlmClient, requests: number, inFlight: number) {
  const batch: LlmTask[] = Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, payload: i }));
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < requests) {
        next++;
        await client.complete(batch, { signal: new AbortController().signal });
      }
    }),
  );
}
async function cpu(client: LlmClient, n: number) {
  const s = process.cpuUsage();
  await drive(client, n, 48);
  const u = process.cpuUsage(s);
  return (u.user + u.system) / n;
}
const script = fileURLToPath(new URL('./mock-server-process.ts', import.meta.url));
const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify({ latencyMs: 5 })], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const [line] = (await once(child.stdout!.setEncoding('utf8'), 'data')) as [string];
const { url, healthUrl } = JSON.parse(line.trim()) as { url: string; healthUrl: string };
const variants: Record<string, LlmClient> = {
  direct: httpLlmClient({ url, timeoutMs: 30_000 }),
  fleet: createLlmFleet({
    endpoints: ['a', 'b', 'c'].map((id) => ({ id, url: `${url}/${id}`, healthUrl, concurrency: 16 })),
    heartbeatIntervalMs: 1000,
  }),
  noHealth: createLlmFleet({
    endpoints: ['a', 'b', 'c'].map((id) => ({ id, url: `${url}/${id}`, healthUrl: false as const, concurrency: 16 })),
  }),
  bigCap: createLlmFleet({
    endpoints: ['a', 'b', 'c'].map((id) => ({ id, url: `${url}/${id}`, healthUrl: false as const, concurrency: 64 })),
  }),
  oneEp: createLlmFleet({ endpoints: [{ id: 'a', url, healthUrl: false as const, concurrency: 64 }] }),
};
for (const c of Object.values(variants)) await cpu(c, 500);
const results: Record<string, number[]> = {};
for (let r = 0; r < 4; r++) for (const [k, c] of Object.entries(variants)) (results[k] ??= []).push(await cpu(c, 1000));
for (const [k, v] of Object.entries(results))
  console.log(
    k.padEnd(10),
    v
      .sort((a, b) => a - b)
      .map((x) => x.toFixed(0))
      .join(' '),
  );
for (const c of Object.values(variants)) if ('close' in c) await (c as { close(): Promise<void> }).close();
child.stdin!.end();
