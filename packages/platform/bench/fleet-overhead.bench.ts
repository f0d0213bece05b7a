/**
 * What the fleet costs: (1) CPU per batch request of going through `createLlmFleet` (one
 * `LoadBalancer.submit` and the error mapping) against calling an in-process client directly;
 * (2) the makespan of a job over real HTTP to mock LLM servers: one endpoint with all the
 * concurrency, against a fleet of three endpoints sharing it, against the ideal.
 */
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
  await makespan(quick);
}
