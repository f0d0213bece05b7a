import { describe, expect, it } from 'vitest';
import { type AllocationRecord, memoryStore, type SaleRecord, simulateFlashSale } from '../src/index.js';
import type { InventoryStore } from '../src/inventory-allocator.js';
import type { TicketingStore } from '../src/ticketing-store.js';
import { RecordingNotifier, RecordingPayments } from './fixtures.js';
import { jitteryStore, seeded } from './store-wrappers.js';

describe('20,000 buyers for 1,000 seats, interleaved at every store call', () => {
  it('keeps every invariant at every step, and settles to available = capacity - sold', async () => {
    const capacity = 1_000;
    const perUserLimit = 4;
    // the whole-event layout's raw documents, read beside the service for independent checks
    const inner = memoryStore() as TicketingStore & InventoryStore;
    const store = jitteryStore(inner, seeded(99));
    const payments = new RecordingPayments();
    const notifier = new RecordingNotifier();
    let steps = 0;
    let maxAllocated = 0;
    const failures: string[] = [];
    const fail = (message: string) => {
      if (failures.length < 20) failures.push(message);
    };
    const report = await simulateFlashSale({
      capacity,
      buyers: 20_000,
      holdTtlMs: 60_000,
      paymentFailureRate: 0.1,
      abandonRate: 0.2,
      returnRate: 0.1,
      duplicateConfirmRate: 0.15,
      lateConfirmRate: 0.1,
      waitlistRate: 0.5,
      perUserLimit,
      seated: true,
      seed: 2024,
      fullCheckEvery: 250,
      store,
      payments,
      notifier,
      // Independent checks at every step, from the raw allocations and sales (not the counters).
      onStep: async ({ now, eventId }) => {
        steps++;
        const view = await inner.readEvent(eventId, (inventory) => ({
          live: inventory.liveAllocations(now),
          sales: inventory.sales(),
        }));
        const { live, sales } = view as { live: AllocationRecord[]; sales: SaleRecord[] };
        const sold = sales.reduce((sum, s) => sum + s.tickets.length, 0);
        const allocated = live.reduce((sum, a) => sum + a.quantity, 0);
        maxAllocated = Math.max(maxAllocated, sold + allocated);
        // invariant: sold + live holds + live offers <= capacity
        if (sold + allocated > capacity) fail(`t=${now}: sold ${sold} + allocated ${allocated} > ${capacity}`);
        // invariant: no seat in two live allocations (or an allocation and a ticket)
        const allSeats = [
          ...live.flatMap((a) => a.seats ?? []),
          ...sales.flatMap((s) => s.tickets.map((t) => t.seat!)),
        ];
        const seats = new Set(allSeats);
        const seatCount = allSeats.length;
        if (seats.size !== seatCount) fail(`t=${now}: a seat is in two live allocations`);
        if (seatCount !== sold + allocated) fail(`t=${now}: ${seatCount} seats for ${sold + allocated} units`);
        // invariant: per-user limit over holds + offers + tickets
        const perUser = new Map<string, number>();
        for (const a of live) perUser.set(a.userId, (perUser.get(a.userId) ?? 0) + a.quantity);
        for (const s of sales) perUser.set(s.userId, (perUser.get(s.userId) ?? 0) + s.tickets.length);
        for (const [user, n] of perUser) if (n > perUserLimit) fail(`t=${now}: ${user} has ${n} > ${perUserLimit}`);
      },
    });

    expect(failures).toEqual([]);
    expect(report.invariants.violations).toEqual([]);
    expect(report.invariants.final.ok).toBe(true);
    expect(report.oversold).toBe(0);
    expect(steps).toBe(report.steps);
    // Full checks at least every 250 steps, spaced until the operations double (their cost stays
    // linear in the sale): about log2 of the operations made, plus the final one.
    expect(report.invariants.fullChecks).toBeGreaterThanOrEqual(6);
    expect(maxAllocated).toBe(capacity); // the sale really ran into the limit

    // The run exercised every behaviour it claims to.
    expect(report.rejected.allHeld).toBeGreaterThan(1_000);
    expect(report.rejected.perUserLimit).toBeGreaterThan(0);
    expect(report.abandoned).toBeGreaterThan(50);
    expect(report.paymentFailures).toBeGreaterThan(20);
    expect(report.duplicateConfirmations).toBeGreaterThan(50);
    expect(report.lateConfirmations).toBeGreaterThan(20);
    expect(report.refunded).toBeGreaterThan(0);
    expect(report.returnedTickets).toBeGreaterThan(20);
    expect(report.waitlist.joined).toBeGreaterThan(1_000);
    expect(report.waitlist.offers).toBeGreaterThan(50);
    expect(report.waitlist.purchases).toBeGreaterThan(10);
    expect(report.waitlist.expiredOffers).toBeGreaterThan(0);

    // Every confirmed payment ended as exactly one order or exactly one refund.
    const eventId = 'flash-sale';
    const [paymentRecords, orders, doc] = await Promise.all([
      inner.listPayments(eventId),
      inner.listOrders(eventId),
      inner.getEventDocument(eventId),
    ]);
    const ordersByPayment = new Map<string, number>();
    for (const order of orders) ordersByPayment.set(order.paymentId, (ordersByPayment.get(order.paymentId) ?? 0) + 1);
    const refundCalls = new Map<string, number>();
    for (const call of payments.calls) refundCalls.set(call.paymentId, (refundCalls.get(call.paymentId) ?? 0) + 1);
    for (const p of paymentRecords) {
      const orderCount = ordersByPayment.get(p.paymentId) ?? 0;
      const refundCount = refundCalls.get(p.paymentId) ?? 0;
      expect({ id: p.paymentId, total: orderCount + refundCount }).toEqual({ id: p.paymentId, total: 1 });
      expect(p.status).toBe(orderCount === 1 ? 'issued' : 'refunded');
    }
    expect(paymentRecords.length).toBe(report.orders + report.refunded);
    expect(orders.length).toBe(report.orders);

    // After settling: available = capacity - sold, and sold = valid tickets across orders.
    const validTickets = orders.reduce((sum, o) => sum + o.tickets.filter((t) => t.status === 'valid').length, 0);
    expect(report.sold).toBe(validTickets);
    expect(report.finalAvailable).toBe(capacity - report.sold);

    // Offers were made (and notified) in join order, once per entry.
    const seqOf = new Map(doc!.waitlist.map((e) => [e.id, e.seq]));
    const offered = notifier.messages.map((m) => m.offer.entryId);
    expect(new Set(offered).size).toBe(offered.length);
    const seqs = offered.map((id) => seqOf.get(id)!);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // An entry whose user bought elsewhere (status purchased, never offered) was never notified,
    // and every notified entry was offered exactly once by the inventory.
    const notified = new Set(offered);
    for (const entry of doc!.waitlist) {
      if (entry.status === 'purchased' && entry.offerSeq === null) expect(notified.has(entry.id)).toBe(false);
      if (notified.has(entry.id)) expect(entry.offerSeq).not.toBeNull();
    }
    expect(doc!.waitlist.filter((e) => e.status === 'purchased' && e.offerSeq === null).length).toBeGreaterThan(0);
  }, 120_000);
});

describe('flash sale on the partitioned layout (every store call interleaved)', () => {
  it('20,000 buyers for 1,000 units over partitions of 50: every invariant at every step and at the end', async () => {
    const payments = new RecordingPayments();
    const notifier = new RecordingNotifier();
    const store = jitteryStore(memoryStore({ layout: 'partitioned', partitionSize: 50 }), seeded(7));
    const capacity = 1_000;
    const report = await simulateFlashSale({
      capacity,
      buyers: 20_000,
      holdTtlMs: 60_000,
      paymentFailureRate: 0.1,
      abandonRate: 0.2,
      returnRate: 0.1,
      duplicateConfirmRate: 0.15,
      lateConfirmRate: 0.1,
      waitlistRate: 0.5,
      perUserLimit: 4,
      seed: 2024,
      fullCheckEvery: 250,
      store,
      payments,
      notifier,
    });
    expect(report.invariants.violations).toEqual([]);
    expect(report.invariants.final.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.oversold).toBe(0);
    expect(report.finalAvailable).toBe(capacity - report.sold);
    expect(report.sold).toBeGreaterThan(capacity / 2);
    expect(report.waitlist.offers).toBeGreaterThan(50);
    expect(report.waitlist.purchases).toBeGreaterThan(10);
    expect(report.lateConfirmations).toBeGreaterThan(20);
    expect(report.returnedTickets).toBeGreaterThan(20);
    // Offers were notified in join order, once per entry (entry ids are `<event>#<position>`).
    const positions = notifier.messages.map((m) => Number(m.offer.entryId.split('#')[1]));
    expect(new Set(positions).size).toBe(positions.length);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  }, 120_000);
});

describe('late payments on the partitioned layout under interleaving', () => {
  it('duplicate and competing confirmations of expired holds, every store call interleaved: one decision per hold, one per payment', async () => {
    const { createTicketing } = await import('../src/index.js');
    for (let seed = 1; seed <= 40; seed++) {
      let now = 1_700_000_000_000;
      const refunds: string[] = [];
      const tix = createTicketing({
        store: jitteryStore(memoryStore({ layout: 'partitioned', partitionSize: 2 }), seeded(seed)),
        clock: { now: () => now },
        holdTtlMs: 1_000,
        payments: { refund: async (paymentId) => void refunds.push(paymentId) },
      });
      await tix.createEvent({ id: 'e', name: 'E', capacity: 4, seats: ['A1', 'A2', 'A3', 'A4'] });
      const holds = [
        await tix.hold({ eventId: 'e', userId: 'u1', quantity: 2 }),
        await tix.hold({ eventId: 'e', userId: 'u2', quantity: 1 }),
      ];
      now += 1_000; // both expired; seats free
      const calls = holds.flatMap((hold, h) => [
        ...Array.from({ length: 3 }, () => ({ hold, paymentId: `p${h}` })),
        { hold, paymentId: `q${h}` },
      ]);
      const results = await Promise.all(
        calls.map(({ hold, paymentId }) => tix.confirmPayment({ holdId: hold.id, paymentId, amount: 1 })),
      );
      const outcome = new Map<string, string>();
      results.forEach((result, i) => {
        const { paymentId } = calls[i]!;
        const seen = outcome.get(paymentId);
        if (seen !== undefined)
          expect({ seed, paymentId, outcome: result.outcome }).toEqual({ seed, paymentId, outcome: seen });
        outcome.set(paymentId, result.outcome);
      });
      for (const h of [0, 1]) {
        // at most one payment per hold issued
        expect([outcome.get(`p${h}`), outcome.get(`q${h}`)].filter((o) => o === 'issued').length).toBeLessThanOrEqual(
          1,
        );
      }
      const report = await tix.checkInvariants('e', { settled: true });
      expect({ seed, failed: report.checks.filter((c) => !c.ok) }).toEqual({ seed, failed: [] });
      expect(new Set(refunds).size).toBe(refunds.length);
    }
  }, 60_000);
});

describe('many small interleaved sales on the partitioned layout (concurrent pumps of one event)', () => {
  it('300 seeds: partitions of 1 to 10 units, seated or not, with and without the sweeper: no unit or seat left attached to a finished hold', async () => {
    const failed: string[] = [];
    for (let seed = 101; seed <= 400; seed++) {
      const random = seeded(seed * 7919);
      const partitionSize = 1 + Math.floor(random() * 10);
      const seated = random() < 0.5;
      const sweepIntervalMs = random() < 0.5 ? 0 : 5_000;
      const capacity = 20 + Math.floor(random() * 60);
      const report = await simulateFlashSale({
        capacity,
        buyers: 1_000,
        holdTtlMs: 20_000,
        paymentFailureRate: 0.1,
        abandonRate: 0.3,
        returnRate: 0.2,
        duplicateConfirmRate: 0.2,
        lateConfirmRate: 0.2,
        waitlistRate: 0.6,
        perUserLimit: 4,
        seated,
        sweepIntervalMs,
        seed,
        fullCheckEvery: 100,
        store: jitteryStore(memoryStore({ layout: 'partitioned', partitionSize }), seeded(seed)),
      });
      const problems = [
        ...report.invariants.violations,
        ...report.invariants.final.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`),
      ];
      if (report.oversold !== 0) problems.push(`oversold ${report.oversold}`);
      if (report.finalAvailable !== capacity - report.sold)
        problems.push(`available ${report.finalAvailable} != ${capacity} - ${report.sold}`);
      if (problems.length > 0)
        failed.push(
          `seed ${seed} (partitions of ${partitionSize}, ${seated ? 'seated' : 'GA'}, sweeper ${sweepIntervalMs > 0 ? 'on' : 'off'}): ${problems.slice(0, 3).join('; ')}`,
        );
    }
    expect(failed).toEqual([]);
  }, 600_000);
});
