/**
 * The fleet's own CPU per request with the network taken out: `globalThis.fetch` is replaced by a
 * stub that answers after 2 ms and listens on the request's signal as Node's `fetch` does, so a
 * one-endpoint fleet (built-in client, 30 s request timeout) and an `httpLlmClient` with the same
 * timeout run exactly the same code below them. 48 in flight, 5,000 requests of 10 tasks a side
 * per round, 40 rounds in alternating order; prints the median and quartiles of the per-round
 * difference. Beside the HTTP figures of `fleet-overhead.bench.ts` it shows how much of the
 * fleet's cost over HTTP is the fleet's and the balancer's own work.
 *
 * An optional argument, a number of KB, makes the stub touch one byte per 64-byte line of a
 * buffer that large before it answers each request: it evicts from the CPU caches what the
 * fleet's and the client's code and data had there, as the real `fetch` does between a request
 * and its answer (Node's HTTP stack, its allocations and the collections they cause), so the
 * same work is measured cold. 2048 is this machine's L2 cache per core.
 *
 *   node --expose-gc --import tsx bench/stub-fetch-overhead.ts [kb]
 */
import { httpLlmClient, type LlmClient, type LlmTask } from '@x/llm-batcher';
import { createLlmFleet } from '../src/index.js';

const body = JSON.stringify({ results: Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, output: i })) });
const answer = { ok: true, status: 200, headers: new Headers(), text: async () => body } as unknown as Response;
const evict = new Uint8Array(Number(process.argv[2] ?? 0) * 1024);
let touched = 0;
/** Touches every cache line of `evict`. */
function evictCaches(): void {
  for (let i = 0; i < evict.length; i += 64) {
    const value = (evict[i] as number) + 1;
    evict[i] = value;
    touched += value;
  }
}
globalThis.fetch = ((_url: string, init: RequestInit) =>
  new Promise<Response>((resolve, reject) => {
    const signal = init.signal!;
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    setTimeout(() => {
      if (evict.length > 0) evictCaches();
      signal.removeEventListener('abort', onAbort);
      resolve(answer);
    }, 2);
  })) as typeof fetch;

const url = 'http://127.0.0.1:9/batch';
const fleet = createLlmFleet({ endpoints: [{ id: 'a', url, concurrency: 48, healthUrl: false }] });
const timed = httpLlmClient({ url, timeoutMs: 30_000 });
const batch: LlmTask[] = Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, payload: i }));

/** CPU (user + system) of this process per request, in µs. */
async function cpuPerRequest(client: LlmClient, requests: number): Promise<number> {
  globalThis.gc?.();
  let next = 0;
  const start = process.cpuUsage();
  await Promise.all(
    Array.from({ length: 48 }, async () => {
      while (next < requests) {
        next++;
        await client.complete(batch, { signal: new AbortController().signal });
      }
    }),
  );
  const used = process.cpuUsage(start);
  return (used.user + used.system) / requests;
}

function quantile(values: readonly number[], q: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.round((sorted.length - 1) * q)]!.toFixed(1);
}

const direct: number[] = [];
const viaFleet: number[] = [];
await cpuPerRequest(timed, 5_000); // warm-up
await cpuPerRequest(fleet, 5_000);
for (let round = 0; round < 40; round++) {
  if (round % 2 === 0) viaFleet.push(await cpuPerRequest(fleet, 5_000));
  direct.push(await cpuPerRequest(timed, 5_000));
  if (round % 2 === 1) viaFleet.push(await cpuPerRequest(fleet, 5_000));
}
const minus = viaFleet.map((value, i) => value - direct[i]!);
console.log(`httpLlmClient, 30 s timeout  ${quantile(direct, 0.5)} µs/request`);
console.log(`fleet (30 s timeout)         ${quantile(viaFleet, 0.5)} µs/request`);
console.log(
  `fleet − client               ${quantile(minus, 0.5)} (${quantile(minus, 0.25)} … ${quantile(minus, 0.75)}) µs/request, per round`,
);
if (evict.length > 0) console.log(`(${evict.length / 1024} KB evicted per request; checksum ${touched % 10})`);
await fleet.close();
