import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Clock, createBatcher, httpLlmClient, memoryTaskSource } from '../src/index.js';
import { mongoJobStore } from '../src/mongodb.js';
import { type MockLlmServer, startMockLlmServer } from '../src/testing.js';
import { makeTasks } from './counting-store.js';
import { until } from './until.js';

const uri = process.env.MONGODB_URI;
if (!uri) console.warn('MONGODB_URI not set: skipping the SIGKILL runner test on MongoDB (llm-batcher)');

describe.skipIf(!uri)('a runner process killed with SIGKILL (MongoDB store, MONGODB_URI)', () => {
  let client: MongoClient;
  let db: Db;
  let dbName: string;
  let server: MockLlmServer;
  beforeAll(async () => {
    client = await new MongoClient(uri!).connect();
    dbName = `llm_batcher_kill_${randomUUID().slice(0, 8)}`;
    db = client.db(dbName);
    server = await startMockLlmServer({ latencyMs: 20 });
  });
  afterAll(async () => {
    await server?.close();
    await db?.dropDatabase();
    await client?.close();
  });

  it('leaves leases that a new runner takes over; every task ends succeeded exactly once', async () => {
    const tasks = makeTasks(400);
    const store = mongoJobStore({ db });
    let offset = 0;
    const clock: Clock = { now: () => Date.now() + offset };
    const batcher = createBatcher({
      source: memoryTaskSource(tasks),
      store,
      client: httpLlmClient({ url: server.url }),
      concurrency: 4,
      requestTimeoutMs: 1000,
      leaseMs: 2000,
      pollIntervalMs: 50,
      clock,
    });
    const job = await batcher.createJob({ taskIds: tasks.map((t) => t.id) });
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('./fixtures/mongo-runner-child.ts', import.meta.url)),
        uri!,
        dbName,
        job.id,
        server.url,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await until(async () => (await batcher.getJob(job.id)).succeeded >= 80, 30_000);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const atKill = await batcher.getJob(job.id);
    expect(atKill.state).toBe('running');
    expect(atKill.succeeded).toBeLessThan(400);
    offset += 2001; // the dead process's leases expire
    const report = await batcher.runJob(job.id);
    expect(report).toMatchObject({ state: 'completed', total: 400, succeeded: 400, failed: 0, pending: 0 });
    expect(report.requests).toBeLessThanOrEqual(Math.ceil((400 - atKill.succeeded) / 10) + 8);
    const ids = new Set<string>();
    for await (const result of batcher.results(job.id)) {
      expect(result.status).toBe('succeeded');
      ids.add(result.taskId);
    }
    expect(ids.size).toBe(400);
  }, 60_000);
});

describe.runIf(!uri)('a runner process killed with SIGKILL', () => {
  it.skip('MONGODB_URI not set: skipping the SIGKILL runner test on MongoDB', () => {});
});
