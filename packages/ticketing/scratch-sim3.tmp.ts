import { MongoClient } from 'mongodb';
import { simulateFlashSale } from './src/index.js';
import { mongoStore } from './src/mongodb.js';

const [seats, buyers, seated] = process.argv.slice(2);
const client = await new MongoClient('mongodb://127.0.0.1:27100/?maxPoolSize=1').connect();
const db = client.db(`scratch3_${Date.now()}`);
const t = performance.now();
const report = await simulateFlashSale({
  capacity: Number(seats),
  buyers: Number(buyers),
  seated: seated === 'seated',
  seed: 11,
  perUserLimit: 4,
  fullCheckEvery: 1e9,
  store: mongoStore({ db }),
});
console.log(
  Math.round(performance.now() - t),
  'ms',
  report.invariants.final.ok,
  JSON.stringify(report.invariants.final.checks.filter((c) => !c.ok)),
  report.invariants.violations.slice(0, 3),
  'sold',
  report.sold,
  'avail',
  report.finalAvailable,
);
await db.dropDatabase();
await client.close();
