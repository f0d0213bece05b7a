import { type CommandStartedEvent, MongoClient } from 'mongodb';
import { simulateFlashSale } from './src/index.js';
import { mongoStore } from './src/mongodb.js';

const [seats, buyers] = process.argv.slice(2).map(Number);
const client = await new MongoClient('mongodb://127.0.0.1:27100/?maxPoolSize=1', { monitorCommands: true }).connect();
const db = client.db(`scratch_${Date.now()}`);
let n = 0;
client.on('commandStarted', (_e: CommandStartedEvent) => {
  n++;
});
const t = performance.now();
const report = await simulateFlashSale({
  capacity: seats!,
  buyers: buyers!,
  seated: true,
  seed: 11,
  perUserLimit: 4,
  fullCheckEvery: 1e9,
  store: mongoStore({ db }),
});
const ms = performance.now() - t;
console.log({
  seats,
  buyers,
  ms: Math.round(ms),
  commands: n,
  perCommand: (ms / n).toFixed(2),
  perBuyer: Math.round(n / buyers!),
  steps: report.steps,
  final: report.invariants.final.ok,
  oversold: report.oversold,
});
await db.dropDatabase();
await client.close();
