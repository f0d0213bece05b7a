import { describe, expect, it } from 'vitest';
import {
  createTicketing,
  type Hold,
  memoryStore,
  type Order,
  type Ticketing,
  type TicketingStore,
} from '../src/index.js';
import { mongoStore } from '../src/mongodb.js';
import { fakeDb } from './fake-mongo.js';
import { ManualClock, RecordingNotifier, RecordingPayments } from './fixtures.js';
import { type FaultPlan, faultyStore } from './store-wrappers.js';

interface World {
  tix: Ticketing;
  clock: ManualClock;
  payments: RecordingPayments;
  notifier: RecordingNotifier;
  plan: FaultPlan;
}

interface Scenario<S> {
  name: string;
  /** Builds the state before the operation under test (no faults). */
  setup(world: World): Promise<S>;
  /** The operation that may crash at any store call. */
  act(world: World, state: S): Promise<unknown>;
  /** Checks once the operation was retried to completion. */
  verify(world: World, state: S): Promise<void>;
}

// The plan counts store calls and, for the fake driver, the driver calls inside them too: a crash
// can land between a mongoStore's compare-and-swap and its journal drain.
const stores: [string, (plan: FaultPlan) => TicketingStore][] = [
  ['memoryStore', () => memoryStore()],
  ['mongoStore on the fake driver (crashes inside the driver too)', (plan) => mongoStore({ db: fakeDb(plan) })],
];
let makeStore: (plan: FaultPlan) => TicketingStore = stores[0]![1];

function world(): World {
  const plan: FaultPlan = { armed: false, failAt: 0, mode: 'before', calls: 0, log: [] };
  const clock = new ManualClock();
  const payments = new RecordingPayments();
  const notifier = new RecordingNotifier();
  const tix = createTicketing({
    store: faultyStore(makeStore(plan), plan),
    clock,
    payments,
    notifier,
    holdTtlMs: 10_000,
    paymentGraceMs: 5_000,
    offerTtlMs: 10_000,
  });
  return { tix, clock, payments, notifier, plan };
}

async function expectSettledInvariants(tix: Ticketing, eventId: string): Promise<void> {
  const report = await tix.checkInvariants(eventId);
  expect(report.checks.filter((c) => !c.ok)).toEqual([]);
}

/** Runs `act` once per store call it makes, crashing before and after that call, then retries it. */
function crashAtEveryStep<S>(scenario: Scenario<S>): void {
  describe(scenario.name, () => {
    it.each(stores)(
      '%s: every crash point, before and after the store call, then a retry: the invariants hold',
      async (_, factory) => {
        makeStore = factory;
        // A dry run counts the store calls the operation makes.
        const dry = world();
        const dryState = await scenario.setup(dry);
        dry.plan.armed = true;
        dry.plan.failAt = Number.POSITIVE_INFINITY;
        await scenario.act(dry, dryState);
        const steps = dry.plan.calls;
        expect(steps).toBeGreaterThan(2);
        await scenario.verify(dry, dryState);
        let crashes = 0;
        for (const mode of ['before', 'after'] as const) {
          for (let failAt = 1; failAt <= steps; failAt++) {
            const w = world();
            const state = await scenario.setup(w);
            Object.assign(w.plan, { armed: true, failAt, mode, calls: 0, log: [] });
            const crashed = await scenario.act(w, state).then(
              () => false,
              (error: unknown) => (error as Error).message.startsWith('injected crash'),
            );
            if (crashed) crashes++;
            w.plan.armed = false;
            await scenario.act(w, state); // the retry
            await w.tix.deliverNotifications();
            await scenario.verify(w, state).catch((error: unknown) => {
              throw new Error(`crash ${mode} call #${failAt} (${w.plan.log[failAt - 1]}): ${(error as Error).message}`);
            });
          }
        }
        // Crashes inside outbox delivery are absorbed (the notice stays queued); the rest reach the caller.
        expect(crashes).toBeGreaterThanOrEqual(steps / 2);
        // The notifier throws on its first delivery attempt: nothing is lost either.
        const n = world();
        const nState = await scenario.setup(n);
        n.notifier.failNext = 1;
        await scenario.act(n, nState);
        await scenario.act(n, nState);
        await n.tix.deliverNotifications();
        await scenario.verify(n, nState);
      },
      30_000,
    );
  });
}

crashAtEveryStep<{ hold: Hold }>({
  name: 'confirmPayment (live hold: issue)',
  async setup({ tix }) {
    await tix.createEvent({ id: 'e', name: 'E', capacity: 2, perUserLimit: 2 });
    const hold = await tix.hold({ eventId: 'e', userId: 'ada', quantity: 2 });
    await tix.joinWaitlist({ eventId: 'e', userId: 'wes', quantity: 1 });
    return { hold };
  },
  act: ({ tix }, { hold }) => tix.confirmPayment({ holdId: hold.id, paymentId: 'pay', amount: 100 }),
  async verify({ tix, payments }, { hold }) {
    const result = await tix.confirmPayment({ holdId: hold.id, paymentId: 'pay', amount: 100 });
    expect(result.outcome).toBe('issued');
    expect(payments.calls).toEqual([]);
    expect(await tix.availability('e')).toMatchObject({ sold: 2, available: 0 });
    expect((await tix.getHold(hold.id)).status).toBe('confirmed');
    await expectSettledInvariants(tix, 'e');
  },
});

crashAtEveryStep<{ hold: Hold }>({
  name: 'confirmPayment (late, inventory gone: refund)',
  async setup({ tix, clock }) {
    await tix.createEvent({ id: 'e', name: 'E', capacity: 1 });
    const hold = await tix.hold({ eventId: 'e', userId: 'ada' });
    clock.advance(10_000);
    await tix.hold({ eventId: 'e', userId: 'bob' });
    return { hold };
  },
  act: ({ tix }, { hold }) => tix.confirmPayment({ holdId: hold.id, paymentId: 'pay', amount: 100 }),
  async verify({ tix, payments }, { hold }) {
    const result = await tix.confirmPayment({ holdId: hold.id, paymentId: 'pay', amount: 100 });
    expect(result).toEqual({ outcome: 'refunded', reason: 'hold_expired', paymentId: 'pay' });
    // The refund is recorded once; the provider call may repeat only after a crash between it and the record.
    expect(payments.refunded).toEqual(new Map([['pay', 100]]));
    expect(payments.calls.length).toBeGreaterThanOrEqual(1);
    expect(payments.calls.length).toBeLessThanOrEqual(2);
    expect(await tix.availability('e')).toMatchObject({ sold: 0, held: 1 });
    await expectSettledInvariants(tix, 'e');
  },
});

crashAtEveryStep<{ order: Order }>({
  name: 'returnTickets (the waitlist gets the unit)',
  async setup({ tix }) {
    await tix.createEvent({ id: 'e', name: 'E', capacity: 1 });
    const hold = await tix.hold({ eventId: 'e', userId: 'ada' });
    const result = await tix.confirmPayment({ holdId: hold.id, paymentId: 'pay', amount: 100 });
    if (result.outcome !== 'issued') throw new Error('setup: expected issued');
    await tix.joinWaitlist({ eventId: 'e', userId: 'wes', quantity: 1 });
    return { order: result.order };
  },
  act: ({ tix }, { order }) => tix.returnTickets({ orderId: order.id }),
  async verify({ tix, notifier }, { order }) {
    const updated = await tix.getOrder(order.id);
    expect(updated.tickets.map((t) => t.status)).toEqual(['returned']);
    expect(await tix.availability('e')).toMatchObject({ sold: 0, offered: 1, held: 0 });
    const offers = new Set(notifier.messages.map((m) => m.id));
    expect(offers.size).toBe(1);
    expect(notifier.messages[0]!.userId).toBe('wes');
    const offerHold = await tix.getHold(notifier.messages[0]!.offer.holdId);
    expect(offerHold).toMatchObject({ kind: 'offer', status: 'active', userId: 'wes' });
    await expectSettledInvariants(tix, 'e');
  },
});

crashAtEveryStep<{ hold: Hold }>({
  name: 'offer handling: releasing a hold makes and notifies an offer',
  async setup({ tix }) {
    await tix.createEvent({ id: 'e', name: 'E', capacity: 1 });
    const hold = await tix.hold({ eventId: 'e', userId: 'ada' });
    await tix.joinWaitlist({ eventId: 'e', userId: 'wes', quantity: 1 });
    return { hold };
  },
  act: ({ tix }, { hold }) => tix.releaseHold(hold.id),
  async verify({ tix, notifier }) {
    expect(new Set(notifier.messages.map((m) => m.id)).size).toBe(1);
    const offer = notifier.messages[0]!.offer;
    const result = await tix.confirmPayment({ holdId: offer.holdId, paymentId: 'pw', amount: 50 });
    expect(result.outcome).toBe('issued');
    await expectSettledInvariants(tix, 'e');
  },
});

crashAtEveryStep<{ entryId: string }>({
  name: 'offer handling: the sweeper expires an offer and moves the line on',
  async setup({ tix, clock, notifier }) {
    await tix.createEvent({ id: 'e', name: 'E', capacity: 1 });
    const hold = await tix.hold({ eventId: 'e', userId: 'ada' });
    const first = await tix.joinWaitlist({ eventId: 'e', userId: 'wes', quantity: 1 });
    await tix.joinWaitlist({ eventId: 'e', userId: 'zoe', quantity: 1 });
    await tix.releaseHold(hold.id);
    expect(notifier.messages.map((m) => m.userId)).toEqual(['wes']);
    clock.advance(10_000);
    return { entryId: first.entryId };
  },
  act: ({ tix }) => tix.expireHolds(),
  async verify({ tix, notifier }, { entryId }) {
    expect([...new Set(notifier.messages.map((m) => m.userId))]).toEqual(['wes', 'zoe']);
    expect((await tix.waitlistEntry('e', entryId)).status).toBe('expired');
    const zoe = notifier.messages.find((m) => m.userId === 'zoe')!;
    expect((await tix.confirmPayment({ holdId: zoe.offer.holdId, paymentId: 'pz', amount: 1 })).outcome).toBe('issued');
    await expectSettledInvariants(tix, 'e');
  },
});

crashAtEveryStep<{ offerHoldId: string }>({
  name: 'offer handling: confirming an offer',
  async setup({ tix, notifier }) {
    await tix.createEvent({ id: 'e', name: 'E', capacity: 1 });
    const hold = await tix.hold({ eventId: 'e', userId: 'ada' });
    await tix.joinWaitlist({ eventId: 'e', userId: 'wes', quantity: 1 });
    await tix.releaseHold(hold.id);
    return { offerHoldId: notifier.messages[0]!.offer.holdId };
  },
  act: ({ tix }, { offerHoldId }) => tix.confirmPayment({ holdId: offerHoldId, paymentId: 'pw', amount: 50 }),
  async verify({ tix }, { offerHoldId }) {
    const result = await tix.confirmPayment({ holdId: offerHoldId, paymentId: 'pw', amount: 50 });
    expect(result.outcome).toBe('issued');
    const doc = await tix.checkInvariants('e', { settled: true });
    expect(doc.ok).toBe(true);
    // bought: the entry is done and will never be offered again
    await tix.returnTickets({ orderId: (result as { order: Order }).order.id });
    expect((await tix.availability('e')).status).toBe('on_sale');
  },
});

describe('notifier and payment provider failures', () => {
  it('a notifier that throws at every attempt loses nothing: the outbox delivers once it recovers', async () => {
    const w = world();
    await w.tix.createEvent({ id: 'e', name: 'E', capacity: 3 });
    const holds = await Promise.all(['a', 'b', 'c'].map((u) => w.tix.hold({ eventId: 'e', userId: u })));
    for (const u of ['x', 'y', 'z']) await w.tix.joinWaitlist({ eventId: 'e', userId: u, quantity: 1 });
    w.notifier.failNext = 1_000;
    for (const h of holds) await w.tix.releaseHold(h.id);
    expect(await w.tix.deliverNotifications()).toEqual({ delivered: 0, failed: 1 });
    w.notifier.failNext = 0;
    expect(await w.tix.deliverNotifications()).toEqual({ delivered: 3, failed: 0 });
    expect(w.notifier.messages.map((m) => m.userId)).toEqual(['x', 'y', 'z']);
  });

  it('a store failure while marking a notice delivered leaves it queued; the sweeper redelivers it', async () => {
    const setup = async (w: World) => {
      await w.tix.createEvent({ id: 'e', name: 'E', capacity: 1 });
      const hold = await w.tix.hold({ eventId: 'e', userId: 'a' });
      await w.tix.joinWaitlist({ eventId: 'e', userId: 'w', quantity: 1 });
      return hold;
    };
    const dry = world();
    const dryHold = await setup(dry);
    Object.assign(dry.plan, { armed: true, failAt: Number.POSITIVE_INFINITY, calls: 0, log: [] });
    await dry.tix.releaseHold(dryHold.id);
    const failAt = dry.plan.log.indexOf('markNoticeDelivered') + 1;
    expect(failAt).toBeGreaterThan(0);
    const w = world();
    const hold = await setup(w);
    Object.assign(w.plan, { armed: true, failAt, mode: 'before', calls: 0, log: [] });
    await w.tix.releaseHold(hold.id); // the notifier was told, the store failed to record it
    w.plan.armed = false;
    expect(w.notifier.messages).toHaveLength(1);
    expect((await w.tix.expireHolds()).notified).toBe(1); // at least once: redelivered with the same id
    expect(w.notifier.messages.map((m) => m.id)).toEqual([w.notifier.messages[0]!.id, w.notifier.messages[0]!.id]);
    expect((await w.tix.expireHolds()).notified).toBe(0);
  });

  it('a refund call that fails is retried by the next confirmation and recorded once', async () => {
    const w = world();
    await w.tix.createEvent({ id: 'e', name: 'E', capacity: 1 });
    const a = await w.tix.hold({ eventId: 'e', userId: 'a' });
    w.clock.advance(10_000);
    await w.tix.hold({ eventId: 'e', userId: 'b' });
    w.payments.failNext = 1;
    await expect(w.tix.confirmPayment({ holdId: a.id, paymentId: 'p', amount: 9 })).rejects.toThrow(/injected refund/);
    const payment = (await w.tix.checkInvariants('e')).checks.find((c) => c.name === 'payments')!;
    expect(payment.detail).toContain('1 refunded'); // refunding: decided and durable before the provider call
    expect(await w.tix.confirmPayment({ holdId: a.id, paymentId: 'p', amount: 9 })).toMatchObject({
      outcome: 'refunded',
    });
    expect(w.payments.calls).toEqual([{ paymentId: 'p', amount: 9 }]);
    const types = (await w.tix.audit('e')).map((e) => e.type).filter((t) => t.startsWith('refund'));
    expect(types).toEqual(['refund_requested', 'refund_completed']);
  });
});
