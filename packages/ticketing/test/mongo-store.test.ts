import { randomBytes } from 'node:crypto';
import { type Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, mongoStore } from '../src/index.js';
import { describeStoreContract } from './store-contract.js';

const uri = process.env.MONGODB_URI;
if (!uri) console.warn('MONGODB_URI not set: skipping MongoDB contract suite');

describe.skipIf(!uri)('MongoDB (MONGODB_URI set)', () => {
  let client: MongoClient;
  let db: Db;
  const dbName = `x_ticketing_test_${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    client = await new MongoClient(uri!).connect();
    db = client.db(dbName);
  });

  afterAll(async () => {
    await db?.dropDatabase();
    await client?.close();
  });

  let n = 0;
  // A fresh collection prefix per test keeps tests independent inside one database.
  describeStoreContract('mongoStore', () => mongoStore({ db, collectionPrefix: `t${++n}_` }));

  it('two stores on one database (two app servers) never oversell', async () => {
    const { createTicketing } = await import('../src/index.js');
    const a = createTicketing({ store: mongoStore({ db, collectionPrefix: 'shared_' }) });
    const b = createTicketing({ store: mongoStore({ db, collectionPrefix: 'shared_' }) });
    await a.createEvent({ id: 'shared', name: 'Shared', capacity: 10 });
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).hold({ eventId: 'shared', userId: `u${i}` })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    expect((await b.checkInvariants('shared')).ok).toBe(true);
  });
});

describe(
  uri ? 'mongoStore arguments' : 'MONGODB_URI not set: skipping MongoDB contract suite (argument checks still run)',
  () => {
    it('rejects a missing db with a clear message', () => {
      expect(() => mongoStore({} as never)).toThrow(InvalidArgumentError);
      expect(() => mongoStore({} as never)).toThrow(
        'Expected `db` to be a mongodb Db (client.db(name)), got `undefined`',
      );
    });
  },
);
