import { memoryStore, simulateFlashSale } from './src/index.js';
import { mongoStore } from './src/mongodb.js';
import { fakeDb } from './test/fake-mongo.js';

const [seats, buyers] = process.argv.slice(2).map(Number);
for (const [name, store] of [
  ['partitioned memory', memoryStore({ layout: 'partitioned' })],
  ['fake driver', mongoStore({ db: fakeDb() })],
] as const) {
  const report = await simulateFlashSale({
    capacity: seats!,
    buyers: buyers!,
    seated: true,
    seed: 11,
    perUserLimit: 4,
    fullCheckEvery: 1e9,
    store,
  });
  console.log(
    name,
    report.invariants.final.ok,
    report.invariants.final.checks.filter((c) => !c.ok),
    report.invariants.violations.slice(0, 3),
  );
}
