/**
 * What the fleet costs: (1) CPU per batch request of going through `createLlmFleet` (one
 * `LoadBalancer.submit` and the error mapping) against calling an in-process client directly;
 * (2) the same over real HTTP, against a mock server in another process (so only the client side's
 * CPU is measured): one `httpLlmClient` against a fleet of three endpoints with health checks on;
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

/** CPU (user + system) per request of `requests` batch requests, 48 in flight, in µs. */
async function cpuPerRequest(client: LlmClient, requests: number): Promise<number> {
  const start = process.cpuUsage();
  await drive(client, requests, 48);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / requests;
}

async function httpOverhead(quick: boolean): Promise<void> {
  const requests = quick ? 200 : 1_000;
  const rounds = quick ? 1 : 21;
  const server = await serverProcess({ latencyMs: 5 });
  const direct = httpLlmClient({ url: server.url });
  const fleet = createLlmFleet({
    endpoints: ['a', 'b', 'c'].map((id) => ({
      id,
      url: `${server.url}/${id}`,
      healthUrl: server.healthUrl,
      concurrency: 16,
    })),
    heartbeatIntervalMs: 1000,
  });
  await cpuPerRequest(direct, requests); // warm-up
  await cpuPerRequest(fleet, requests);
  const directRuns: number[] = [];
  const fleetRuns: number[] = [];
  for (let round = 0; round < rounds; round++) {
    directRuns.push(await cpuPerRequest(direct, requests));
    fleetRuns.push(await cpuPerRequest(fleet, requests));
  }
  await fleet.close();
  await server.stop();
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const quartiles = (values: number[]): [number, number] => {
    const sorted = [...values].sort((a, b) => a - b);
    return [sorted[Math.floor(sorted.length / 4)]!, sorted[Math.floor((sorted.length * 3) / 4)]!];
  };
  // paired rounds (direct, then fleet, back to back): the median of the per-round differences is
  // far less sensitive to a loaded machine than the difference of two medians
  const differences = directRuns.map((d, i) => fleetRuns[i]! - d);
  const [low, high] = quartiles(differences);
  console.log(
    `\nCPU per batch request over HTTP (${requests.toLocaleString('en-US')} requests of 10 tasks, 48 in flight, ${rounds} paired rounds; server in another process)`,
  );
  console.log(`  one httpLlmClient    ${median(directRuns).toFixed(1)} µs/request (median)`);
  console.log(`  fleet of 3 endpoints ${median(fleetRuns).toFixed(1)} µs/request (median)`);
  console.log(
    `  fleet − direct       +${median(differences).toFixed(1)} µs per request (median of paired rounds; quartiles ${low.toFixed(1)} … ${high.toFixed(1)})`,
  );
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
