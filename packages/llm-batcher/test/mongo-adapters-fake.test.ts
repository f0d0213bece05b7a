import { describe, expect, it } from 'vitest';
import { createBatcher, type LlmClient, LlmHttpError, memoryTaskSource } from '../src/index.js';
import { mongoJobStore, mongoTaskSource } from '../src/mongodb.js';
import { countingStore, makeTasks } from './counting-store.js';
import { FakeDb } from './fake-mongo.js';
import { storeContract } from './store-contract.js';
import { until } from './until.js';

// The MongoDB adapters' logic, run against an in-process fake of the driver's API (see
// fake-mongo.ts). The real-server suite is mongo-job-store.test.ts (MONGODB_URI).
describe('mongoJobStore against a fake driver: JobStore contract', () => {
  storeContract(() => mongoJobStore({ db: new FakeDb() as never }));

  it('creates its indexes: unique (jobId, taskId), unique dedupeKey (no partial index)', async () => {
    const db = new FakeDb();
    const store = mongoJobStore({ db: db as never, jobsCollection: 'j', itemsCollection: 'i' });
    await store.createJob({ id: 'x', createdAt: 0, tasks: [{ id: 'a', payload: 1 }] });
    expect(db.collection('i').indexes).toContainEqual({ keys: ['jobId', 'taskId'], unique: true });
    expect(db.collection('j').indexes).toEqual([{ keys: ['dedupeKey'], unique: true }]);
  });

  it('a createJob that loses the idempotency-key race deletes its items and returns the winner', async () => {
    const db = new FakeDb();
    const store = mongoJobStore({ db: db as never });
    const [a, b] = await Promise.all([
      store.createJob({ id: 'a', idempotencyKey: 'k', createdAt: 0, tasks: [{ id: 't', payload: 1 }] }),
      store.createJob({ id: 'b', idempotencyKey: 'k', createdAt: 0, tasks: [{ id: 't', payload: 2 }] }),
    ]);
    expect(a.job.id).toBe(b.job.id);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(db.collection('llm_batcher_items').docs).toHaveLength(1);
  });
});

describe('mongoTaskSource against a fake driver', () => {
  it('finds by ids and by filter; id = String(_id), payload = document without _id', async () => {
    const db = new FakeDb();
    const collection = db.collection('tasks');
    for (let i = 0; i < 5; i++) await collection.insertOne({ _id: `d${i}`, lang: i % 2 ? 'fr' : 'en', text: `#${i}` });
    const source = mongoTaskSource({ collection: collection as never });
    expect(await source.findByIds(['d1', 'nope'])).toEqual([{ id: 'd1', payload: { lang: 'fr', text: '#1' } }]);
    expect((await source.findByFilter({ lang: 'en' }, 2)).map((t) => t.id)).toEqual(['d0', 'd2']);
    const mapped = mongoTaskSource({
      collection: collection as never,
      toDocumentId: (id) => `d${id}`,
      toPayload: (doc) => doc.text,
    });
    expect(await mapped.findByIds(['3'])).toEqual([{ id: 'd3', payload: '#3' }]);
  });

  it('drives a whole job with the Mongo store and source', async () => {
    const db = new FakeDb();
    const collection = db.collection('tasks');
    for (let i = 0; i < 35; i++) await collection.insertOne({ _id: `d${i}`, n: i });
    const client: LlmClient = {
      async complete(batch) {
        return { results: batch.map((t) => ({ id: t.id, output: (t.payload as { n: number }).n * 2 })) };
      },
    };
    const batcher = createBatcher({
      source: mongoTaskSource({ collection: collection as never }),
      store: mongoJobStore({ db: db as never }),
      client,
    });
    const job = await batcher.createJob({ filter: {}, idempotencyKey: 'all' });
    expect((await batcher.createJob({ filter: {}, idempotencyKey: 'all' })).id).toBe(job.id);
    const report = await batcher.runJob(job.id);
    expect(report).toMatchObject({ state: 'completed', succeeded: 35, requests: 4 });
    const outputs: unknown[] = [];
    for await (const r of batcher.results(job.id)) outputs.push(r.output);
    // a filter lists documents in _id order (strings here: d0, d1, d10, …)
    const ids = Array.from({ length: 35 }, (_, i) => `d${i}`).sort();
    expect(outputs).toEqual(ids.map((id) => Number(id.slice(1)) * 2));
  });
});

describe('runners on the Mongo store (fake driver)', () => {
  it('three runners, faults and a frozen runner: every task written exactly once', async () => {
    const db = new FakeDb();
    const store = countingStore(mongoJobStore({ db: db as never }));
    const tasks = makeTasks(300, 'f-');
    const source = memoryTaskSource(tasks);
    let calls = 0;
    const flaky: LlmClient = {
      async complete(batch) {
        calls++;
        if (calls % 7 === 0) throw new LlmHttpError(503, 'busy');
        return {
          results: batch.filter((_task, i) => (calls + i) % 11 !== 0).map((t) => ({ id: t.id, output: t.id })),
        };
      },
    };
    let offset = 0;
    const clock = { now: () => Date.now() + offset };
    const frozen = createBatcher({
      source,
      store,
      clock,
      client: { complete: () => new Promise(() => {}) },
      concurrency: 2,
      leaseMs: 60_000,
      requestTimeoutMs: 30_000,
      pollIntervalMs: 10,
    });
    const job = await frozen.createJob({ taskIds: tasks.map((t) => t.id) });
    const stop = new AbortController();
    const abandoned = frozen.runJob(job.id, { signal: stop.signal });
    await until(async () => (await store.countItems(job.id)).leased === 20);
    const make = () =>
      createBatcher({
        source,
        store,
        clock,
        client: flaky,
        concurrency: 2,
        retry: { maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 5 },
        leaseMs: 60_000,
        requestTimeoutMs: 30_000,
        pollIntervalMs: 10,
      });
    const runs = [make().runJob(job.id), make().runJob(job.id), make().runJob(job.id)];
    await until(async () => (await store.countItems(job.id)).succeeded === 280);
    offset += 60_001;
    for (const report of await Promise.all(runs)) expect(report).toMatchObject({ state: 'completed', succeeded: 300 });
    stop.abort();
    expect((await abandoned).staleWrites).toBe(20);
    expect(store.succeededWrites.size).toBe(300);
    expect([...store.succeededWrites.values()].every((n) => n === 1)).toBe(true);
  }, 30_000);
});
