import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connectMongoTest, mongoSkipReason, mongoTestUri } from '@x/checks/mongo-test';
import { type MockLlmServer, startMockLlmServer } from '@x/llm-batcher/testing';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, runX } from './run-x.js';

// `x batch` end to end: child processes running the built binary against a MongoDB server over the
// wire (under `pnpm check`, the FerretDB test server) and a mock LLM endpoint.
const mongo = mongoTestUri ? await connectMongoTest((uri) => new MongoClient(uri).connect()) : undefined;

interface ResultLine {
  taskId: string;
  status: string;
  attempts: number;
  errors: unknown[];
  output?: unknown;
}

const parseLines = (stdout: string): ResultLine[] =>
  stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ResultLine);

const until = async (check: () => Promise<boolean>, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

if (mongo)
  describe(`x batch end to end over the wire (${mongo.flavor.version})`, () => {
    const dbName = `x_batch_e2e_${randomBytes(4).toString('hex')}`;
    const db = mongo.client.db(dbName);
    let llm: MockLlmServer;
    const common = (collection = 'tasks') => ['--mongo-uri', mongo.uri, '--db', dbName, '--collection', collection];

    beforeAll(async () => {
      // importing the tasks: one document per task, the _id is the task id, the rest the payload
      await db.collection<{ _id: string }>('tasks').insertMany(
        Array.from({ length: 45 }, (_, i) => ({
          _id: `review-${String(i).padStart(2, '0')}`,
          kind: i < 35 ? 'review' : 'other',
          text: `review text ${i}`,
        })),
      );
      llm = await startMockLlmServer({ latencyMs: 5 });
    });

    afterAll(async () => {
      await llm?.close();
      await db.dropDatabase();
      await mongo.client.close();
    });

    it('create → run → status → results as JSON lines; a second run of the finished job sends nothing', async () => {
      const created = await runX([
        'batch',
        'create',
        ...common(),
        '--filter',
        '{"kind":"review"}',
        '--name',
        'reviews',
      ]);
      expect(created.code, created.stderr).toBe(0);
      const jobId = created.stdout.trim();
      expect(jobId).toMatch(/\S/);

      const run = await runX(['batch', 'run', jobId, ...common(), '--llm-url', llm.url, '--concurrency', '2']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('35/35');
      expect(llm.stats().requests).toBe(4);

      const status = await runX(['batch', 'status', jobId, ...common(), '--json']);
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({
        id: jobId,
        name: 'reviews',
        state: 'completed',
        total: 35,
        succeeded: 35,
        failed: 0,
        pending: 0,
      });

      const results = await runX(['batch', 'results', jobId, ...common()]);
      expect(results.code, results.stderr).toBe(0);
      const lines = parseLines(results.stdout);
      expect(lines.map((line) => line.taskId)).toEqual(
        Array.from({ length: 35 }, (_, i) => `review-${String(i).padStart(2, '0')}`),
      );
      expect(lines[7]).toEqual({
        taskId: 'review-07',
        status: 'succeeded',
        attempts: 1,
        errors: [],
        output: { echo: { kind: 'review', text: 'review text 7' } },
      });

      const again = await runX(['batch', 'run', jobId, ...common(), '--llm-url', llm.url]);
      expect(again.code, again.stderr).toBe(0);
      expect(llm.stats().requests).toBe(4);
      const after = await runX(['batch', 'status', jobId, ...common(), '--json']);
      expect(JSON.parse(after.stdout)).toMatchObject({ state: 'completed', succeeded: 35 });
    }, 60_000);

    it('cancel on a second job: it ends cancelled, run sends nothing for it, its results say cancelled', async () => {
      const created = await runX(['batch', 'create', ...common(), '--task-ids', 'review-40,review-41,review-42']);
      expect(created.code, created.stderr).toBe(0);
      const jobId = created.stdout.trim();
      const cancelled = await runX(['batch', 'cancel', jobId, ...common(), '--json']);
      expect(cancelled.code, cancelled.stderr).toBe(0);
      expect(JSON.parse(cancelled.stdout)).toMatchObject({ id: jobId, state: 'cancelled', cancelled: 3 });

      const requests = llm.stats().requests;
      const run = await runX(['batch', 'run', jobId, ...common(), '--llm-url', llm.url]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('cancelled');
      expect(llm.stats().requests).toBe(requests);

      const results = parseLines((await runX(['batch', 'results', jobId, ...common()])).stdout);
      expect(results.map((line) => [line.taskId, line.status])).toEqual([
        ['review-40', 'cancelled'],
        ['review-41', 'cancelled'],
        ['review-42', 'cancelled'],
      ]);
    }, 60_000);

    // What this proves, and what it cannot on FerretDB: the two runners never work at the same time
    // (the second starts after the first is dead), so it shows lease takeover after a crash and
    // that no task is sent again, or written twice, once its result is stored. It does not show two
    // live runner processes racing for the same items: FerretDB's findAndModify reads and writes in
    // separate steps, atomic only among one connection's commands, so on FerretDB such a race could
    // lease one item twice. That race is covered in-process by the JobStore contract's
    // concurrent-claims test, and across processes only on a real MongoDB (MONGODB_URI).
    it('a runner killed with SIGKILL mid-job: a second runner finishes it, every result written exactly once', async () => {
      const total = 160;
      await db
        .collection<{ _id: string }>('kill_tasks')
        .insertMany(Array.from({ length: total }, (_, i) => ({ _id: `k${String(i).padStart(3, '0')}`, n: i })));
      // Each answer carries how many times the endpoint has answered for that task so far.
      const answers = new Map<string, number>();
      const killLlm = await startMockLlmServer({
        latencyMs: 40,
        respond: (task) => {
          const n = (answers.get(task.id) ?? 0) + 1;
          answers.set(task.id, n);
          return { answer: n };
        },
      });
      try {
        const created = await runX(['batch', 'create', ...common('kill_tasks'), '--filter', '{}']);
        expect(created.code, created.stderr).toBe(0);
        const jobId = created.stdout.trim();
        const runArgs = [
          'batch',
          'run',
          jobId,
          ...common('kill_tasks'),
          '--llm-url',
          killLlm.url,
          '--concurrency',
          '2',
          '--request-timeout-ms',
          '1000',
          '--lease-ms',
          '1500',
        ];
        const first = spawn(process.execPath, [cliPath, ...runArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
        const exited = new Promise<NodeJS.Signals | null>((resolve) =>
          first.once('exit', (_code, signal) => resolve(signal)),
        );
        const items = db.collection('llm_batcher_items');
        await until(async () => (await items.countDocuments({ jobId, state: 'succeeded' })) >= 40, 30_000);
        first.kill('SIGKILL');
        expect(await exited).toBe('SIGKILL');
        const atKill = await items.countDocuments({ jobId, state: 'succeeded' });
        expect(atKill).toBeLessThan(total);

        const second = await runX(runArgs, { timeoutMs: 60_000 });
        expect(second.code, second.stderr).toBe(0);
        const status = JSON.parse((await runX(['batch', 'status', jobId, ...common('kill_tasks'), '--json'])).stdout);
        expect(status).toMatchObject({ state: 'completed', total, succeeded: total, failed: 0 });

        const results = parseLines((await runX(['batch', 'results', jobId, ...common('kill_tasks')])).stdout);
        expect(results).toHaveLength(total);
        expect(new Set(results.map((line) => line.taskId)).size).toBe(total);
        expect(await items.countDocuments({ jobId })).toBe(total);
        for (const line of results) {
          expect(line).toMatchObject({ status: 'succeeded', attempts: 1, errors: [] });
          // The stored answer is the endpoint's last one for the task: no task was sent again after
          // its result was written (a second write would need a second claim of a finished item).
          expect(line.output, line.taskId).toEqual({ answer: answers.get(line.taskId) });
        }
        // Only tasks in flight at the kill (at most concurrency x batch size) were sent twice.
        const resent = [...answers.values()].filter((n) => n > 1).length;
        expect(resent).toBeLessThanOrEqual(2 * 10);
        expect(answers.size).toBe(total);
      } finally {
        await killLlm.close();
      }
    }, 120_000);
  });

// These need no server: the URI is refused before connecting, or nothing listens there.
describe('x batch: help, MongoDB URI and connection errors', () => {
  it('--help says how to get a MongoDB and shows the LLM endpoint request and response bodies', async () => {
    const help = await runX(['batch', '--help']);
    expect(help.code).toBe(0);
    for (const needle of [
      'docker run -p 27017:27017 mongo:7',
      'mongodb+srv://',
      'tools/mongo-test-server && go run .',
      'request   {"tasks": [{"id": "t1", "payload"',
      'response  {"results": [{"id": "t1", "output"',
      'http.createServer(',
    ]) {
      expect(help.stdout).toContain(needle);
    }
  });

  it('--lease-ms must exceed the request timeout (exit 2 naming it)', async () => {
    const run = await runX([
      'batch',
      'run',
      'job-1',
      '--mongo-uri',
      'mongodb://127.0.0.1:1',
      '--db',
      'app',
      '--collection',
      'tasks',
      '--llm-url',
      'http://127.0.0.1:9/',
      '--request-timeout-ms',
      '2000',
      '--lease-ms',
      '2000',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--lease-ms');
  });

  it('a --mongo-uri the driver cannot parse exits 2 naming --mongo-uri, password redacted', async () => {
    const run = await runX([
      'batch',
      'status',
      'job-1',
      '--db',
      'app',
      '--collection',
      'tasks',
      '--mongo-uri',
      'mongodb://ann:hunter2@127.0.0.1:27017/?maxPoolSize=lots',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--mongo-uri');
    expect(run.stderr).toContain('maxPoolSize');
    expect(run.stderr).toContain('mongodb://ann:***@127.0.0.1:27017/');
    expect(run.stderr).not.toContain('hunter2');
  });

  it('an unreachable MongoDB fails with exit 1, naming the URI tried (password redacted) and what to check', async () => {
    const run = await runX([
      'batch',
      'status',
      'job-1',
      '--db',
      'app',
      '--collection',
      'tasks',
      '--mongo-uri',
      'mongodb://ann:hunter2@127.0.0.1:1/',
      '--mongo-timeout-ms',
      '300',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('cannot connect to MongoDB at mongodb://ann:***@127.0.0.1:1/ within 300 ms');
    expect(run.stderr).toContain('Check that the server is running');
    expect(run.stderr).not.toContain('hunter2');
  });
});

// Without a server, one skipped test says why and how to run the suite.
if (!mongo) describe('x batch end to end over the wire', () => it.skip(mongoSkipReason, () => {}));
