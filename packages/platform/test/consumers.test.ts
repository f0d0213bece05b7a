import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// How the packages look to the people who install them: these tests run child processes against
// the built dists (`turbo run test` builds every package first), never against the sources.

const platformDir = fileURLToPath(new URL('..', import.meta.url));
const packagesDir = join(platformDir, '..');
const requireHere = createRequire(import.meta.url);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(file: string, args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Runs `script` as a CommonJS program (`node -e`) from packages/platform, where every @x package resolves. */
async function runCommonJs(script: string): Promise<unknown> {
  const result = await run(process.execPath, ['--input-type=commonjs', '-e', script], platformDir);
  if (result.code !== 0) throw new Error(`the CommonJS consumer exited with ${result.code}:\n${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** Every entry point of the family, with one export each must carry. */
const entryPoints = {
  '@x/clock': 'clockAngle',
  '@x/tree-lca': 'buildLcaIndex',
  '@x/load-balancer': 'LoadBalancer',
  '@x/load-balancer/testing': 'ManualClock',
  '@x/ticketing': 'createTicketing',
  '@x/ticketing/mongodb': 'mongoStore',
  '@x/llm-batcher': 'createBatcher',
  '@x/llm-batcher/mongodb': 'mongoJobStore',
  '@x/llm-batcher/testing': 'startMockLlmServer',
  '@x/platform': 'createLlmFleet',
} as const;

describe('a CommonJS consumer on Node >= 20.19', () => {
  it('can require() every package and subpath entry, and gets the very objects an ESM import gets', async () => {
    const report = (await runCommonJs(`
      (async () => {
        const report = {};
        for (const specifier of ${JSON.stringify(Object.keys(entryPoints))}) {
          const required = require(specifier);
          const imported = await import(specifier);
          const keys = Object.keys(imported).sort();
          report[specifier] = {
            keys,
            requiredKeys: Object.keys(required).filter((key) => key !== '__esModule').sort(),
            sameObjects: keys.filter((key) => required[key] === imported[key]).length,
          };
        }
        process.stdout.write(JSON.stringify(report));
      })();
    `)) as Record<string, { keys: string[]; requiredKeys: string[]; sameObjects: number }>;

    for (const [specifier, mustHave] of Object.entries(entryPoints)) {
      const entry = report[specifier];
      expect(entry?.keys, specifier).toContain(mustHave);
      expect(entry?.requiredKeys, specifier).toEqual(entry?.keys);
      // One build, one copy: require() and import() hand out the same classes and functions.
      expect(entry?.sameObjects, specifier).toBe(entry?.keys.length);
    }
  });

  it('errors required from CommonJS are recognised by packages imported as ESM, and the other way round', async () => {
    const report = await runCommonJs(`
      const { WorkerUnavailableError, QueueFullError, LoadBalancerError } = require('@x/load-balancer');
      const { LlmNetworkError, LlmHttpError } = require('@x/llm-batcher');
      const { FleetOptionsError, PlatformError } = require('@x/platform');
      const { TicketingError } = require('@x/ticketing');

      async function loadBalancer() {
        const { LoadBalancer } = await import('@x/load-balancer');
        const lb = new LoadBalancer({ strategy: 'round-robin', maxQueueSize: 1 });
        let brokenCalls = 0;
        lb.addWorker({ id: 'broken', capacity: 1, execute: async () => {
          brokenCalls++;
          throw new WorkerUnavailableError('model not loaded');
        } });
        lb.addWorker({ id: 'healthy', capacity: 1, execute: async (task) => task * 2 });
        const results = await Promise.all([lb.submit(1), lb.submit(2)]);
        // an error made by the ESM copy, caught with the CommonJS classes
        const full = new LoadBalancer({ maxQueueSize: 0 });
        const rejected = await full.submit(1).catch((e) => e);
        await lb.shutdown();
        await full.shutdown();
        const stats = lb.stats();
        return {
          results,
          brokenCalls,
          failovers: stats.failovers,
          healthyCompleted: lb.workers().find((w) => w.id === 'healthy')?.completed,
          brokenFailures: lb.workers().find((w) => w.id === 'broken')?.failures,
          queueFull: rejected instanceof QueueFullError && rejected instanceof LoadBalancerError,
        };
      }

      async function fleet() {
        const { createLlmFleet } = await import('@x/platform');
        const outcomes = { a: [new LlmNetworkError('ECONNREFUSED')], b: [] };
        const calls = { a: 0, b: 0 };
        const fleet = createLlmFleet({
          endpoints: [
            { id: 'a', url: 'http://127.0.0.1:9/a', concurrency: 1, healthUrl: false },
            { id: 'b', url: 'http://127.0.0.1:9/b', concurrency: 1, healthUrl: false },
          ],
          strategy: 'round-robin',
          clientFor: (endpoint) => ({
            async complete(tasks) {
              calls[endpoint.id]++;
              const outcome = outcomes[endpoint.id].shift();
              if (outcome) throw outcome;
              return { results: tasks.map((task) => ({ id: task.id, output: endpoint.id })) };
            },
          }),
        });
        const failovers = [];
        fleet.on('failover', (event) => failovers.push(event.kind));
        const response = await fleet.complete([{ id: 't1', payload: 1 }], { signal: AbortSignal.timeout(10_000) });
        let optionsError;
        try {
          createLlmFleet({ endpoints: [] });
        } catch (error) {
          optionsError = error instanceof FleetOptionsError && error instanceof PlatformError;
        }
        await fleet.close();
        return { outputs: response.results.map((r) => r.output), calls, failovers, optionsError };
      }

      async function ticketing() {
        const { createTicketing } = await import('@x/ticketing');
        const tix = createTicketing();
        const error = await tix.availability('no-such-event').catch((e) => e);
        return { ticketingError: error instanceof TicketingError, name: error.name };
      }

      (async () => {
        process.stdout.write(JSON.stringify({
          loadBalancer: await loadBalancer(),
          fleet: await fleet(),
          ticketing: await ticketing(),
          httpErrorIsNetworkError: new LlmHttpError(503, 'x') instanceof LlmNetworkError,
        }));
      })();
    `);

    expect(report).toEqual({
      loadBalancer: {
        // the WorkerUnavailableError from the CommonJS side made the ESM balancer fail the task over
        results: [2, 4],
        brokenCalls: expect.any(Number),
        failovers: expect.any(Number),
        healthyCompleted: 2,
        brokenFailures: expect.any(Number),
        queueFull: true,
      },
      fleet: { outputs: ['b'], calls: { a: 1, b: 1 }, failovers: ['failover'], optionsError: true },
      ticketing: { ticketingError: true, name: 'UnknownEventError' },
      httpErrorIsNetworkError: false,
    });
    const lb = (report as { loadBalancer: { brokenCalls: number; failovers: number; brokenFailures: number } })
      .loadBalancer;
    expect(lb.brokenCalls).toBeGreaterThanOrEqual(1);
    expect(lb.failovers).toBe(lb.brokenCalls);
    expect(lb.brokenFailures).toBe(lb.brokenCalls);
  });
});

describe('a TypeScript consumer with skipLibCheck: false and no mongodb installed', () => {
  const packages = ['clock', 'tree-lca', 'load-balancer', 'ticketing', 'llm-batcher', 'platform'];
  let consumerDir = '';
  const tsc = requireHere.resolve('typescript/bin/tsc');

  beforeAll(async () => {
    // A project that installed the packages as npm would (package.json and dist, no
    // devDependencies), @types/node, and nothing else: no mongodb anywhere up the tree.
    consumerDir = await mkdtemp(join(tmpdir(), 'x-ts-consumer-'));
    for (const name of packages) {
      const target = join(consumerDir, 'node_modules', '@x', name);
      await mkdir(target, { recursive: true });
      await cp(join(packagesDir, name, 'package.json'), join(target, 'package.json'));
      await cp(join(packagesDir, name, 'dist'), join(target, 'dist'), {
        recursive: true,
        filter: (source) => !source.endsWith('.map'),
      });
    }
    await mkdir(join(consumerDir, 'node_modules', '@types'), { recursive: true });
    const typesNode = await realpath(dirname(requireHere.resolve('@types/node/package.json')));
    await symlink(typesNode, join(consumerDir, 'node_modules', '@types', 'node'), 'dir');
    await writeFile(join(consumerDir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    const compilerOptions = {
      target: 'es2022',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      strict: true,
      skipLibCheck: false,
      noEmit: true,
      types: ['node'],
    };
    await writeFile(
      join(consumerDir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions, files: ['main.ts', 'main.cts'] }),
    );
    await writeFile(
      join(consumerDir, 'tsconfig.mongodb.json'),
      JSON.stringify({ compilerOptions, files: ['mongodb.ts'] }),
    );
    await writeFile(
      join(consumerDir, 'main.ts'),
      [
        `import { clockAngle } from '@x/clock';`,
        `import { buildLcaIndex } from '@x/tree-lca';`,
        `import { LoadBalancer, type LoadBalancerOptions } from '@x/load-balancer';`,
        `import { ManualClock } from '@x/load-balancer/testing';`,
        `import { createTicketing, type TicketingStore } from '@x/ticketing';`,
        `import { createBatcher, type JobStore } from '@x/llm-batcher';`,
        `import { startMockLlmServer } from '@x/llm-batcher/testing';`,
        `import { createLlmFleet, batcher, lb, ticketing } from '@x/platform';`,
        `const angle: number = clockAngle('3:45');`,
        `const index = buildLcaIndex({ r: ['a', 'b'] });`,
        `const options: LoadBalancerOptions = { clock: new ManualClock() };`,
        `const balancer: lb.LoadBalancer<number, number> = new LoadBalancer<number, number>(options);`,
        `const store: TicketingStore | undefined = undefined;`,
        `const jobs: JobStore | batcher.JobStore | undefined = undefined;`,
        `const tix: ticketing.Ticketing = createTicketing();`,
        `export { angle, index, balancer, store, jobs, tix, createBatcher, startMockLlmServer, createLlmFleet };`,
      ].join('\n'),
    );
    await writeFile(
      join(consumerDir, 'main.cts'),
      [
        `import clock = require('@x/clock');`,
        `import loadBalancer = require('@x/load-balancer');`,
        `import ticketing = require('@x/ticketing');`,
        `import llmBatcher = require('@x/llm-batcher');`,
        `import platform = require('@x/platform');`,
        `export const angle: number = clock.clockAngle('3:45');`,
        `export const error: loadBalancer.LoadBalancerError = new loadBalancer.WorkerUnavailableError('down');`,
        `export const tix: ticketing.Ticketing = ticketing.createTicketing();`,
        `export const retryable: boolean = llmBatcher.isRetryableStatus(503);`,
        `export const fleet: typeof platform.createLlmFleet = platform.createLlmFleet;`,
      ].join('\n'),
    );
    await writeFile(
      join(consumerDir, 'mongodb.ts'),
      `import { mongoStore } from '@x/ticketing/mongodb';\nexport { mongoStore };\n`,
    );
  });

  afterAll(async () => {
    if (consumerDir) await rm(consumerDir, { recursive: true, force: true });
  });

  it('compiles a consumer of every main and /testing entry (ESM and CommonJS) with zero errors', async () => {
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], consumerDir);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('(control) the /mongodb entry does need mongodb, so the consumer really has none', async () => {
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.mongodb.json'], consumerDir);
    expect(result.stdout).toContain("error TS2307: Cannot find module 'mongodb'");
    expect(result.code).not.toBe(0);
    const ticketingPackage = JSON.parse(
      await readFile(join(consumerDir, 'node_modules/@x/ticketing/package.json'), 'utf8'),
    );
    expect(Object.keys(ticketingPackage.exports)).toContain('./mongodb');
  });
});
