import { describe, expect, it } from 'vitest';
import {
  createTicketing,
  HoldNotActiveError,
  PerUserLimitError,
  SeatUnavailableError,
  SoldOutError,
  type Ticketing,
  type TicketingOptions,
  type TicketingStore,
} from '../src/index.js';
import { ManualClock, RecordingNotifier, RecordingPayments } from './fixtures.js';

/**
 * The behaviour every TicketingStore must give the service. Runs through the public API, so a
 * store passes only if holds, payments, waitlist and outbox behave the same on it as on memory.
 */
export function describeStoreContract(name: string, makeStore: () => Promise<TicketingStore> | TicketingStore): void {
  describe(`TicketingStore contract: ${name}`, () => {
    async function setup(options: Partial<TicketingOptions> = {}) {
      const clock = new ManualClock();
      const payments = new RecordingPayments();
      const notifier = new RecordingNotifier();
      const store = await makeStore();
      const tix = createTicketing({
        store,
        clock,
        payments,
        notifier,
        holdTtlMs: 60_000,
        paymentGraceMs: 30_000,
        offerTtlMs: 20_000,
        ...options,
      });
      return { tix, clock, payments, notifier, store };
    }

    async function expectInvariants(tix: Ticketing, eventId: string, settled = false) {
      const report = await tix.checkInvariants(eventId, { settled });
      expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    }

    it('holds reduce availability; an expired hold frees its units at once, without the sweeper', async () => {
      const { tix, clock } = await setup();
      await tix.createEvent({ id: 'e', name: 'E', capacity: 3 });
      const hold = await tix.hold({ eventId: 'e', userId: 'ada', quantity: 2 });
      expect(hold).toMatchObject({ status: 'active', quantity: 2, kind: 'hold', expiresAt: clock.time + 60_000 });
      expect(await tix.availability('e')).toMatchObject({ available: 1, held: 2, sold: 0, status: 'on_sale' });
      clock.advance(59_999);
      expect((await tix.getHold(hold.id)).status).toBe('active');
      clock.advance(1);
      expect((await tix.getHold(hold.id)).status).toBe('expired');
      expect(await tix.availability('e')).toMatchObject({ available: 3, held: 0, status: 'on_sale' });
      // no sweeper ran, yet the units can be held again
      await tix.hold({ eventId: 'e', userId: 'bob', quantity: 3 });
      await expectInvariants(tix, 'e');
    });

    it('tells all_held (may free up) from sold_out', async () => {
      const { tix } = await setup();
      await tix.createEvent({ id: 'e', name: 'E', capacity: 1 });
      const hold = await tix.hold({ eventId: 'e', userId: 'ada' });
      const held = await tix.hold({ eventId: 'e', userId: 'bob' }).catch((e: unknown) => e);
      expect(held).toBeInstanceOf(SoldOutError);
      expect((held as SoldOutError).availability).toBe('all_held');
      expect((await tix.availability('e')).status).toBe('all_held');
      await tix.confirmPayment({ holdId: hold.id, paymentId: 'p1', amount: 10 });
      const sold = await tix.hold({ eventId: 'e', userId: 'bob' }).catch((e: unknown) => e);
      expect((sold as SoldOutError).availability).toBe('sold_out');
      expect((sold as SoldOutError).message).toBe('Event `e` is sold out (requested 1)');
      expect(await tix.availability('e')).toMatchObject({ status: 'sold_out', sold: 1, available: 0 });
    });

    it('beginPayment extends the expiry once, bounded by ttl + grace', async () => {
      const { tix, clock } = await setup();
      await tix.createEvent({ id: 'e', name: 'E', capacity: 1 });
      const hold = await tix.hold({ eventId: 'e', userId: 'ada' });
      clock.advance(50_000);
      const paying = await tix.beginPayment(hold.id);
      expect(paying.status).toBe('in_payment');
      expect(paying.expiresAt).toBe(clock.time + 30_000);
      clock.advance(20_000);
      const again = await tix.beginPayment(hold.id); // no second extension
      expect(again.expiresAt).toBe(paying.expiresAt);
      expect(again.expiresAt - hold.createdAt).toBeLessThanOrEqual(60_000 + 30_000);
      clock.advance(10_000);
      await expect(tix.beginPayment(hold.id)).rejects.toThrow(HoldNotActiveError);
      // early beginPayment never shortens the hold
      const other = await tix.hold({ eventId: 'e', userId: 'bob' });
      expect((await tix.beginPayment(other.id)).expiresAt).toBe(other.expiresAt);
    });

    it('a confirmed payment issues exactly one order, idempotent on paymentId (duplicates, concurrent)', async () => {
      const { tix, payments } = await setup();
      await tix.createEvent({ id: 'e', name: 'E', capacity: 5 });
      const hold = await tix.hold({ eventId: 'e', userId: 'ada', quantity: 2 });
      const results = await Promise.all(
        Array.from({ length: 5 }, () => tix.confirmPayment({ holdId: hold.id, paymentId: 'p1', amount: 20 })),
      );
      const first = results[0]!;
      expect(first.outcome).toBe('issued');
      for (const r of results) expect(r).toEqual(first);
      const again = await tix.confirmPayment({ holdId: hold.id, paymentId: 'p1', amount: 20 });
      expect(again).toEqual(first);
      if (first.outcome === 'issued') expect(first.tickets).toHaveLength(2);
      expect(payments.calls).toEqual([]);
      expect((await tix.getHold(hold.id)).status).toBe('confirmed');
      expect(await tix.availability('e')).toMatchObject({ sold: 2, available: 3 });
      // a second, different payment for the same hold is refunded
      const second = await tix.confirmPayment({ holdId: hold.id, paymentId: 'p2', amount: 20 });
      expect(second).toEqual({ outcome: 'refunded', reason: 'hold_already_paid', paymentId: 'p2' });
      expect(payments.calls).toEqual([{ paymentId: 'p2', amount: 20 }]);
      await expectInvariants(tix, 'e', true);
    });

    it('late payment: issued while inventory is free, refunded (durably, once) when it is gone', async () => {
      const { tix, clock, payments } = await setup();
      await tix.createEvent({ id: 'e', name: 'E', capacity: 1 });
      const a = await tix.hold({ eventId: 'e', userId: 'ada' });
      clock.advance(70_000);
      const lateButFree = await tix.confirmPayment({ holdId: a.id, paymentId: 'pa', amount: 10 });
      expect(lateButFree.outcome).toBe('issued');

      await tix.createEvent({ id: 'f', name: 'F', capacity: 1 });
      const b = await tix.hold({ eventId: 'f', userId: 'bob' });
      clock.advance(70_000);
      await tix.hold({ eventId: 'f', userId: 'cy' }); // takes the unit b lost
      const [r1, r2] = await Promise.all([
        tix.confirmPayment({ holdId: b.id, paymentId: 'pb', amount: 10 }),
        tix.confirmPayment({ holdId: b.id, paymentId: 'pb', amount: 10 }),
      ]);
      expect(r1).toEqual({ outcome: 'refunded', reason: 'hold_expired', paymentId: 'pb' });
      expect(r2).toEqual(r1);
      expect(payments.calls).toEqual([{ paymentId: 'pb', amount: 10 }]);
      // the decision never flips, even once inventory frees up again
      clock.advance(70_000);
      expect(await tix.confirmPayment({ holdId: b.id, paymentId: 'pb', amount: 10 })).toEqual(r1);
      expect(payments.calls).toHaveLength(1);
      await expectInvariants(tix, 'f', true);
    });

    it('concurrent confirmations of a late payment (duplicates, and a second payment) all follow one decision', async () => {
      const { tix, clock, payments } = await setup();
      await tix.createEvent({ id: 'e', name: 'E', capacity: 3 });
      const a = await tix.hold({ eventId: 'e', userId: 'ada', quantity: 2 });
      clock.advance(70_000); // expired, units still free: issue_if_available
      const results = await Promise.all([
        ...Array.from({ length: 4 }, () => tix.confirmPayment({ holdId: a.id, paymentId: 'pa', amount: 10 })),
        tix.confirmPayment({ holdId: a.id, paymentId: 'pb', amount: 10 }),
      ]);
      const byPayment = (id: string) => results.filter((_r, i) => (i < 4 ? 'pa' : 'pb') === id);
      for (const id of ['pa', 'pb']) {
        const outcomes = byPayment(id).map((r) => r.outcome);
        expect(new Set(outcomes).size).toBe(1); // duplicates agree
      }
      // exactly one of the two payments bought the hold; the other is refunded once
      const issued = results.filter((r) => r.outcome === 'issued');
      expect(new Set(issued.map((r) => (r.outcome === 'issued' ? r.order.paymentId : '')))).toHaveProperty('size', 1);
      expect(payments.calls).toHaveLength(1);
      await expectInvariants(tix, 'e', true);
    });

    it("latePaymentPolicy 'refund' refunds every payment after expiry", async () => {
      const { tix, clock } = await setup({ latePaymentPolicy: 'refund' });
      await tix.createEvent({ id: 'e', name: 'E', capacity: 10 });
      const hold = await tix.hold({ eventId: 'e', userId: 'ada' });
      await tix.releaseHold(hold.id);
      clock.advance(1);
      const r = await tix.confirmPayment({ holdId: hold.id, paymentId: 'p', amount: 5 });
      expect(r).toEqual({ outcome: 'refunded', reason: 'late_payment', paymentId: 'p' });
    });

    it('waitlist: freed units go to the line in join order, before the public, through the outbox', async () => {
      const { tix, clock, notifier } = await setup();
      await tix.createEvent({ id: 'e', name: 'E', capacity: 2 });
      const h1 = await tix.hold({ eventId: 'e', userId: 'u1' });
      const h2 = await tix.hold({ eventId: 'e', userId: 'u2' });
      const w1 = await tix.joinWaitlist({ eventId: 'e', userId: 'w1', quantity: 1 });
      const w2 = await tix.joinWaitlist({ eventId: 'e', userId: 'w2', quantity: 1 });
      expect([w1.position, w2.position]).toEqual([1, 2]);
      expect(await tix.joinWaitlist({ eventId: 'e', userId: 'w1', quantity: 1 })).toEqual(w1);
      await tix.releaseHold(h1.id);
      expect(notifier.messages.map((m) => m.userId)).toEqual(['w1']);
      const offer = notifier.messages[0]!.offer;
      expect(offer.expiresAt).toBe(clock.time + 20_000);
      expect(await tix.getHold(offer.holdId)).toMatchObject({ kind: 'offer', status: 'active', userId: 'w1' });
      // the public cannot take units reserved for the waitlist
      await tix.releaseHold(h2.id);
      expect(notifier.messages.map((m) => m.userId)).toEqual(['w1', 'w2']);
      await expect(tix.hold({ eventId: 'e', userId: 'public' })).rejects.toThrow(SoldOutError);
      // w1 lets the offer expire: the line moves on (nobody left), w2 buys
      clock.advance(20_000);
      expect((await tix.waitlistEntry('e', w1.entryId)).status).toBe('offered');
      await tix.expireHolds();
      expect((await tix.waitlistEntry('e', w1.entryId)).status).toBe('expired');
      const bought = await tix.confirmPayment({
        holdId: notifier.messages[1]!.offer.holdId,
        paymentId: 'p',
        amount: 1,
      });
      // w2's offer expired too, but the units are free and nobody waits: the late payment is honoured
      expect(bought.outcome).toBe('issued');
      await expectInvariants(tix, 'e');
    });

    it('an expired offer moves to the next person; an entry that bought is never offered again', async () => {
      const { tix, clock, notifier } = await setup();
      await tix.createEvent({ id: 'e', name: 'E', capacity: 1 });
      const h = await tix.hold({ eventId: 'e', userId: 'u' });
      const wa = await tix.joinWaitlist({ eventId: 'e', userId: 'a', quantity: 1 });
      const wb = await tix.joinWaitlist({ eventId: 'e', userId: 'b', quantity: 1 });
      clock.advance(60_000); // h expires: a is offered (at the next write: the sweeper here)
      await tix.expireHolds();
      expect(notifier.messages.map((m) => m.userId)).toEqual(['a']);
      clock.advance(20_000); // a's offer expires: b is offered
      await tix.expireHolds();
      expect(notifier.messages.map((m) => m.userId)).toEqual(['a', 'b']);
      const r = await tix.confirmPayment({ holdId: notifier.messages[1]!.offer.holdId, paymentId: 'pb', amount: 3 });
      expect(r.outcome).toBe('issued');
      expect((await tix.waitlistEntry('e', wb.entryId)).status).toBe('purchased');
      expect((await tix.waitlistEntry('e', wa.entryId)).status).toBe('expired');
      if (r.outcome === 'issued') await tix.returnTickets({ orderId: r.order.id });
      // the returned unit is public again: a's and b's entries are done and never re-offered
      expect(notifier.messages).toHaveLength(2);
      expect((await tix.availability('e')).status).toBe('on_sale');
      expect(h.userId).toBe('u');
      await expectInvariants(tix, 'e', true);
    });

    it('returned tickets go to the waitlist first; returns are idempotent', async () => {
      const { tix, notifier } = await setup();
      await tix.createEvent({ id: 'e', name: 'E', capacity: 2, perUserLimit: 2 });
      const h = await tix.hold({ eventId: 'e', userId: 'u', quantity: 2 });
      const r = await tix.confirmPayment({ holdId: h.id, paymentId: 'p', amount: 2 });
      if (r.outcome !== 'issued') throw new Error('expected issued');
      await tix.joinWaitlist({ eventId: 'e', userId: 'w', quantity: 1 });
      const ret = await tix.returnTickets({ orderId: r.order.id, ticketIds: [r.tickets[0]!.id] });
      expect(ret.returned.map((t) => t.id)).toEqual([r.tickets[0]!.id]);
      expect(await tix.returnTickets({ orderId: r.order.id, ticketIds: [r.tickets[0]!.id] })).toEqual(ret);
      expect(notifier.messages.map((m) => m.userId)).toEqual(['w']);
      expect(await tix.availability('e')).toMatchObject({ sold: 1, offered: 1, available: 0 });
      const order = await tix.getOrder(r.order.id);
      expect(order.tickets.map((t) => t.status)).toEqual(['returned', 'valid']);
      await expectInvariants(tix, 'e');
    });

    it('per-user limit holds under concurrent holds', async () => {
      const { tix } = await setup();
      await tix.createEvent({ id: 'e', name: 'E', capacity: 100, perUserLimit: 3 });
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => tix.hold({ eventId: 'e', userId: 'ada', quantity: 1 })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(PerUserLimitError);
      await expectInvariants(tix, 'e');
    });

    it('never oversells under concurrent holds', async () => {
      const { tix } = await setup();
      await tix.createEvent({ id: 'e', name: 'E', capacity: 7 });
      const results = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) => tix.hold({ eventId: 'e', userId: `u${i}`, quantity: 1 + (i % 2) })),
      );
      const units = results.reduce((sum, r) => sum + (r.status === 'fulfilled' ? r.value.quantity : 0), 0);
      expect(units).toBeLessThanOrEqual(7);
      expect(units).toBeGreaterThanOrEqual(6);
      await expectInvariants(tix, 'e');
    });

    it('seats: assigned in seat order, never twice, specific seats checked', async () => {
      const { tix } = await setup();
      const map = ['A1', 'A2', 'A3', 'B1'];
      await tix.createEvent({ id: 's', name: 'S', seats: map });
      // Two adjacent seats, in seat-map order (the inventory layout picks the first free ones; the
      // partitioned layout starts in a partition chosen by the hold id, to spread contention).
      const a = await tix.hold({ eventId: 's', userId: 'ada', quantity: 2 });
      const at = map.indexOf(a.seats![0]!);
      expect(a.seats).toEqual(map.slice(at, at + 2));
      const rest = map.filter((seat) => !a.seats!.includes(seat));
      await expect(tix.hold({ eventId: 's', userId: 'bob', seats: [a.seats![1]!, rest[0]!] })).rejects.toThrow(
        SeatUnavailableError,
      );
      const b = await tix.hold({ eventId: 's', userId: 'bob', seats: [...rest].reverse() });
      expect(b.seats).toEqual(rest);
      const r = await tix.confirmPayment({ holdId: b.id, paymentId: 'pb', amount: 1 });
      if (r.outcome !== 'issued') throw new Error('expected issued');
      expect(r.tickets.map((t) => t.seat)).toEqual(rest);
      await expectInvariants(tix, 's');
    });

    it('idempotencyKey returns the same hold', async () => {
      const { tix } = await setup();
      await tix.createEvent({ id: 'e', name: 'E', capacity: 5 });
      const [a, b] = await Promise.all([
        tix.hold({ eventId: 'e', userId: 'ada', quantity: 2, idempotencyKey: 'k1' }),
        tix.hold({ eventId: 'e', userId: 'ada', quantity: 2, idempotencyKey: 'k1' }),
      ]);
      expect(b.id).toBe(a.id);
      expect((await tix.availability('e')).held).toBe(2);
      const c = await tix.hold({ eventId: 'e', userId: 'bob', quantity: 2, idempotencyKey: 'k1' });
      expect(c.id).not.toBe(a.id);
    });

    it('the outbox keeps a notification the notifier failed to take, and delivers it later', async () => {
      const { tix, notifier } = await setup();
      await tix.createEvent({ id: 'e', name: 'E', capacity: 1 });
      const h = await tix.hold({ eventId: 'e', userId: 'u' });
      await tix.joinWaitlist({ eventId: 'e', userId: 'w', quantity: 1 });
      notifier.failNext = 1;
      await tix.releaseHold(h.id); // the offer is made; the notifier throws
      expect(notifier.messages).toEqual([]);
      expect(await tix.deliverNotifications()).toEqual({ delivered: 1, failed: 0 });
      expect(notifier.messages.map((m) => m.userId)).toEqual(['w']);
      expect(await tix.deliverNotifications()).toEqual({ delivered: 0, failed: 0 });
    });

    it('writes every transition to the audit log', async () => {
      const { tix, clock } = await setup();
      await tix.createEvent({ id: 'e', name: 'E', capacity: 1 });
      const h = await tix.hold({ eventId: 'e', userId: 'u' });
      await tix.beginPayment(h.id);
      await tix.joinWaitlist({ eventId: 'e', userId: 'w', quantity: 1 });
      clock.advance(100_000);
      const r = await tix.confirmPayment({ holdId: h.id, paymentId: 'p', amount: 1 });
      expect(r.outcome).toBe('refunded');
      const types = (await tix.audit('e')).map((a) => a.type);
      expect(types).toEqual([
        'event_created',
        'hold_created',
        'hold_extended',
        'waitlist_joined',
        'payment_recorded',
        'hold_expired',
        'offer_created',
        'sale_refused',
        'refund_requested',
        'notice_delivered',
        'refund_completed',
      ]);
    });
  });
}
