import { randomUUID } from 'node:crypto';
import { connectMongoTest, mongoSkipReason, mongoTestUri, onFerretdb } from '@x/checks/mongo-test';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { mongoJobStore } from '../src/mongodb.js';
import { storeContract } from './store-contract.js';

// Over the wire: the real driver against MONGODB_URI (`pnpm check` starts a FerretDB test server).
const mongo = mongoTestUri ? await connectMongoTest((uri) => new MongoClient(uri).connect()) : undefined;

if (mongo)
  describe(`mongoJobStore over the wire (${mongo.flavor.version}): JobStore contract`, () => {
    const db = mongo.client.db(`llm_batcher_test_${randomUUID().slice(0, 8)}`);
    let n = 0;
    afterAll(async () => {
      await db.dropDatabase();
      await mongo.client.close();
    });
    storeContract(
      () => {
        n++;
        return mongoJobStore({ db, jobsCollection: `jobs_${n}`, itemsCollection: `items_${n}` });
      },
      {
        concurrentClaimsTitle: (title) =>
          onFerretdb(
            mongo.flavor,
            title,
            "the claims share one connection (maxPoolSize=1): FerretDB's findAndModify is not atomic across connections",
          ),
      },
    );

    it('creates its indexes on the server: unique (jobId, taskId) and unique dedupeKey, no partial index', async () => {
      const store = mongoJobStore({ db, jobsCollection: 'idx_jobs', itemsCollection: 'idx_items' });
      await store.createJob({ id: 'a', createdAt: 0, tasks: [{ id: 't', payload: 1 }] });
      await store.createJob({ id: 'b', createdAt: 0, tasks: [{ id: 't', payload: 1 }] });
      const jobIndexes = await db.collection('idx_jobs').indexes();
      expect(jobIndexes.find((index) => index.name === 'dedupeKey_unique')).toMatchObject({
        key: { dedupeKey: 1 },
        unique: true,
      });
      const itemIndexes = await db.collection('idx_items').indexes();
      expect(itemIndexes.find((index) => index.name === 'jobId_taskId_unique')).toMatchObject({
        key: { jobId: 1, taskId: 1 },
        unique: true,
      });
      // two jobs without an idempotency key do not collide on the unique index
      expect(await db.collection('idx_jobs').countDocuments()).toBe(2);
    });
  });

// Without a server, one skipped test says why and how to run the suite.
if (!mongo) describe('mongoJobStore over the wire', () => it.skip(mongoSkipReason, () => {}));
