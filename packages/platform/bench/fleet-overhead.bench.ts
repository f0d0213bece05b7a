/**
 * What the fleet costs: (1) CPU per batch request of going through `createLlmFleet` (one
 * `LoadBalancer.submit` and the error mapping) against calling an in-process client directly;
 * (2) the same over real HTTP, against mock servers in other processes (so only the client side's
 * CPU is counted): `httpLlmClient`s with and without a request timeout against a fleet with health
 * checks on, one endpoint against one client and three against three, in rotating paired rounds;
 * (3) the makespan of a job over real HTTP to mock LLM servers: one endpoint with all the
 * concurrency, against a fleet of three endpoints sharing it, against the ideal.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import {
  createBatcher,
  httpLlmClient,
  type LlmBatchResponse,
  type LlmClient,
  type LlmTask,
  memoryTaskSource,
} from '@x/llm-batcher';
import { startMockLlmServer } from '@x/llm-batcher/testing';
import { createLlmFleet } from '../src/index.js';

const instant: LlmClient = {
  complete: async (tasks: readonly LlmTask[]): Promise<LlmBatchResponse> => ({
    results: tasks.map((task) => ({ id: task.id, output: task.payload })),
  }),
};

async function drive(client: LlmClient, requests: number, inFlight: number): Promise<number> {
  const batch: LlmTask[] = Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, payload: i }));
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < requests) {
        next++;
        await client.complete(batch, { signal: new AbortController().signal });
      }
    }),
  );
  return Number(process.hrtime.bigint() - start) / 1e3 / requests; // µs per request
}

async function overhead(quick: boolean): Promise<void> {
  const requests = quick ? 2_000 : 200_000;
  const fleet = createLlmFleet({
    endpoints: ['a', 'b', 'c'].map((id) => ({
      id,
      url: `http://127.0.0.1:9/${id}`,
      concurrency: 16,
      healthUrl: false as const,
    })),
    clientFor: () => instant,
  });
  await drive(instant, Math.min(requests, 5_000), 48); // warm-up
  await drive(fleet, Math.min(requests, 5_000), 48);
  const direct = await drive(instant, requests, 48);
  const viaFleet = await drive(fleet, requests, 48);
  await fleet.close();
  console.log(
    `CPU per batch request (${requests.toLocaleString('en-US')} requests of 10 tasks, 48 in flight, in-process client)`,
  );
  console.log(`  direct client        ${direct.toFixed(2)} µs/request`);
  console.log(
    `  through the fleet    ${viaFleet.toFixed(2)} µs/request  (+${(viaFleet - direct).toFixed(2)} µs, ${(viaFleet / direct).toFixed(1)}×)`,
  );
  console.log(`  per task             +${((viaFleet - direct) / 10).toFixed(2)} µs`);
}

/** Starts the mock server in a child process; resolves with its URLs and a stop function. */
async function serverProcess(options: Record<string, unknown>) {
  const script = fileURLToPath(new URL('./mock-server-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout!.setEncoding('utf8'), 'data')) as [string];
  const { url, healthUrl } = JSON.parse(line.trim().split('\n')[0]!) as { url: string; healthUrl: string };
  return {
    url,
    healthUrl,
    stop: async () => {
      child.stdin!.end();
      await once(child, 'exit');
    },
  };
}

/** CPU (user + system) of this process per request of `requests` batch requests, 48 in flight, in µs. */
async function cpuPerRequest(client: LlmClient, requests: number): Promise<number> {
  globalThis.gc?.(); // a collection left over from the previous run is not charged to this one
  const start = process.cpuUsage();
  await drive(client, requests, 48);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / requests;
}

/** Spreads requests over several clients in turn, as the fleet spreads them over its endpoints. */
function roundRobin(clients: readonly LlmClient[]): LlmClient {
  let next = 0;
  return {
    complete: (tasks, context) => clients[next++ % clients.length]!.complete(tasks, context),
  };
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  return sorted[low]! + (sorted[Math.min(low + 1, sorted.length - 1)]! - sorted[low]!) * (at - low);
}

/** Median and quartiles, as `m (q1 … q3)`. */
function spread(values: readonly number[]): string {
  return `${quantile(values, 0.5).toFixed(1)} (${quantile(values, 0.25).toFixed(1)} … ${quantile(values, 0.75).toFixed(1)})`;
}

/**
 * Client-process CPU per request over HTTP: `endpoints` mock servers, each in its own process,
 * reached by one `httpLlmClient` per server taken in turn (without a timeout, as the issue
 * measured it, and with the fleet's 30 s request timeout, like for like), or by a fleet of those
 * endpoints with health checks on. Same servers, same origins, so the same sockets on every side.
 * Each round runs every side once, the order rotating, so that drift on a loaded machine falls on
 * all of them; the per-round differences are what is summarised.
 */
async function httpOverheadFor(endpoints: number, quick: boolean): Promise<void> {
  const requests = quick ? 200 : 2_000;
  const rounds = quick ? 1 : 18;
  const servers = await Promise.all(Array.from({ length: endpoints }, () => serverProcess({ latencyMs: 5 })));
  const fleet = createLlmFleet({
    endpoints: servers.map((server, i) => ({
      id: `e${i}`,
      url: server.url,
      healthUrl: server.healthUrl,
      concurrency: 48 / endpoints,
    })),
    heartbeatIntervalMs: 1000,
  });
  const sides = {
    direct: roundRobin(servers.map((server) => httpLlmClient({ url: server.url }))),
    timed: roundRobin(servers.map((server) => httpLlmClient({ url: server.url, timeoutMs: 30_000 }))),
    fleet,
  };
  const names = Object.keys(sides) as Array<keyof typeof sides>;
  const runs: Record<keyof typeof sides, number[]> = { direct: [], timed: [], fleet: [] };
  for (const name of names) await cpuPerRequest(sides[name], requests); // warm-up: JIT, sockets
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length]!;
      runs[name].push(await cpuPerRequest(sides[name], requests));
    }
  }
  await fleet.close();
  await Promise.all(servers.map((server) => server.stop()));
  // the median of the per-round differences is far less sensitive to a loaded machine than the
  // difference of two medians
  const minus = (side: keyof typeof sides) => runs.fleet.map((f, i) => f - runs[side][i]!);
  const name = endpoints === 1 ? 'one endpoint' : `${endpoints} endpoints`;
  console.log(`\n  ${name} (${48 / endpoints} requests in flight each), µs of CPU per request, median (quartiles)`);
  console.log(`    httpLlmClient${endpoints === 1 ? ', ' : 's,'} no timeout     ${spread(runs.direct)}`);
  console.log(`    httpLlmClient${endpoints === 1 ? ', ' : 's,'} 30 s timeout   ${spread(runs.timed)}`);
  console.log(`    fleet (30 s timeout)         ${spread(runs.fleet)}`);
  console.log(`    fleet − no-timeout client    ${spread(minus('direct'))}  (per round)`);
  console.log(`    fleet − 30 s-timeout client  ${spread(minus('timed'))}  (per round)`);
}

export async function httpOverhead(quick: boolean): Promise<void> {
  console.log(
    `\nCPU of the client process per batch request over HTTP (${quick ? 200 : '2,000'} requests of 10 tasks a round, 48 in flight, ${quick ? 1 : 18} rounds; mock servers at 5 ms latency in other processes)`,
  );
  await httpOverheadFor(1, quick);
  await httpOverheadFor(3, quick);
}

async function makespan(quick: boolean): Promise<void> {
  const taskCount = quick ? 300 : 5_000;
  const latencyMs = 50;
  const concurrency = 12;
  const tasks: LlmTask[] = Array.from({ length: taskCount }, (_, i) => ({ id: `t${i}`, payload: i }));
  const ideal = Math.ceil(taskCount / (concurrency * 10)) * latencyMs;
  const rows: string[] = [];
  for (const mode of ['one endpoint × 12', 'fleet of 3 × 4'] as const) {
    const servers = await Promise.all(
      Array.from({ length: mode === 'fleet of 3 × 4' ? 3 : 1 }, (_, seed) => startMockLlmServer({ latencyMs, seed })),
    );
    const fleet =
      mode === 'fleet of 3 × 4'
        ? createLlmFleet({
            endpoints: servers.map((server, i) => ({
              id: `e${i}`,
              url: server.url,
              healthUrl: server.healthUrl,
              concurrency: 4,
            })),
            heartbeatIntervalMs: 500,
          })
        : undefined;
    const client = fleet ?? httpLlmClient({ url: servers[0]!.url });
    const batcher = createBatcher({ source: memoryTaskSource(tasks), client, concurrency });
    const job = await batcher.createJob({ taskIds: tasks.map((task) => task.id) });
    if (fleet) await new Promise((resolve) => setTimeout(resolve, 100)); // first health checks
    const start = performance.now();
    const report = await batcher.runJob(job.id);
    const ms = performance.now() - start;
    rows.push(
      `  ${mode.padEnd(18)}  ${String(Math.round(ms)).padStart(6)} ms  ${(ms / ideal).toFixed(2)}× ideal  (${report.succeeded} succeeded)`,
    );
    await fleet?.close();
    for (const server of servers) server.kill();
  }
  console.log(
    `\nMakespan of a ${taskCount}-task job, ${latencyMs} ms latency, 12 requests in flight; ideal ${ideal} ms`,
  );
  for (const row of rows) console.log(row);
}

export async function main({ quick }: { quick: boolean }): Promise<void> {
  await overhead(quick);
  await httpOverhead(quick);
  await makespan(quick);
}
