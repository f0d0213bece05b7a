import { type ConfirmResult, createTicketing, type OfferMessage, SoldOutError } from '@x/ticketing';
import type { CliContext } from '../cli-context.js';
import { formatDuration } from '../progress-display.js';
import { check, type DemoCheck, type DemoSection, type DemoSectionResult } from './demo-section.js';
import { seededRandom } from './seeded-random.js';

const capacity = 1_000;
const buyers = 20_000;
const wave = 500;
const perUserLimit = 4;
const holdTtlMs = 120_000;
const offerTtlMs = 60_000;
const eventId = 'flash-sale';

/** A manual clock: the sale runs in simulated time, so holds expire without waiting. */
class SaleClock {
  #now = Date.UTC(2026, 0, 1, 10);
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

/**
 * A flash sale driven through the public API of @x/ticketing: 20,000 buyers for 1,000 tickets in
 * waves of concurrent buyers, with abandoned holds, failed and duplicate and late payments,
 * returns, and the waitlist taking freed tickets first. Invariants are checked after every wave.
 */
export const ticketingSection: DemoSection = {
  title: 'Flash sale (@x/ticketing)',
  async run(context: CliContext): Promise<DemoSectionResult> {
    const random = seededRandom(7);
    const clock = new SaleClock();
    const refunds = new Map<string, number>();
    const notices: OfferMessage[] = []; // first delivery of each notice (delivery is at least once)
    const noticeIds = new Set<string>();
    const tix = createTicketing({
      clock,
      holdTtlMs,
      paymentGraceMs: 30_000,
      offerTtlMs,
      payments: {
        refund: async (paymentId) => {
          refunds.set(paymentId, (refunds.get(paymentId) ?? 0) + 1);
        },
      },
      notifier: {
        notify: async (message) => {
          if (noticeIds.has(message.id)) return;
          noticeIds.add(message.id);
          notices.push(message);
        },
      },
    });
    await tix.createEvent({ id: eventId, name: 'Flash sale', capacity, perUserLimit });

    const outcomes = new Map<string, ConfirmResult['outcome']>();
    const outcomeMismatches: string[] = [];
    const issuedOrders: { orderId: string; userId: string }[] = [];
    const ticketsByUser = new Map<string, number>();
    const waitlistOrder: string[] = []; // entry ids in join order
    const latePayments: { holdId: string; paymentId: string; amount: number }[] = [];
    let invariantViolations = 0;
    let invariantChecks = 0;
    let holds = 0;
    let soldOutAnswers = 0;
    let abandoned = 0;
    let failedPayments = 0;
    let duplicates = 0;

    const record = (paymentId: string, result: ConfirmResult, userId: string) => {
      const previous = outcomes.get(paymentId);
      if (previous !== undefined && previous !== result.outcome) outcomeMismatches.push(paymentId);
      if (previous !== undefined) return;
      outcomes.set(paymentId, result.outcome);
      if (result.outcome === 'issued') {
        issuedOrders.push({ orderId: result.order.id, userId });
        ticketsByUser.set(userId, (ticketsByUser.get(userId) ?? 0) + result.tickets.length);
      }
    };
    const pay = async (holdId: string, userId: string, paymentId: string, amount: number) => {
      await tix.beginPayment(holdId);
      record(paymentId, await tix.confirmPayment({ holdId, paymentId, amount }), userId);
    };
    // invariant: sold + live holds + live offers <= capacity, and nothing is negative
    const checkInvariants = async () => {
      invariantChecks++;
      const a = await tix.availability(eventId);
      if (a.sold + a.held + a.offered > capacity || a.available < 0 || a.sold > capacity) invariantViolations++;
    };
    let handledNotices = 0;
    const answerOffers = async () => {
      const fresh = notices.slice(handledNotices);
      handledNotices = notices.length;
      await Promise.all(
        fresh.map(async (notice) => {
          // Most people offered a ticket buy it; some let the offer expire.
          if (random() < 0.25) return;
          await pay(notice.offer.holdId, notice.userId, `pay-${notice.id}`, 50 * notice.offer.quantity);
        }),
      );
      return fresh.length;
    };

    const start = performance.now();
    for (let first = 0; first < buyers; first += wave) {
      const batch = Array.from({ length: Math.min(wave, buyers - first) }, (_, i) => first + i);
      await Promise.all(
        batch.map(async (buyer) => {
          const userId = `buyer-${buyer}`;
          const quantity = random() < 0.3 ? 2 : 1;
          let holdId: string;
          try {
            holdId = (await tix.hold({ eventId, userId, quantity })).id;
            holds++;
          } catch (error) {
            if (!(error instanceof SoldOutError)) throw error;
            soldOutAnswers++;
            if (random() < 0.3) {
              // The slot is taken when the buyer joins, not when the answer arrives: answers of
              // concurrent calls may come back in any order.
              const slot = waitlistOrder.push('') - 1;
              const joined = await tix.joinWaitlist({ eventId, userId, quantity: 1 });
              waitlistOrder[slot] = joined.entryId;
            }
            return;
          }
          const fate = random();
          const paymentId = `pay-${buyer}`;
          const amount = 50 * quantity;
          if (fate < 0.2) {
            abandoned++; // never comes back: the hold expires
          } else if (fate < 0.3) {
            failedPayments++; // card declined: the buyer gives the hold back
            await tix.releaseHold(holdId);
          } else if (fate < 0.35) {
            latePayments.push({ holdId, paymentId, amount }); // pays after the hold expired
          } else {
            await pay(holdId, userId, paymentId, amount);
            if (random() < 0.1) {
              duplicates++; // the payment provider delivers the confirmation twice
              record(paymentId, await tix.confirmPayment({ holdId, paymentId, amount }), userId);
            }
          }
        }),
      );
      await checkInvariants();
      clock.advance(20_000);
      if ((first / wave) % 3 === 2) await tix.expireHolds({ eventId });
      await answerOffers();
      await checkInvariants();
    }

    // Late payments: the hold expired long ago; each ends as an order if inventory is free, else a refund.
    clock.advance(holdTtlMs + 60_000);
    await tix.expireHolds({ eventId });
    for (const late of latePayments) {
      const userId = (await tix.getHold(late.holdId)).userId;
      record(late.paymentId, await tix.confirmPayment({ ...late }), userId);
    }
    await checkInvariants();

    // Returns: a tenth of the orders come back; the waitlist gets the tickets first.
    const returned = issuedOrders.filter(() => random() < 0.1);
    for (const { orderId, userId } of returned) {
      const result = await tix.returnTickets({ orderId });
      ticketsByUser.set(userId, (ticketsByUser.get(userId) ?? 0) - result.returned.length);
    }
    // Offers move down the line as people let them expire, until nobody is left holding one.
    for (let round = 0; round < 50; round++) {
      await tix.deliverNotifications();
      const answered = await answerOffers();
      await checkInvariants();
      clock.advance(offerTtlMs + 1);
      await tix.expireHolds({ eventId });
      if (answered === 0 && (await tix.availability(eventId)).offered === 0) break;
    }
    const elapsed = performance.now() - start;
    const final = await tix.availability(eventId);
    const library = await tix.checkInvariants(eventId, { settled: true });

    const refunded = [...outcomes.values()].filter((outcome) => outcome === 'refunded').length;
    const issued = outcomes.size - refunded;
    const refundedIds = [...outcomes].filter(([, outcome]) => outcome === 'refunded').map(([id]) => id);
    const oneRefundEach =
      refundedIds.every((id) => (refunds.get(id) ?? 0) >= 1) &&
      [...refunds.keys()].every((id) => outcomes.get(id) === 'refunded');
    // Offers go out in join order: the entries notified appear in the order they joined.
    const position = new Map(waitlistOrder.map((entryId, index) => [entryId, index]));
    const offeredPositions = notices.map((notice) => position.get(notice.offer.entryId) ?? -1);
    const inJoinOrder = offeredPositions.every(
      (value, index) => value >= 0 && (index === 0 || value > offeredPositions[index - 1]!),
    );
    const overLimit = [...ticketsByUser.values()].filter((count) => count > perUserLimit).length;

    context.out(
      `  ${buyers.toLocaleString('en-US')} buyers for ${capacity.toLocaleString('en-US')} tickets in waves of ${wave}: ` +
        `${holds.toLocaleString('en-US')} holds, ${soldOutAnswers.toLocaleString('en-US')} "sold out" answers, ${waitlistOrder.length.toLocaleString('en-US')} joined the waitlist`,
    );
    context.out(
      `  ${abandoned} holds abandoned (expired), ${failedPayments} payments failed (released), ${latePayments.length} paid after expiry, ${duplicates} duplicate confirmations`,
    );
    context.out(
      `  ${issued.toLocaleString('en-US')} orders issued, ${refunded} refunds, ${returned.length} orders returned, ${notices.length} waitlist offers made`,
    );
    context.out(
      `  final: sold ${final.sold}, available ${final.available}, held ${final.held}, offered ${final.offered}, status ${final.status}  (${formatDuration(elapsed)})`,
    );
    context.out(
      `  @x/ticketing's own settled check: ${library.checks.map((item) => `${item.name} ${item.ok ? 'ok' : 'FAILED'}`).join(', ')}`,
    );
    const checks: DemoCheck[] = [
      check(
        `never oversold: sold + holds + offers ≤ ${capacity} at all ${invariantChecks} checks`,
        invariantViolations === 0,
        `${invariantViolations} violations`,
      ),
      check(
        'every confirmed payment ended as exactly one order or one refund',
        outcomeMismatches.length === 0 && oneRefundEach,
        `${outcomeMismatches.length} payments changed outcome; refunds ${refunds.size} vs ${refunded}`,
      ),
      check(
        'after everything settled, available = capacity − sold',
        final.available === capacity - final.sold && final.held === 0 && final.offered === 0,
        `available ${final.available}, sold ${final.sold}, held ${final.held}, offered ${final.offered}`,
      ),
      check('waitlist offers went out in join order', notices.length > 0 && inJoinOrder, `${notices.length} offers`),
      check(`no buyer above the per-user limit of ${perUserLimit}`, overLimit === 0, `${overLimit} buyers over`),
      check(
        "@x/ticketing's own invariant report agrees (capacity, payments, orders, waitlist order, settled)",
        library.ok,
        library.checks
          .filter((item) => !item.ok)
          .map((item) => `${item.name}: ${item.detail}`)
          .join('; '),
      ),
    ];
    return {
      summary: `${final.sold} sold, ${refunded} refunded, ${notices.length} waitlist offers, 0 oversold`.replace(
        ', 0 oversold',
        invariantViolations === 0 ? ', 0 oversold' : `, ${invariantViolations} violations`,
      ),
      checks,
    };
  },
};
