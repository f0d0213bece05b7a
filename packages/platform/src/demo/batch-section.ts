import { createBatcher, memoryJobStore, memoryTaskSource } from '@x/llm-batcher';
import { type MockLlmServer, startMockLlmServer } from '@x/llm-batcher/testing';
import { runJobWithProgress } from '../batch-job-run.js';
import type { CliContext } from '../cli-context.js';
import { countResultWrites, type ResultWriteCounts } from '../counting-job-store.js';
import { logFleetEvents } from '../endpoint-event-log.js';
import type { EndpointStateEvent } from '../fleet-events.js';
import { createLlmFleet } from '../llm-fleet.js';
import { formatDuration } from '../progress-display.js';
import { renderTable } from '../report-table.js';
import { check, type DemoSection, type DemoSectionResult } from './demo-section.js';

const taskCount = 5000;
const batchSize = 10;
const perEndpoint = 4;
const latencyMs = 40;
const jitterMs = 10;
/** 429 and failover lines printed per endpoint before the rest are only counted. */
const shownLinesPerEndpoint = 4;

/**
 * A 5000-task job through a fleet of three mock LLM endpoints on 127.0.0.1: `steady`, `flaky`
 * (429s from a rate limit, and 500s) and `doomed` (killed when the job is half done).
 */
export const batchSection: DemoSection = {
  title: 'LLM batch job through a fleet (@x/llm-batcher + @x/load-balancer)',
  async run(context: CliContext): Promise<DemoSectionResult> {
    const servers: MockLlmServer[] = [];
    const names = ['steady', 'flaky', 'doomed'];
    try {
      servers.push(await startMockLlmServer({ latencyMs, jitterMs, seed: 1 }));
      servers.push(
        await startMockLlmServer({
          latencyMs,
          jitterMs,
          seed: 2,
          failureRate: 0.05,
          rateLimit: { requests: 5, windowMs: 1000 },
        }),
      );
      servers.push(await startMockLlmServer({ latencyMs, jitterMs, seed: 3 }));
      const fleet = createLlmFleet({
        endpoints: servers.map((server, index) => ({
          id: names[index]!,
          url: server.url,
          healthUrl: server.healthUrl,
          concurrency: perEndpoint,
        })),
        // Fast health checks so the demo shows state changes within seconds; generous timeouts so a
        // loaded machine (CI runs other suites alongside) does not mistake slowness for death.
        heartbeatIntervalMs: 250,
        heartbeatTimeoutMs: 2_000,
        healthCheckTimeoutMs: 1_000,
        requestTimeoutMs: 3_000,
      });
      const start = performance.now();
      const changes: EndpointStateEvent[] = [];
      fleet.on('endpoint-state', (event) => changes.push(event));
      const tasks = Array.from({ length: taskCount }, (_, i) => ({
        id: `review-${String(i).padStart(4, '0')}`,
        payload: { text: `Customer review #${i}`, task: 'sentiment' },
      }));
      const writes: ResultWriteCounts = new Map();
      const batcher = createBatcher({
        source: memoryTaskSource(tasks),
        store: countResultWrites(memoryJobStore(), writes),
        client: fleet,
        batchSize,
        concurrency: perEndpoint * servers.length,
        retry: { maxAttempts: 10, baseDelayMs: 20, maxDelayMs: 500 },
        requestTimeoutMs: 10_000,
      });
      const job = await batcher.createJob({ taskIds: tasks.map((task) => task.id), name: 'demo-sentiment' });
      context.out(
        `  job ${job.id}: ${taskCount} tasks, ${batchSize} per request, through ${servers.length} endpoints × ${perEndpoint} concurrent requests`,
      );
      context.out(`  endpoints: ${servers.map((server, index) => `${names[index]} ${server.url}`).join(', ')}`);
      context.out('  flaky answers 429 beyond 5 requests/s and 500 to 5% of requests; doomed is killed at 50%');
      let killedAt: number | undefined;
      const report = await runJobWithProgress({
        batcher,
        jobId: job.id,
        context,
        label: '  ',
        attach: (display) =>
          logFleetEvents(fleet, (line) => display.log(line), {
            maxLinesPerEndpoint: shownLinesPerEndpoint,
            startedAt: start,
            indent: '  ',
          }),
        onProgress: (progress) => {
          if (killedAt === undefined && progress.succeeded + progress.failed >= taskCount / 2) {
            killedAt = performance.now() - start;
            servers[2]!.kill();
          }
        },
      });
      const stats = fleet.stats();
      await fleet.close();
      let results = 0;
      const resultIds = new Set<string>();
      for await (const result of batcher.results(job.id)) {
        results++;
        resultIds.add(result.taskId);
      }
      const rounds = Math.ceil(taskCount / (batchSize * perEndpoint * servers.length));
      const idealMs = rounds * (latencyMs + jitterMs / 2);
      const writtenTwice = [...writes.values()].filter((count) => count > 1).length;
      const serverStats = servers.map((server) => server.stats());
      const doomed = stats.endpoints.find((endpoint) => endpoint.id === 'doomed');
      const doomedDown = changes.some((event) => event.endpointId === 'doomed' && event.to === 'unreachable');
      const flaky = stats.endpoints.find((endpoint) => endpoint.id === 'flaky');
      const duringRetryAfter = stats.endpoints.reduce((sum, endpoint) => sum + endpoint.requestsDuringRetryAfter, 0);

      context.out();
      const rows = stats.endpoints.map((endpoint, index) => [
        endpoint.id,
        endpoint.state,
        String(endpoint.requests),
        String(endpoint.completed),
        String(endpoint.rateLimited),
        String(endpoint.failures),
        `${Math.max(endpoint.maxInFlight, serverStats[index]!.maxInFlight)}/${endpoint.concurrency}`,
      ]);
      for (const line of renderTable(
        ['endpoint', 'state', 'requests', 'answered', '429s', 'failures', 'peak in flight'],
        rows,
      )) {
        context.out(`  ${line}`);
      }
      context.out();
      context.out(
        `  ${report.state}: ${report.succeeded} succeeded, ${report.failed} failed, ${report.attempts - report.succeeded - report.failed} batcher retries, ` +
          `${stats.failovers} failovers, ${stats.rateLimited} answers 429, ${stats.stateChanges} endpoint state changes`,
      );
      context.out(
        `  makespan ${formatDuration(report.durationMs)} vs ideal ${formatDuration(idealMs)} on the full fleet ` +
          `(${(report.durationMs / idealMs).toFixed(2)}×; one endpoint died at ${formatDuration(killedAt)}, the flaky one cooled down after each 429)`,
      );
      context.out(
        `  result writes: ${[...writes.values()].reduce((a, b) => a + b, 0)} for ${writes.size} tasks; ${writtenTwice} tasks written twice`,
      );

      const capacityKept = stats.endpoints.every(
        (endpoint, index) =>
          endpoint.maxInFlight <= endpoint.concurrency && serverStats[index]!.maxInFlight <= endpoint.concurrency,
      );
      return {
        summary: `${report.succeeded}/${taskCount} succeeded, ${stats.failovers} failovers, ${stats.rateLimited}×429, ${formatDuration(report.durationMs)}`,
        checks: [
          check(
            `all ${taskCount} tasks succeeded`,
            report.succeeded === taskCount && report.failed === 0,
            `${report.succeeded} succeeded, ${report.failed} failed`,
          ),
          check(
            'every task result written exactly once (writes counted at the store)',
            writes.size === taskCount && writtenTwice === 0 && results === taskCount && resultIds.size === taskCount,
            `${writes.size} tasks written, ${writtenTwice} twice, ${results} results`,
          ),
          check('no endpoint ever had more requests in flight than its concurrency', capacityKept),
          check(
            'the killed endpoint went unreachable and its batches failed over',
            killedAt !== undefined && doomedDown && stats.failovers > 0 && (doomed?.state ?? '') === 'unreachable',
            `killed ${killedAt !== undefined}, unreachable seen ${doomedDown}, ${stats.failovers} failovers, now ${doomed?.state}`,
          ),
          check(
            'Retry-After respected: no request sent to an endpoint cooling down after a 429',
            (flaky?.rateLimited ?? 0) > 0 && duringRetryAfter === 0,
            `${flaky?.rateLimited ?? 0} answers 429 from flaky, ${duringRetryAfter} requests sent during a Retry-After`,
          ),
        ],
      };
    } finally {
      // Close gracefully, but do not wait for idle keep-alive connections to time out.
      await Promise.allSettled(
        servers.map((server) =>
          Promise.race([server.close(), new Promise<void>((resolve) => setTimeout(resolve, 300).unref())]).finally(() =>
            server.kill(),
          ),
        ),
      );
    }
  },
};
