import { randomBytes } from 'node:crypto';
import { connectMongoTest, mongoSkipReason, mongoTestUri } from '@x/checks/mongo-test';
import { type MockLlmServer, startMockLlmServer } from '@x/llm-batcher/testing';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runX } from './run-x.js';

const mongo = mongoTestUri ? await connectMongoTest((uri) => new MongoClient(uri).connect()) : undefined;

/** The whole `x batch` life cycle against a MongoDB server over the wire and two mock LLM endpoints (a fleet). */
if (mongo)
  describe(`x batch with a fleet, over the wire (${mongo.flavor.version})`, () => {
    const dbName = `x_platform_test_${randomBytes(4).toString('hex')}`;
    const client = mongo.client;
    let servers: MockLlmServer[] = [];
    const common = () => ['--mongo-uri', mongo.uri, '--db', dbName, '--collection', 'tasks'];

    beforeAll(async () => {
      const tasks = Array.from({ length: 300 }, (_, i) => ({
        _id: `task-${String(i).padStart(3, '0')}`,
        kind: i % 3 === 0 ? 'a' : 'b',
        text: `item ${i}`,
      }));
      await client.db(dbName).collection<{ _id: string }>('tasks').insertMany(tasks);
      servers = [
        await startMockLlmServer({ latencyMs: 5, seed: 1 }),
        await startMockLlmServer({ latencyMs: 5, seed: 2 }),
      ];
    });

    afterAll(async () => {
      for (const server of servers) server.kill();
      await client.db(dbName).dropDatabase();
      await client.close();
    });

    it('create → run (fleet of two endpoints) → status → results, exactly one result per task', async () => {
      const created = await runX(['batch', 'create', ...common(), '--filter', '{"kind":"a"}', '--name', 'kind-a']);
      expect(created.code, created.stderr).toBe(0);
      const jobId = created.stdout.trim();
      expect(jobId).not.toBe('');

      const run = await runX([
        'batch',
        'run',
        jobId,
        ...common(),
        ...servers.flatMap((s) => ['--llm-url', s.url]),
        '--concurrency',
        '4',
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('progress 100/100 (100%)');

      const status = await runX(['batch', 'status', jobId, ...common(), '--json']);
      expect(JSON.parse(status.stdout)).toMatchObject({
        id: jobId,
        state: 'completed',
        total: 100,
        succeeded: 100,
        failed: 0,
      });

      const results = await runX(['batch', 'results', jobId, ...common()]);
      const lines = results.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { taskId: string; status: string });
      expect(lines).toHaveLength(100);
      expect(new Set(lines.map((line) => line.taskId)).size).toBe(100);
      expect(lines.every((line) => line.status === 'succeeded')).toBe(true);
    });

    it('create with --task-ids and an idempotency key returns the same job twice; cancel keeps it cancelled', async () => {
      const args = ['batch', 'create', ...common(), '--task-ids', 'task-001,task-002', '--idempotency-key', 'k1'];
      const first = await runX(args);
      const second = await runX(args);
      expect(first.code, first.stderr).toBe(0);
      expect(second.stdout).toBe(first.stdout);
      const jobId = first.stdout.trim();
      const cancelled = await runX(['batch', 'cancel', jobId, ...common(), '--json']);
      expect(cancelled.code, cancelled.stderr).toBe(0);
      expect(JSON.parse(cancelled.stdout).state).toMatch(/^cancel/);
    });

    it('an unknown task id fails with exit 1 naming it', async () => {
      const run = await runX(['batch', 'create', ...common(), '--task-ids', 'task-001,nope-9']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('nope-9');
    });
  });

// Without a server, one skipped test says why and how to run the suite.
if (!mongo) describe('x batch with a fleet, over the wire', () => it.skip(mongoSkipReason, () => {}));
