import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { connectMongoTest, mongoSkipReason, mongoTestUri } from '@x/checks/mongo-test';
import { type Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Clock, createBatcher, httpLlmClient, memoryTaskSource } from '../src/index.js';
import { mongoJobStore } from '../src/mongodb.js';
import { type MockLlmServer, startMockLlmServer } from '../src/testing.js';
import { makeTasks } from './counting-store.js';
import { until } from './until.js';

const mongo = mongoTestUri ? await connectMongoTest((uri) => new MongoClient(uri).connect()) : undefined;
const TOTAL = 120;

// The two runners never work at the same time (the second starts after the first is dead), so
// this holds on FerretDB too, whose findAndModify is not atomic across connections.
if (mongo)
  describe(`a runner process killed with SIGKILL (MongoDB store over the wire, ${mongo.flavor.version})`, () => {
    const dbName = `llm_batcher_kill_${randomUUID().slice(0, 8)}`;
    let db: Db;
    let server: MockLlmServer;
    beforeAll(async () => {
      db = mongo.client.db(dbName);
      server = await startMockLlmServer({ latencyMs: 20 });
    });
    afterAll(async () => {
      await server?.close();
      await db?.dropDatabase();
      await mongo.client.close();
    });

    it('leaves leases that a new runner takes over; every task ends succeeded exactly once', async () => {
      const tasks = makeTasks(TOTAL);
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
          mongo.uri,
          dbName,
          job.id,
          server.url,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await until(async () => (await batcher.getJob(job.id)).succeeded >= 30, 30_000);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const atKill = await batcher.getJob(job.id);
      expect(atKill.state).toBe('running');
      expect(atKill.succeeded).toBeLessThan(TOTAL);
      offset += 2001; // the dead process's leases expire
      const report = await batcher.runJob(job.id);
      expect(report).toMatchObject({ state: 'completed', total: TOTAL, succeeded: TOTAL, failed: 0, pending: 0 });
      expect(report.requests).toBeLessThanOrEqual(Math.ceil((TOTAL - atKill.succeeded) / 10) + 8);
      const ids = new Set<string>();
      for await (const result of batcher.results(job.id)) {
        expect(result.status).toBe('succeeded');
        ids.add(result.taskId);
      }
      expect(ids.size).toBe(TOTAL);
    }, 60_000);
  });

// Without a server, one skipped test says why and how to run the suite.
if (!mongo)
  describe('a runner process killed with SIGKILL (MongoDB store over the wire)', () =>
    it.skip(mongoSkipReason, () => {}));
