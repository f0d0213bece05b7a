import { randomBytes } from 'node:crypto';
import { connectMongoTest, mongoSkipReason, mongoTestUri } from '@x/checks/mongo-test';
import { type Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe } from 'vitest';
import { memoryLedgerBackend } from '../src/memory-ledger-backend.js';
import { mongoLedgerBackend } from '../src/mongo-ledger-backend.js';
import type { LedgerBackend, LedgerHold, PartitionLedger } from '../src/partition-ledger.js';
import { fakeDb } from './fake-mongo.js';

/** A backend whose `failAt`-th call (counting from arming) throws, before or after it applies. */
export function crashingBackend(inner: LedgerBackend) {
  const plan = { armed: false, failAt: 0, mode: 'before' as 'before' | 'after', calls: 0 };
  const backend = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (!plan.armed) return value.apply(target, args);
        plan.calls++;
        const fail = plan.calls === plan.failAt;
        if (fail && plan.mode === 'before') throw new Error(`injected crash before ${String(property)}`);
        const result = await value.apply(target, args);
        if (fail) throw new Error(`injected crash after ${String(property)}`);
        return result;
      };
    },
  });
  return { backend, plan };
}

/** Every hold the test made, read back through the ledger (so due settlements finish first). */
export async function allHolds(ledger: PartitionLedger, ids: Iterable<string>, now: number): Promise<LedgerHold[]> {
  const out: LedgerHold[] = [];
  for (const id of ids) {
    const hold = await ledger.getHold(id, now);
    if (hold) out.push(hold);
  }
  return out;
}

/**
 * Runs `suite` on the memory backend, on the MongoDB backend over the fake driver, and over the
 * wire when MONGODB_URI is set (in a database of its own, dropped afterwards). `concurrency` is
 * larger on memory (cheap) than over a driver.
 */
export function describeOnLedgerBackends(
  suite: (name: string, makeBackend: () => LedgerBackend, concurrency: number) => void,
  dbPrefix: string,
): void {
  suite('the memory backend', () => memoryLedgerBackend(), 400);
  let fake = 0;
  suite('the MongoDB backend over the fake driver', () => mongoLedgerBackend(fakeDb(), `l${++fake}_`), 64);
  const uri = mongoTestUri;
  if (!uri) console.warn(mongoSkipReason);
  describe.skipIf(!uri)('over the wire (MONGODB_URI set)', () => {
    let client: MongoClient;
    let db: Db;
    const dbName = `${dbPrefix}${randomBytes(6).toString('hex')}`;
    let n = 0;
    beforeAll(async () => {
      ({ client } = await connectMongoTest((u) => new MongoClient(u).connect()));
      db = client.db(dbName);
    });
    afterAll(async () => {
      await db?.dropDatabase();
      await client?.close();
    });
    // On FerretDB one connection (maxPoolSize 1): its findAndModify/update is not atomic across connections.
    suite(
      'the MongoDB backend over the wire (one connection on FerretDB)',
      () => mongoLedgerBackend(db, `w${++n}_`),
      64,
    );
  });
}
