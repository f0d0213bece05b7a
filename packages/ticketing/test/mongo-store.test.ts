import { randomBytes } from 'node:crypto';
import { connectMongoTest, mongoSkipReason, mongoTestUri } from '@x/checks/mongo-test';
import { type Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../src/index.js';
import { mongoStore } from '../src/mongodb.js';
import { fakeDb } from './fake-mongo.js';
import { describeStoreContract } from './store-contract.js';

const uri = mongoTestUri;
if (!uri) console.warn(mongoSkipReason);

describe.skipIf(!uri)('MongoDB (MONGODB_URI set)', () => {
  let client: MongoClient;
  let db: Db;
  const dbName = `x_ticketing_test_${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    // FerretDB 1.24 does not apply an update atomically against writers on other connections:
    // there, one connection (maxPoolSize 1) makes this process's concurrent writes take turns,
    // which is what a MongoDB server guarantees per document on any number of connections.
    ({ client } = await connectMongoTest((u) => new MongoClient(u).connect()));
    db = client.db(dbName);
  });

  afterAll(async () => {
    await db?.dropDatabase();
    await client?.close();
  });

  let n = 0;
  // A fresh collection prefix per test keeps tests independent inside one database.
  describeStoreContract('mongoStore', () => mongoStore({ db, collectionPrefix: `t${++n}_` }));

  it('two stores on one database (two app servers, one connection on FerretDB, whose updates are not atomic across connections) never oversell', async () => {
    const { createTicketing } = await import('../src/index.js');
    const a = createTicketing({ store: mongoStore({ db, collectionPrefix: 'shared_' }) });
    const b = createTicketing({ store: mongoStore({ db, collectionPrefix: 'shared_' }) });
    await a.createEvent({ id: 'shared', name: 'Shared', capacity: 10 });
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).hold({ eventId: 'shared', userId: `u${i}` })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    expect((await b.checkInvariants('shared')).ok).toBe(true);
  }, 60_000);
});

describe(
  uri ? 'mongoStore arguments' : 'MONGODB_URI not set: skipping MongoDB contract suite (argument checks still run)',
  () => {
    it('rejects a missing db with a clear message', () => {
      expect(() => mongoStore({} as never)).toThrow(InvalidArgumentError);
      expect(() => mongoStore({} as never)).toThrow(
        'Expected `db` to be a mongodb Db (client.db(name)), got `undefined` (undefined)',
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
  it('two stores on one database (two app servers) never oversell', async () => {
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

  it('two app servers, 300 buyers in waves of 50 concurrent with payments (some confirmed on both servers), returns and a waitlist', async () => {
    const { createTicketing, PerUserLimitError, SoldOutError } = await import('../src/index.js');
    const db = fakeDb();
    let now = 1_700_000_000_000;
    const clock = { now: () => now };
    const refunds: string[] = [];
    const offers: string[] = [];
    const kept: string[] = []; // orders issued and not returned
    let joined = 0;
    const servers = [0, 1].map(() =>
      createTicketing({
        store: mongoStore({ db }),
        clock,
        holdTtlMs: 60_000,
        offerTtlMs: 30_000,
        payments: { refund: async (paymentId) => void refunds.push(paymentId) },
        notifier: { notify: async (message) => void offers.push(message.offer.holdId) },
      }),
    );
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    await a.createEvent({
      id: 'gig',
      name: 'Gig',
      seats: Array.from({ length: 40 }, (_, i) => `S${i}`),
      perUserLimit: 2,
    });
    const buyer = async (i: number) => {
      const server = servers[i % 2]!;
      try {
        const hold = await server.hold({ eventId: 'gig', userId: `u${i % 250}`, quantity: 1 + (i % 2) });
        if (i % 5 === 0) return void (await server.releaseHold(hold.id));
        const confirm = (s: typeof server) => s.confirmPayment({ holdId: hold.id, paymentId: `p${i}`, amount: 10 });
        const [r1, r2] = await Promise.all([confirm(a), confirm(b)]); // the same webhook on both servers
        expect(r2).toEqual(r1);
        if (r1.outcome === 'issued' && i % 7 === 0) await servers[(i + 1) % 2]!.returnTickets({ orderId: r1.order.id });
        else if (r1.outcome === 'issued') kept.push(r1.order.id);
      } catch (error) {
        if (error instanceof PerUserLimitError) return;
        if (!(error instanceof SoldOutError)) throw error;
        if (i % 3 === 0)
          await server.joinWaitlist({ eventId: 'gig', userId: `u${i % 250}`, quantity: 1 }).then(
            () => void joined++,
            () => undefined,
          );
      }
    };
    // Waves of 50 concurrent buyers, as a waiting room would admit them.
    for (let wave = 0; wave < 6; wave++) await Promise.all(Array.from({ length: 50 }, (_, i) => buyer(wave * 50 + i)));
    const report = await a.checkInvariants('gig');
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    // Whether seats freed during the waves reached someone already waiting depends on the
    // interleaving, so free one now: with people waiting, the returned seats
    // must be offered to the line, not sold to the public.
    expect(joined).toBeGreaterThan(0);
    expect(kept.length).toBeGreaterThan(0);
    await b.returnTickets({ orderId: kept[0]! });
    // Offers were made for returned and released seats, to the waitlist, each delivered.
    // Nobody answers offers now: let everything expire until the line has moved to its end.
    for (let round = 0; round < 200; round++) {
      const live = await a.availability('gig');
      if (live.held + live.offered === 0) break;
      now += 60_000;
      await b.expireHolds();
    }
    await a.deliverNotifications();
    const settled = await b.checkInvariants('gig', { settled: true });
    expect(settled.checks.filter((c) => !c.ok)).toEqual([]);
    const availability = await a.availability('gig');
    expect(availability.available).toBe(40 - availability.sold);
    // Every refunded payment reached the provider; two servers deciding the same duplicate at the same
    // instant may both call it (at least once, idempotent on paymentId), never for an issued payment.
    const payments = await mongoStore({ db }).listPayments('gig');
    for (const p of payments) {
      expect(p.status === 'refunded').toBe(refunds.includes(p.paymentId));
      expect(['issued', 'refunded']).toContain(p.status);
    }
    expect(offers.length).toBeGreaterThan(0);
  }, 30_000);

  it('concurrent holds on different partitions all succeed at once (no compare-and-swap on a shared document)', async () => {
    const { createTicketing } = await import('../src/index.js');
    const db = fakeDb();
    const tix = createTicketing({ store: mongoStore({ db, partitionSize: 50 }) });
    await tix.createEvent({ id: 'hot', name: 'Hot', capacity: 1_000 });
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => tix.hold({ eventId: 'hot', userId: `u${i}`, quantity: 1 + (i % 4) })),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const report = await tix.checkInvariants('hot');
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect((await tix.availability('hot')).held).toBe(200 * 2.5);
  });

  it('rejects unknown and bad options, naming them', () => {
    const db = fakeDb();
    expect(() => mongoStore({ db, maxAttempts: 3 } as never)).toThrow(/maxAttempts/);
    expect(() => mongoStore({ db, partitionSize: 0 })).toThrow(InvalidArgumentError);
    expect(() => mongoStore({ db, partitionSize: 0 })).toThrow(/partitionSize/);
  });
});
