import { performance } from 'node:perf_hooks';
import { createTicketing, simulateFlashSale } from '../src/index.js';
import { NaiveInventory } from './naive-inventory.js';

/** Holds per second and confirmed purchases per second on the memory store, beside the naive hold table, then the flash-sale simulation. */
export async function main({ quick }: { quick: boolean }): Promise<void> {
  const holds = quick ? 5_000 : 200_000;
  const purchases = quick ? 2_000 : 50_000;
  const ttl = 600_000;
  let now = 1_700_000_000_000;
  const clock = { now: () => now };

  // 1. holds/s: every hold stays live (a flash sale's first minute), 1 ms apart.
  globalThis.gc?.();
  const tix = createTicketing({ clock, holdTtlMs: ttl });
  await tix.createEvent({ id: 'bench', name: 'Bench', capacity: holds * 2 });
  let start = performance.now();
  for (let i = 0; i < holds; i++) {
    now++;
    await tix.hold({ eventId: 'bench', userId: `u${i}`, quantity: 1 + (i % 2) });
  }
  const oursHoldsPerSec = holds / ((performance.now() - start) / 1000);

  const naiveHolds = quick ? 2_000 : 20_000; // O(n) per hold: a tenth of the count keeps the run short
  const naive = new NaiveInventory(naiveHolds * 2);
  start = performance.now();
  for (let i = 0; i < naiveHolds; i++) {
    now++;
    await naive.hold(`u${i}`, 1 + (i % 2), now, ttl);
  }
  const naiveHoldsPerSec = naiveHolds / ((performance.now() - start) / 1000);

  // 2. confirmed purchases/s: all holds taken first (as in a flash sale), then each buyer pays:
  //    hold, later beginPayment + confirmPayment (order issued). Timed over the whole sequence.
  globalThis.gc?.();
  const buy = createTicketing({ clock, holdTtlMs: ttl });
  await buy.createEvent({ id: 'buy', name: 'Buy', capacity: purchases * 2 });
  start = performance.now();
  const bought = [];
  for (let i = 0; i < purchases; i++) {
    now++;
    bought.push(await buy.hold({ eventId: 'buy', userId: `u${i}` }));
  }
  for (let i = 0; i < purchases; i++) {
    const hold = bought[i]!;
    await buy.beginPayment(hold.id);
    const result = await buy.confirmPayment({ holdId: hold.id, paymentId: `p${i}`, amount: 50 });
    if (result.outcome !== 'issued') throw new Error('expected issued');
  }
  const oursPurchasesPerSec = purchases / ((performance.now() - start) / 1000);

  const naiveBuy = new NaiveInventory(naiveHolds * 2);
  start = performance.now();
  const naiveIds = [];
  for (let i = 0; i < naiveHolds; i++) {
    now++;
    naiveIds.push(await naiveBuy.hold(`u${i}`, 1, now, ttl));
  }
  for (const id of naiveIds) if (!(await naiveBuy.confirm(id, now))) throw new Error('expected confirmed');
  const naivePurchasesPerSec = naiveHolds / ((performance.now() - start) / 1000);

  const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(10);
  console.log('| measure (memory store, one process) | @x/ticketing | naive hold table | ratio |');
  console.log('|---|---:|---:|---:|');
  console.log(
    `| holds/s (${holds.toLocaleString('en-US')} live holds; naive: ${naiveHolds.toLocaleString('en-US')}) | ${fmt(oursHoldsPerSec)} | ${fmt(naiveHoldsPerSec)} | ${(oursHoldsPerSec / naiveHoldsPerSec).toFixed(1)}x |`,
  );
  console.log(
    `| confirmed purchases/s (${purchases.toLocaleString('en-US')} holds, then beginPayment + confirmPayment each; naive: ${naiveHolds.toLocaleString('en-US')}) | ${fmt(oursPurchasesPerSec)} | ${fmt(naivePurchasesPerSec)} | ${(oursPurchasesPerSec / naivePurchasesPerSec).toFixed(1)}x |`,
  );
  console.log(
    `\ntarget: >= 100,000 holds/s -> ${oursHoldsPerSec >= 100_000 ? 'met' : 'NOT met'} (${fmt(oursHoldsPerSec).trim()})`,
  );
  console.log(
    '(the naive table has no payments, outbox, audit log, waitlist or per-user limits: it is a floor, not a rival)',
  );

  // 3. the flash sale
  globalThis.gc?.();
  const buyers = quick ? 5_000 : 100_000;
  const capacity = quick ? 250 : 5_000;
  const report = await simulateFlashSale({
    capacity,
    buyers,
    holdTtlMs: 120_000,
    paymentFailureRate: 0.1,
    abandonRate: 0.2,
    seed: 1,
  });
  console.log(
    `\nflash sale: ${buyers.toLocaleString('en-US')} buyers, ${capacity.toLocaleString('en-US')} tickets (seed 1)`,
  );
  console.log(
    `  wall time            ${(report.wallMs / 1000).toFixed(2)} s (target < 5 s: ${report.wallMs < 5_000 ? 'met' : 'NOT met'})`,
  );
  console.log(`  operations/s         ${report.throughput.operationsPerSecond.toLocaleString('en-US')}`);
  console.log(
    `  hold latency         p50 ${report.holdLatencyMs.p50.toFixed(3)} ms, p99 ${report.holdLatencyMs.p99.toFixed(3)} ms`,
  );
  console.log(
    `  sold ${report.sold}, orders ${report.orders}, refunded ${report.refunded}, expired holds ${report.expiredHolds}, waitlist offers ${report.waitlist.offers}, oversold ${report.oversold}`,
  );
  console.log(
    `  invariants: ${report.invariants.continuousChecks.toLocaleString('en-US')} per-step checks, ${report.invariants.fullChecks} full checks, ${report.invariants.violations.length} violations, final ${report.invariants.final.ok ? 'ok' : 'FAILED'}`,
  );
}
