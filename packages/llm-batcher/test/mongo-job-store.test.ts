import { randomUUID } from 'node:crypto';
import { type Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { mongoJobStore } from '../src/mongodb.js';
import { storeContract } from './store-contract.js';

const uri = process.env.MONGODB_URI;
if (!uri) console.warn('MONGODB_URI not set: skipping MongoDB contract suite (llm-batcher)');

describe.skipIf(!uri)('mongoJobStore: JobStore contract (MONGODB_URI)', () => {
  let client: MongoClient;
  let db: Db;
  let n = 0;
  beforeAll(async () => {
    client = await new MongoClient(uri!).connect();
    db = client.db(`llm_batcher_test_${randomUUID().slice(0, 8)}`);
  });
  afterAll(async () => {
    await db?.dropDatabase();
    await client?.close();
  });
  storeContract(() => {
    n++;
    return mongoJobStore({ db, jobsCollection: `jobs_${n}`, itemsCollection: `items_${n}` });
  });
});

describe.runIf(!uri)('mongoJobStore', () => {
  it.skip('MONGODB_URI not set: skipping MongoDB contract suite', () => {});
});
