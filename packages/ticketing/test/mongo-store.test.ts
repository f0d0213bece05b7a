import { randomBytes } from 'node:crypto';
import { type Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, mongoStore } from '../src/index.js';
import { fakeDb } from './fake-mongo.js';
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

// The adapter's own logic (compare-and-swap retries, journal draining, unique indexes, idempotent
// upserts) against an in-process fake of the driver calls it makes: runs everywhere, no server.
describeStoreContract('mongoStore on an in-process fake of the driver (not a MongoDB server)', () =>
  mongoStore({ db: fakeDb() }),
);

describe('mongoStore on the fake driver: concurrency and recovery', () => {
  it('two stores on one database (two app servers) never oversell, through compare-and-swap retries', async () => {
    const { createTicketing } = await import('../src/index.js');
    const db = fakeDb();
    const a = createTicketing({ store: mongoStore({ db }) });
    const b = createTicketing({ store: mongoStore({ db }) });
    await a.createEvent({ id: 'shared', name: 'Shared', capacity: 10, perUserLimit: 2 });
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).hold({ eventId: 'shared', userId: `u${i % 12}` })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    const report = await b.checkInvariants('shared');
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    const audit = await a.audit('shared');
    expect(audit.filter((e) => e.type === 'hold_created')).toHaveLength(10);
  });

  it('gives up with StoreContentionError after maxAttempts conflicting writes', async () => {
    const { createTicketing, StoreContentionError } = await import('../src/index.js');
    const db = fakeDb();
    const tix = createTicketing({ store: mongoStore({ db, maxAttempts: 1 }) });
    await tix.createEvent({ id: 'hot', name: 'Hot', capacity: 1_000 });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => tix.hold({ eventId: 'hot', userId: `u${i}` })),
    );
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed.length).toBeGreaterThan(0);
    for (const r of failed) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(StoreContentionError);
      expect((r as PromiseRejectedResult).reason.message).toBe(
        'Expected to update document `hot` atomically, got a conflicting write on each of 1 attempts',
      );
    }
    const report = await tix.checkInvariants('hot');
    expect(report.ok).toBe(true);
    expect((await tix.availability('hot')).held).toBe(20 - failed.length);
  });
});
