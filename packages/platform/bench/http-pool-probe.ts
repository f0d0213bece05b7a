/**
 * Does the fleet keep as many requests in flight, and use Node's `fetch` connection pool the
 * same way, as the direct client? 3,000 requests of 10 tasks a side, 48 in flight, three rounds,
 * against one mock server in another process; on every 10th request created (undici's
 * `undici:request:create` channel) it records the requests in flight and the position of the
 * first free connection in the pool's list, which undici scans on every dispatch.
 *
 *   node --import tsx bench/http-pool-probe.ts
 */
import { spawn } from 'node:child_process';
import diagnostics from 'node:diagnostics_channel';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { httpLlmClient, type LlmClient, type LlmTask } from '@x/llm-batcher';
import { createLlmFleet } from '../src/index.js';

const script = fileURLToPath(new URL('./mock-server-process.ts', import.meta.url));
const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify({ latencyMs: 5 })], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const [line] = (await once(child.stdout!.setEncoding('utf8'), 'data')) as [string];
const server = JSON.parse(line.trim().split('\n')[0]!) as { url: string; healthUrl: string };
const fleet = createLlmFleet({ endpoints: [{ id: 'a', url: server.url, healthUrl: false, concurrency: 48 }] });
const sides: Record<string, LlmClient> = { timed: httpLlmClient({ url: server.url, timeoutMs: 30_000 }), fleet };
const batch: LlmTask[] = Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, payload: i }));

type Internal = Record<symbol, unknown>;
/** undici keeps its state under symbols; finds one by its description. */
function field(object: Internal, description: string): unknown {
  const key = Object.getOwnPropertySymbols(object).find((symbol) => symbol.description === description);
  return key === undefined ? undefined : object[key];
}
/** The connections (undici `Client`s) of the global dispatcher's one pool. */
function poolClients(): Internal[] {
  const agent = (globalThis as unknown as Internal)[Symbol.for('undici.globalDispatcher.1')] as Internal;
  const pools = field(agent, 'clients') as Map<string, { deref?: () => Internal }>;
  const [entry] = pools.values();
  const pool = (typeof entry?.deref === 'function' ? entry.deref() : entry) as Internal;
  return field(pool, 'clients') as Internal[];
}

let clients: Internal[] | undefined;
let inFlight = 0;
let created = 0;
let firstFree: number[] = [];
let inFlightAtCreate: number[] = [];
diagnostics.channel('undici:request:create').subscribe(() => {
  inFlight++;
  if (clients === undefined || ++created % 10 !== 0) return;
  let i = 0;
  while (i < clients.length && field(clients[i]!, 'need drain')) i++;
  firstFree.push(i);
  inFlightAtCreate.push(inFlight);
});
diagnostics.channel('undici:request:trailers').subscribe(() => {
  inFlight--;
});

async function drive(client: LlmClient, requests: number): Promise<void> {
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

const mean = (values: number[]) => (values.reduce((a, b) => a + b, 0) / values.length).toFixed(1);
await drive(sides.timed!, 500);
clients = poolClients();
for (let round = 0; round < 3; round++) {
  for (const [name, client] of Object.entries(sides)) {
    firstFree = [];
    inFlightAtCreate = [];
    await drive(client, 3_000);
    clients = poolClients();
    console.log(
      `${name.padEnd(6)} connections ${clients.length}, first free connection at ${mean(firstFree)}, in flight when a request is created ${mean(inFlightAtCreate)}`,
    );
  }
}
await fleet.close();
child.stdin!.end();
