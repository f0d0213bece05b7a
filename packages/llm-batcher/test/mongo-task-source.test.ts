import { randomUUID } from 'node:crypto';
import { connectMongoTest, mongoSkipReason, mongoTestUri, onFerretdb } from '@x/checks/mongo-test';
import { MongoClient, ObjectId } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { createBatcher, JobTooLargeError, type LlmClient, MAX_JOB_TASKS } from '../src/index.js';
import { mongoJobStore, mongoTaskSource } from '../src/mongodb.js';

// Over the wire: the MongoDB task source and a whole job through the real driver and server.
const mongo = mongoTestUri ? await connectMongoTest((uri) => new MongoClient(uri).connect()) : undefined;

const CANCEL_TASKS = mongo?.flavor.ferretdb ? 1200 : MAX_JOB_TASKS;

const echo: LlmClient = {
  async complete(tasks) {
    return { results: tasks.map((task) => ({ id: task.id, output: { echoed: task.payload } })) };
  },
};

if (mongo)
  describe(`mongoTaskSource and mongoJobStore over the wire (${mongo.flavor.version})`, () => {
    const db = mongo.client.db(`llm_batcher_source_${randomUUID().slice(0, 8)}`);
    afterAll(async () => {
      await db.dropDatabase();
      await mongo.client.close();
    });

    it('finds string ids and ObjectIds (toDocumentId), by id and by filter in _id order, payload without _id', async () => {
      const strings = db.collection<{ _id: string; lang: string; n: number }>('string_ids');
      await strings.insertMany(
        Array.from({ length: 7 }, (_, i) => ({ _id: `d${6 - i}`, lang: i % 2 ? 'fr' : 'en', n: 6 - i })),
      );
      const source = mongoTaskSource({ collection: strings as never });
      expect(await source.findByIds(['d1', 'nope'])).toEqual([{ id: 'd1', payload: { lang: 'fr', n: 1 } }]);
      expect((await source.findByFilter({ lang: 'en' }, 3)).map((task) => task.id)).toEqual(['d0', 'd2', 'd4']);
      expect(await source.findByFilter({ lang: 'de' }, 3)).toEqual([]);

      const objects = db.collection('object_ids');
      const ids = Array.from({ length: 3 }, () => new ObjectId());
      await objects.insertMany(ids.map((_id, i) => ({ _id, i })));
      const byObjectId = mongoTaskSource({ collection: objects, toDocumentId: (id) => new ObjectId(id) });
      const found = await byObjectId.findByIds([ids[2]!.toHexString(), ids[0]!.toHexString()]);
      expect(found.map((task) => task.id).sort()).toEqual([ids[0]!.toHexString(), ids[2]!.toHexString()].sort());
    });

    it('creates a job of 5000 tasks selected by a filter (items inserted in chunks); a 5001st match is refused', async () => {
      const tasks = db.collection<{ _id: string; kind: string; i: number }>('big');
      await tasks.insertMany(
        Array.from({ length: MAX_JOB_TASKS + 1 }, (_, i) => ({
          _id: `t${String(i).padStart(5, '0')}`,
          kind: i < MAX_JOB_TASKS ? 'in' : 'extra',
          i,
        })),
      );
      const batcher = createBatcher({
        source: mongoTaskSource({ collection: tasks as never }),
        store: mongoJobStore({ db, jobsCollection: 'big_jobs', itemsCollection: 'big_items' }),
        client: echo,
      });
      await expect(batcher.createJob({ filter: {} })).rejects.toBeInstanceOf(JobTooLargeError);
      const job = await batcher.createJob({ filter: { kind: 'in' } });
      expect(job).toMatchObject({ state: 'queued', total: MAX_JOB_TASKS, pending: MAX_JOB_TASKS });
      const items = db.collection('big_items');
      expect(await items.countDocuments({ jobId: job.id })).toBe(MAX_JOB_TASKS);
      expect(await items.findOne({ jobId: job.id, seq: MAX_JOB_TASKS - 1 })).toMatchObject({ taskId: 't04999' });
    }, 60_000);

    it(onFerretdb(
      mongo.flavor,
      `cancelling a job marks its ${CANCEL_TASKS} tasks cancelled in one updateMany; results come back in pages of 500, in order`,
      'its updateMany slows down quadratically (5000 documents took minutes), so the job has 1200 tasks, not 5000',
    ), async () => {
      const tasks = db.collection<{ _id: string }>('cancel_tasks');
      const ids = Array.from({ length: CANCEL_TASKS }, (_, i) => `c${String(i).padStart(4, '0')}`);
      await tasks.insertMany(ids.map((_id) => ({ _id })));
      const batcher = createBatcher({
        source: mongoTaskSource({ collection: tasks as never }),
        store: mongoJobStore({ db, jobsCollection: 'cancel_jobs', itemsCollection: 'cancel_items' }),
        client: echo,
      });
      const job = await batcher.createJob({ filter: {} });
      expect(await batcher.cancelJob(job.id)).toMatchObject({ state: 'cancelled', cancelled: CANCEL_TASKS });
      const seen: string[] = [];
      for await (const result of batcher.results(job.id)) {
        expect(result.status).toBe('cancelled');
        seen.push(result.taskId);
      }
      expect(seen).toEqual(ids);
    }, 60_000);

    it('two createJob calls racing with one idempotency key make one job; the loser leaves no items', async () => {
      const source = db.collection<{ _id: string }>('race_tasks');
      await source.insertMany([{ _id: 'a' }, { _id: 'b' }]);
      const make = () =>
        createBatcher({
          source: mongoTaskSource({ collection: source as never }),
          store: mongoJobStore({ db, jobsCollection: 'race_jobs', itemsCollection: 'race_items' }),
          client: echo,
        });
      const [one, two] = await Promise.all([
        make().createJob({ taskIds: ['a', 'b'], idempotencyKey: 'nightly' }),
        make().createJob({ taskIds: ['a'], idempotencyKey: 'nightly' }),
      ]);
      expect(one.id).toBe(two.id);
      expect(await db.collection('race_jobs').countDocuments()).toBe(1);
      expect(await db.collection('race_items').countDocuments()).toBe(one.total);
      expect(await db.collection('race_items').countDocuments({ jobId: { $ne: one.id } })).toBe(0);
    });

    it('runs a job end to end and reads every result back in task order', async () => {
      const source = db.collection<{ _id: string; text: string }>('e2e_tasks');
      await source.insertMany(
        Array.from({ length: 23 }, (_, i) => ({ _id: `e${String(i).padStart(2, '0')}`, text: `#${i}` })),
      );
      const batcher = createBatcher({
        source: mongoTaskSource({ collection: source as never }),
        store: mongoJobStore({ db, jobsCollection: 'e2e_jobs', itemsCollection: 'e2e_items' }),
        client: echo,
        concurrency: 3,
      });
      const job = await batcher.createJob({ filter: {} });
      const report = await batcher.runJob(job.id);
      expect(report).toMatchObject({ state: 'completed', total: 23, succeeded: 23, failed: 0, requests: 3 });
      const results = [];
      for await (const result of batcher.results(job.id)) results.push(result);
      expect(results.map((result) => result.taskId)).toEqual(
        Array.from({ length: 23 }, (_, i) => `e${String(i).padStart(2, '0')}`),
      );
      expect(results[5]).toMatchObject({ status: 'succeeded', output: { echoed: { text: '#5' } } });
    }, 30_000);
  });

// Without a server, one skipped test says why and how to run the suite.
if (!mongo) describe('mongoTaskSource over the wire', () => it.skip(mongoSkipReason, () => {}));
