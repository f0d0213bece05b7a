/**
 * A 5000-task job against the mock LLM server (50 ms latency) with concurrency 16, vs a naive
 * p-limit loop over the same server. Reports makespan / ideal (ideal = ceil(n / (16 × 10)) × 50 ms)
 * and CPU time per task in this process (the server runs in a child process, so it is not counted).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import pLimit from 'p-limit';
import { createBatcher, httpLlmClient, type LlmClient, memoryJobStore, memoryTaskSource } from '../src/index.js';

interface Figures {
  name: string;
  makespanMs: number;
  cpuUsPerTask: number;
  succeeded: number;
}

async function startServerProcess(latencyMs: number): Promise<{ url: string; child: ChildProcess }> {
  const script = fileURLToPath(new URL('./mock-server-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify({ latencyMs })], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let buffer = '';
  child.stdout!.setEncoding('utf8');
  for await (const chunk of child.stdout!) {
    buffer += chunk as string;
    const newline = buffer.indexOf('\n');
    if (newline >= 0) {
      const { url } = JSON.parse(buffer.slice(0, newline)) as { url: string };
      return { url, child };
    }
  }
  throw new Error('mock server process exited before printing its url');
}

function makeTasks(n: number) {
  return Array.from({ length: n }, (_, i) => ({ id: `task-${i}`, payload: { n: i, prompt: `Summarise item ${i}` } }));
}

/** Wall time and CPU per task of `work`, which completes `n` tasks and says how many succeeded. */
async function measure(name: string, n: number, work: () => Promise<number>): Promise<Figures> {
  globalThis.gc?.();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const succeeded = await work();
  const makespanMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { name, makespanMs, cpuUsPerTask: (used.user + used.system) / n, succeeded };
}

/** A job of `n` tasks through the batcher with `client`, on the in-memory store. */
async function runBatcher(name: string, client: LlmClient, n: number, concurrency: number): Promise<Figures> {
  const tasks = makeTasks(n);
  const batcher = createBatcher({ source: memoryTaskSource(tasks), store: memoryJobStore(), client, concurrency });
  const job = await batcher.createJob({ taskIds: tasks.map((t) => t.id) });
  return measure(name, n, async () => (await batcher.runJob(job.id)).succeeded);
}

/** An in-process client that answers after `latencyMs`: the batcher's own CPU, without HTTP. */
function inProcessClient(latencyMs: number): LlmClient {
  return {
    complete: (batch) =>
      new Promise((resolve) =>
        setTimeout(
          () => resolve({ results: batch.map((task) => ({ id: task.id, output: { echo: task.payload } })) }),
          latencyMs,
        ),
      ),
  };
}

async function runNaive(url: string, n: number, concurrency: number): Promise<Figures> {
  const tasks = makeTasks(n);
  const limit = pLimit(concurrency);
  const batches: (typeof tasks)[] = [];
  for (let i = 0; i < tasks.length; i += 10) batches.push(tasks.slice(i, i + 10));
  return measure('naive p-limit loop (no retries, no store)', n, async () => {
    const outputs = await Promise.all(
      batches.map((batch) =>
        limit(async () => {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ tasks: batch }),
          });
          const body = (await response.json()) as { results: Array<{ id: string; output?: unknown }> };
          return body.results.filter((r) => r.output !== undefined).length;
        }),
      ),
    );
    return outputs.reduce((a, b) => a + b, 0);
  });
}

export async function main({ quick }: { quick: boolean }): Promise<void> {
  const n = quick ? 320 : 5000;
  const latencyMs = quick ? 10 : 50;
  const concurrency = 16;
  const rounds = quick ? 1 : 3;
  const { url, child } = await startServerProcess(latencyMs);
  try {
    // warm-up: JIT, sockets
    await runBatcher('warm-up', httpLlmClient({ url }), 320, concurrency);
    await runNaive(url, 320, concurrency);
    await runBatcher('warm-up', inProcessClient(latencyMs), 320, concurrency);
    const ideal = Math.ceil(n / (concurrency * 10)) * latencyMs;
    const best = new Map<string, Figures>();
    for (let round = 0; round < rounds; round++) {
      for (const figures of [
        await runBatcher('@x/llm-batcher', httpLlmClient({ url }), n, concurrency),
        await runNaive(url, n, concurrency),
        await runBatcher('@x/llm-batcher, in-process client (no HTTP)', inProcessClient(latencyMs), n, concurrency),
      ]) {
        const previous = best.get(figures.name);
        if (!previous || figures.makespanMs < previous.makespanMs) best.set(figures.name, figures);
      }
    }
    console.log(
      `${n} tasks, mock latency ${latencyMs} ms (server in a child process), concurrency ${concurrency}, batch 10; ideal makespan ${ideal} ms; best of ${rounds}`,
    );
    console.log('');
    console.log('| runner | makespan | measured / ideal | CPU per task | succeeded |');
    console.log('|---|---:|---:|---:|---:|');
    for (const figures of best.values()) {
      console.log(
        `| ${figures.name} | ${figures.makespanMs.toFixed(0)} ms | ${(figures.makespanMs / ideal).toFixed(3)} | ${figures.cpuUsPerTask.toFixed(1)} µs | ${figures.succeeded} |`,
      );
    }
    const ours = best.get('@x/llm-batcher')!;
    const naive = [...best.values()].find((f) => f.name.startsWith('naive'))!;
    const own = [...best.values()].find((f) => f.name.includes('in-process'))!;
    console.log('');
    console.log(
      `targets: measured/ideal ≤ 1.15 → ${(ours.makespanMs / ideal).toFixed(3)}; CPU per task < 50 µs → ${ours.cpuUsPerTask.toFixed(1)} µs with fetch, ${own.cpuUsPerTask.toFixed(1)} µs for the batcher alone (no HTTP)`,
    );
    console.log(
      `vs naive: makespan ×${(ours.makespanMs / naive.makespanMs).toFixed(3)}, CPU per task ×${(ours.cpuUsPerTask / naive.cpuUsPerTask).toFixed(2)}`,
    );
  } finally {
    child.stdin!.end();
    await once(child, 'exit');
  }
}
