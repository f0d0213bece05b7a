/**
 * Bytes allocated per batch request over HTTP, by function: V8's sampling heap profiler with
 * collected objects included, on one side alone (`timed`: an `httpLlmClient` with a 30 s timeout;
 * `fleet`: a one-endpoint fleet, 30 s request timeout), 48 in flight against a mock server in
 * another process. Over HTTP every scavenge copies the megabytes that Node's `fetch` keeps alive,
 * so each byte allocated per request costs CPU there in a way it does not with `fetch` stubbed.
 *
 *   node --import tsx bench/http-alloc-profile.ts timed > /tmp/timed.json
 *   node --import tsx bench/http-alloc-profile.ts fleet > /tmp/fleet.json
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { httpLlmClient, type LlmClient, type LlmTask } from '@x/llm-batcher';
import { createLlmFleet } from '../src/index.js';

const side = process.argv[2];
if (side !== 'timed' && side !== 'fleet') throw new Error(`Expected \`timed\` or \`fleet\`, got ${side}`);
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
const client: LlmClient = fleet ?? httpLlmClient({ url: server.url, timeoutMs: 30_000 });
const batch: LlmTask[] = Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, payload: i }));

async function drive(requests: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 48 }, async () => {
      while (next < requests) {
        next++;
        await client.complete(batch, { signal: new AbortController().signal });
      }
    }),
  );
}

await drive(3_000); // warm-up
const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 256,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
const requests = 10_000;
await drive(requests);
const { profile } = await session.post('HeapProfiler.stopSampling');

interface Node {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: Node[];
}
const bytes = new Map<string, number>();
const visit = (node: Node) => {
  const frame = node.callFrame;
  const key = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber}`;
  bytes.set(key, (bytes.get(key) ?? 0) + node.selfSize);
  for (const child of node.children) visit(child);
};
visit(profile.head as unknown as Node);
const perRequest = Object.fromEntries([...bytes].map(([key, size]) => [key, size / requests]));
process.stdout.write(`${JSON.stringify(perRequest)}\n`);
await fleet?.close();
child.stdin!.end();
session.disconnect();
