import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { wireSale } from './bench/partition-ledger.bench.js';
import { mongoLedgerBackend } from './src/mongo-ledger-backend.js';

const client = await new MongoClient('mongodb://127.0.0.1:27099/', { maxPoolSize: 1 }).connect();
const db = client.db(`x_ticketing_bench_${randomBytes(4).toString('hex')}`);
try {
  await wireSale(mongoLedgerBackend(db, 'sale_'), 500, 2_500);
} finally {
  await db.dropDatabase();
  await client.close();
}
