import { performance } from 'node:perf_hooks';
import { HoldNotActiveError, InvalidArgumentError, PerUserLimitError, SoldOutError } from './errors.js';
import { assertInteger, assertKnownOptions } from './input-validation.js';
import type { InvariantReport } from './invariants.js';
import { memoryStore } from './memory-store.js';
import type { RefundReason } from './records.js';
import { SeededRandom } from './seeded-random.js';
import type { Notifier, OfferMessage, PaymentGateway, Ticketing } from './ticketing.js';
import { createTicketing } from './ticketing.js';
import type { TicketingStore } from './ticketing-store.js';
import { VirtualScheduler } from './virtual-scheduler.js';

/**
 * Options of {@link simulateFlashSale}. Rates are probabilities in [0, 1].
 *
 * @example
 * ```ts
 * const options: FlashSaleOptions = { capacity: 1_000, buyers: 20_000, holdTtlMs: 120_000, abandonRate: 0.2, seed: 7 };
 * ```
 */
export interface FlashSaleOptions {
  /** Tickets on sale. */
  capacity: number;
  /** Simulated buyers (about 5% of them come back as the same user, to exercise per-user limits). */
  buyers: number;
  /**
   * Hold lifetime in (virtual) ms.
   * @default 120_000
   */
  holdTtlMs?: number;
  /**
   * Share of buyers whose payment fails (they release the hold).
   * @default 0.1
   */
  paymentFailureRate?: number;
  /**
   * Share of buyers who abandon the purchase page (the hold expires).
   * @default 0.2
   */
  abandonRate?: number;
  /**
   * Seed of the pseudo-random buyer behaviour: the same seed gives the same counts.
   * @default 1
   */
  seed?: number;
  /**
   * Most tickets per user.
   * @default 4
   */
  perUserLimit?: number;
  /**
   * Largest quantity one buyer asks for (1 is most common).
   * @default 3
   */
  maxQuantity?: number;
  /**
   * Share of turned-away buyers who join the waitlist.
   * @default 0.5
   */
  waitlistRate?: number;
  /**
   * Share of buyers with tickets who later return some.
   * @default 0.05
   */
  returnRate?: number;
  /**
   * Share of confirmations delivered twice concurrently and once more later, followed by a
   * `beginPayment` that arrives after them (out of order).
   * @default 0.1
   */
  duplicateConfirmRate?: number;
  /**
   * Share of paying buyers whose confirmation arrives after the hold expired.
   * @default 0.05
   */
  lateConfirmRate?: number;
  /**
   * Buyers arrive uniformly over this window, in ms.
   * @default 30_000
   */
  arrivalWindowMs?: number;
  /**
   * Waitlist offer lifetime, in ms.
   * @default 60_000
   */
  offerTtlMs?: number;
  /**
   * `beginPayment` grace, in ms.
   * @default 60_000
   */
  paymentGraceMs?: number;
  /**
   * Sell named seats (`S1…Sn`) instead of general admission.
   * @default false
   */
  seated?: boolean;
  /**
   * How often the sweeper (`expireHolds`) runs, in ms; 0 never runs it (correctness does not need it,
   * only the end of the simulation does, to hand the last freed units to the waitlist).
   * @default 15_000
   */
  sweepIntervalMs?: number;
  /**
   * Run the full invariant check (from the raw records) at most every this many steps, and at the
   * end. A full check reads every record of the event, so it also waits until the operations
   * made have doubled since the last one: the checks then cost a bounded amount per operation
   * however large the sale grows (the spacing grows with the event instead of the cost per
   * operation). The capacity check runs every `capacityCheckEvery` steps.
   * @default 2_000
   */
  fullCheckEvery?: number;
  /**
   * Run the capacity check (`availability`: sold + held + offered <= capacity) every this many
   * steps. Every step by default; a remote store whose `availability` reads every partition may
   * space it out for long runs.
   * @default 1
   */
  capacityCheckEvery?: number;
  /**
   * Store to run against.
   * @default memoryStore({ auditRetention: 10_000 }) (the report counts expirations as they happen)
   */
  store?: TicketingStore;
  /** Refunds go here too (the simulation records them either way). */
  payments?: PaymentGateway;
  /** Offer notifications go here too, before the simulated user reacts. */
  notifier?: Notifier;
  /** Called after every step (virtual instant), for extra checks. */
  onStep?: (step: FlashSaleStep) => void | Promise<void>;
}

const FLASH_SALE_OPTIONS = [
  'capacity',
  'buyers',
  'holdTtlMs',
  'paymentFailureRate',
  'abandonRate',
  'seed',
  'perUserLimit',
  'maxQuantity',
  'waitlistRate',
  'returnRate',
  'duplicateConfirmRate',
  'lateConfirmRate',
  'arrivalWindowMs',
  'offerTtlMs',
  'paymentGraceMs',
  'seated',
  'sweepIntervalMs',
  'fullCheckEvery',
  'capacityCheckEvery',
  'store',
  'payments',
  'notifier',
  'onStep',
] as const;

/** What {@link FlashSaleOptions.onStep} receives. */
export interface FlashSaleStep {
  /** Step number, from 1. */
  readonly step: number;
  /** Virtual epoch ms. */
  readonly now: number;
  /** The event. */
  readonly eventId: string;
  /** The ticketing service of the run. */
  readonly tix: Ticketing;
}

/** The outcome of {@link simulateFlashSale}. Every count is deterministic for a seed; timings are not. */
export interface FlashSaleReport {
  /** The random seed (same seed, same run). */
  readonly seed: number;
  /** Units for sale. */
  readonly capacity: number;
  /** Buyers simulated. */
  readonly buyers: number;
  /** Tickets sold at the end (returns deducted). */
  readonly sold: number;
  /** Orders issued. */
  readonly orders: number;
  /** Confirmed payments refunded, total and by reason. */
  readonly refunded: number;
  /** Refunds by reason. */
  readonly refundReasons: Readonly<Partial<Record<RefundReason, number>>>;
  /** Holds and offers that expired (abandoned, slow or late). */
  readonly expiredHolds: number;
  /** Holds released after a failed payment or a declined offer. */
  readonly releasedHolds: number;
  /** Holds abandoned (left to expire). */
  readonly abandoned: number;
  /** Payments that failed at the provider. */
  readonly paymentFailures: number;
  /** Holds refused: `all_held` (may free up) and `sold_out`. */
  readonly rejected: {
    /** Refused while everything was held (could free up). */
    readonly allHeld: number;
    /** Refused because everything was sold. */
    readonly soldOut: number;
    /** Refused by the per-user limit. */
    readonly perUserLimit: number;
  };
  /** Waitlist figures. */
  readonly waitlist: {
    /** Entries that joined the line. */
    readonly joined: number;
    /** Offers made. */
    readonly offers: number;
    /** Offers bought. */
    readonly purchases: number;
    /** Offers that expired unused. */
    readonly expiredOffers: number;
  };
  /** Tickets returned. */
  readonly returnedTickets: number;
  /** Confirmations sent more than once (each answered identically). */
  readonly duplicateConfirmations: number;
  /** Confirmations that arrived after the hold expired. */
  readonly lateConfirmations: number;
  /** Largest `sold + held + offered - capacity` seen at any step (never above 0). */
  readonly oversold: number;
  /** `capacity - sold` once everything settled; equals `finalAvailable` when the invariants hold. */
  readonly expectedAvailable: number;
  /** Units available at the end (capacity − sold when everything settled). */
  readonly finalAvailable: number;
  /** Invariant checks made during and after the run. */
  readonly invariants: {
    /** Capacity checks run (one per `capacityCheckEvery` steps). */
    readonly continuousChecks: number;
    /** Full checks run from the raw records. */
    readonly fullChecks: number;
    /** Descriptions of every failed check (empty when all held). */
    readonly violations: readonly string[];
    /** The final, settled check, check by check. */
    readonly final: InvariantReport;
  };
  /** Virtual instants simulated and their span in ms. */
  readonly steps: number;
  /** Length of the sale in virtual time, ms. */
  readonly virtualDurationMs: number;
  /** Wall-clock figures. */
  readonly wallMs: number;
  /** Operations and buyers per second of wall time. */
  readonly throughput: {
    /** Store operations per wall-clock second. */
    readonly operationsPerSecond: number;
    /** Buyers per wall-clock second. */
    readonly buyersPerSecond: number;
  };
  /** Wall-clock latency of `hold` calls, ms (includes waiting behind interleaved buyers). */
  readonly holdLatencyMs: {
    /** Median, ms. */
    readonly p50: number;
    /** 99th percentile, ms. */
    readonly p99: number;
  };
}

/**
 * Runs a deterministic flash sale in virtual time against a real {@link Ticketing} instance:
 * buyers arrive, hold, abandon, fail payments, pay (some twice, some out of order, some late),
 * return tickets, join the waitlist and answer offers; the invariants are checked at every step.
 *
 * @example
 * ```ts
 * import { simulateFlashSale } from '@x/ticketing';
 *
 * const report = await simulateFlashSale({
 *   capacity: 1000, buyers: 20_000, holdTtlMs: 120_000, paymentFailureRate: 0.1, abandonRate: 0.2, seed: 7,
 * });
 * console.log(report.sold, report.oversold, report.invariants.final.ok);
 * ```
 */
export async function simulateFlashSale(options: FlashSaleOptions): Promise<FlashSaleReport> {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', 'an object', options);
  assertKnownOptions('simulateFlashSale', options, FLASH_SALE_OPTIONS);
  assertInteger('capacity', options.capacity, 1);
  assertInteger('buyers', options.buyers, 1);
  const o = {
    holdTtlMs: options.holdTtlMs ?? 120_000,
    paymentFailureRate: options.paymentFailureRate ?? 0.1,
    abandonRate: options.abandonRate ?? 0.2,
    seed: options.seed ?? 1,
    perUserLimit: options.perUserLimit ?? 4,
    maxQuantity: options.maxQuantity ?? 3,
    waitlistRate: options.waitlistRate ?? 0.5,
    returnRate: options.returnRate ?? 0.05,
    duplicateConfirmRate: options.duplicateConfirmRate ?? 0.1,
    lateConfirmRate: options.lateConfirmRate ?? 0.05,
    arrivalWindowMs: options.arrivalWindowMs ?? 30_000,
    offerTtlMs: options.offerTtlMs ?? 60_000,
    paymentGraceMs: options.paymentGraceMs ?? 60_000,
    sweepIntervalMs: options.sweepIntervalMs ?? 15_000,
    fullCheckEvery: options.fullCheckEvery ?? 2_000,
    capacityCheckEvery: options.capacityCheckEvery ?? 1,
  };
  assertInteger('holdTtlMs', o.holdTtlMs, 1);
  assertInteger('seed', o.seed, 0);
  assertInteger('perUserLimit', o.perUserLimit, 1);
  assertInteger('maxQuantity', o.maxQuantity, 1, o.perUserLimit);
  assertInteger('arrivalWindowMs', o.arrivalWindowMs, 0);
  assertInteger('offerTtlMs', o.offerTtlMs, 1);
  assertInteger('paymentGraceMs', o.paymentGraceMs, 0);
  assertInteger('sweepIntervalMs', o.sweepIntervalMs, 0);
  assertInteger('fullCheckEvery', o.fullCheckEvery, 1);
  assertInteger('capacityCheckEvery', o.capacityCheckEvery, 1);
  for (const name of [
    'paymentFailureRate',
    'abandonRate',
    'waitlistRate',
    'returnRate',
    'duplicateConfirmRate',
    'lateConfirmRate',
  ] as const) {
    const rate = o[name];
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))
      throw new InvalidArgumentError(name, 'a number from 0 to 1', rate);
  }

  const expirations = { holds: 0, offers: 0 };
  const random = new SeededRandom(o.seed);
  const scheduler = new VirtualScheduler(0);
  const offerHandlers: ((message: OfferMessage) => void)[] = [];
  const tix = createTicketing({
    store: countingExpirations(options.store ?? memoryStore({ auditRetention: 10_000 }), expirations),
    clock: scheduler,
    holdTtlMs: o.holdTtlMs,
    paymentGraceMs: o.paymentGraceMs,
    offerTtlMs: o.offerTtlMs,
    ...(options.payments ? { payments: options.payments } : {}),
    notifier: {
      notify: async (message) => {
        await options.notifier?.notify(message);
        for (const handler of offerHandlers) handler(message);
      },
    },
  });
  const eventId = 'flash-sale';
  await tix.createEvent({
    id: eventId,
    name: 'Flash sale',
    ...(options.seated
      ? { seats: Array.from({ length: options.capacity }, (_, i) => `S${i + 1}`) }
      : { capacity: options.capacity }),
    perUserLimit: o.perUserLimit,
  });

  const c = {
    operations: 0,
    orders: 0,
    refunded: 0,
    refundReasons: {} as Partial<Record<RefundReason, number>>,
    releasedHolds: 0,
    abandoned: 0,
    paymentFailures: 0,
    allHeld: 0,
    soldOut: 0,
    perUserLimit: 0,
    joined: 0,
    offers: 0,
    purchases: 0,
    returnedTickets: 0,
    duplicateConfirmations: 0,
    lateConfirmations: 0,
  };
  const violations: string[] = [];
  const latencies: number[] = [];
  /** Every buyer, offer handler and the sweeper: the scheduler counts them (`live`) and waits for them. */
  const track = (task: Promise<void>) => {
    scheduler.track(task);
    task.catch((error: unknown) => {
      violations.push(`task failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  };
  let paymentSeq = 0;

  const purchase = async (holdId: string, quantity: number, isOffer: boolean): Promise<void> => {
    if (random.chance(o.abandonRate)) {
      c.abandoned++;
      return;
    }
    await scheduler.sleep(random.int(1_000, Math.floor((isOffer ? o.offerTtlMs : o.holdTtlMs) * 0.7)));
    const late = random.chance(o.lateConfirmRate);
    if (late) {
      c.lateConfirmations++;
      await scheduler.sleep(o.holdTtlMs + o.paymentGraceMs + random.int(1, 10_000));
    } else {
      c.operations++;
      try {
        await tix.beginPayment(holdId);
      } catch (error) {
        if (!(error instanceof HoldNotActiveError)) throw error;
      }
      await scheduler.sleep(random.int(100, 5_000));
    }
    if (random.chance(o.paymentFailureRate)) {
      c.paymentFailures++;
      c.operations++;
      await tix.releaseHold(holdId);
      c.releasedHolds++;
      return;
    }
    const paymentId = `pay_${++paymentSeq}`;
    const amount = quantity * 50;
    const confirm = () => {
      c.operations++;
      return tix.confirmPayment({ holdId, paymentId, amount });
    };
    let result: Awaited<ReturnType<Ticketing['confirmPayment']>>;
    if (random.chance(o.duplicateConfirmRate)) {
      c.duplicateConfirmations++;
      const [a, b] = await Promise.all([confirm(), confirm()]);
      await scheduler.sleep(random.int(0, 2_000));
      const d = await confirm();
      // …and a beginPayment that arrives after the confirmation (out of order): refused, harmless.
      c.operations++;
      await tix.beginPayment(holdId).then(
        () => violations.push(`payment ${paymentId}: beginPayment accepted after confirmation`),
        (error: unknown) => {
          if (!(error instanceof HoldNotActiveError)) throw error;
        },
      );
      if (JSON.stringify(a) !== JSON.stringify(b) || a.outcome !== d.outcome) {
        violations.push(`payment ${paymentId}: duplicate confirmations disagreed`);
      }
      result = a;
    } else {
      result = await confirm();
    }
    if (result.outcome === 'refunded') {
      c.refunded++;
      c.refundReasons[result.reason] = (c.refundReasons[result.reason] ?? 0) + 1;
      return;
    }
    c.orders++;
    if (isOffer) c.purchases++;
    if (random.chance(o.returnRate)) {
      await scheduler.sleep(random.int(1_000, 30_000));
      const tickets = result.tickets;
      const some = tickets.slice(0, random.int(1, tickets.length)).map((t) => t.id);
      c.operations++;
      const returned = await tix.returnTickets({ orderId: result.order.id, ticketIds: some });
      c.returnedTickets += returned.returned.length;
    }
  };

  offerHandlers.push((message) => {
    c.offers++;
    track(
      (async () => {
        await scheduler.sleep(random.int(100, 2_000));
        if (random.chance(0.15)) {
          c.operations++;
          const released = await tix.releaseHold(message.offer.holdId);
          if (released.status === 'released') c.releasedHolds++;
          return;
        }
        await purchase(message.offer.holdId, message.offer.quantity, true);
      })(),
    );
  });

  const distinctUsers = Math.max(1, Math.ceil(options.buyers * 0.95));
  const buyer = async (i: number): Promise<void> => {
    const userId = `u${i % distinctUsers}`;
    const r = random.next();
    const quantity = Math.min(o.maxQuantity, options.capacity, r < 0.6 ? 1 : r < 0.9 ? 2 : 3);
    const started = performance.now();
    c.operations++;
    let hold: Awaited<ReturnType<Ticketing['hold']>>;
    try {
      hold = await tix.hold({ eventId, userId, quantity });
    } catch (error) {
      latencies.push(performance.now() - started);
      if (error instanceof PerUserLimitError) {
        c.perUserLimit++;
        return;
      }
      if (!(error instanceof SoldOutError)) throw error;
      if (error.availability === 'sold_out') c.soldOut++;
      else c.allHeld++;
      if (random.chance(o.waitlistRate)) {
        c.operations++;
        try {
          await tix.joinWaitlist({ eventId, userId, quantity });
          c.joined++;
        } catch (joinError) {
          if (!(joinError instanceof PerUserLimitError)) throw joinError;
        }
      }
      return;
    }
    latencies.push(performance.now() - started);
    await purchase(hold.id, hold.quantity, false);
  };

  const wallStart = performance.now();
  // Buyers arrive spread over the window (buyer i in the i-th slice of it, at a random instant of
  // that slice) and are created only when they arrive: the simulation holds live buyers, not a
  // parked task per future buyer (a million of those made every step pay for a huge heap).
  let arrivalsDone = false;
  track(
    (async () => {
      const slice = o.arrivalWindowMs / options.buyers;
      for (let i = 0; i < options.buyers; i++) {
        const at = Math.floor(i * slice + random.next() * slice);
        if (at > scheduler.now()) await scheduler.sleep(at - scheduler.now());
        track(buyer(i));
      }
      arrivalsDone = true;
    })(),
  );
  if (o.sweepIntervalMs > 0) {
    const sweeper = (async () => {
      for (;;) {
        await scheduler.sleep(o.sweepIntervalMs);
        c.operations++;
        await tix.expireHolds({ eventId });
        const a = await tix.availability(eventId);
        // Stop once every buyer is done and nothing is live any more.
        if (arrivalsDone && scheduler.live === 1 && a.held + a.offered === 0) return;
      }
    })();
    track(sweeper);
  }

  let lastFullCheck = { step: 0, operations: 0 };
  let oversold = Number.NEGATIVE_INFINITY;
  let continuousChecks = 0;
  let fullChecks = 0;
  const recordReport = (report: InvariantReport, now: number) => {
    fullChecks++;
    for (const check of report.checks) if (!check.ok) violations.push(`t=${now} ${check.name}: ${check.detail}`);
  };
  let step = 0;
  const onStep = async (now: number) => {
    step++;
    if (step % o.capacityCheckEvery === 0) {
      const a = await tix.availability(eventId);
      continuousChecks++;
      oversold = Math.max(oversold, a.sold + a.held + a.offered - a.capacity);
    }
    // The records a full check reads grow at most in proportion to the operations made, so
    // spacing checks until the operations have doubled keeps their total cost linear.
    if (step - lastFullCheck.step >= o.fullCheckEvery && c.operations >= 2 * lastFullCheck.operations) {
      recordReport(await tix.checkInvariants(eventId), now);
      lastFullCheck = { step, operations: c.operations };
    }
    if (options.onStep) await options.onStep({ step, now, eventId, tix });
  };
  let steps = await scheduler.run(onStep);
  // Settle (needed without a sweeper): let everything live expire, hand freed units to the
  // waitlist, and let those offers play out, until nothing is live. Expiry is settled before
  // each look: a hold that expired unsettled counts as neither held nor offered, but settling
  // it hands its units to the line, which makes new offers.
  for (;;) {
    await tix.expireHolds({ eventId });
    steps += await scheduler.run(onStep);
    const a = await tix.availability(eventId);
    if (a.held + a.offered === 0 && scheduler.live === 0) break;
    scheduler.advance(Math.max(o.holdTtlMs + o.paymentGraceMs, o.offerTtlMs) + 1);
  }
  const wallMs = performance.now() - wallStart;
  const final = await tix.checkInvariants(eventId, { settled: true });
  recordReport(final, scheduler.now());
  const availability = await tix.availability(eventId);
  const expiredHolds = expirations.holds + expirations.offers;
  const expiredOffers = expirations.offers;
  if (availability.available !== options.capacity - availability.sold) {
    violations.push(
      `settled: available ${availability.available} != capacity - sold ${options.capacity - availability.sold}`,
    );
  }
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) =>
    latencies.length === 0 ? 0 : latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  return {
    seed: o.seed,
    capacity: options.capacity,
    buyers: options.buyers,
    sold: availability.sold,
    orders: c.orders,
    refunded: c.refunded,
    refundReasons: c.refundReasons,
    expiredHolds,
    releasedHolds: c.releasedHolds,
    abandoned: c.abandoned,
    paymentFailures: c.paymentFailures,
    rejected: { allHeld: c.allHeld, soldOut: c.soldOut, perUserLimit: c.perUserLimit },
    waitlist: { joined: c.joined, offers: c.offers, purchases: c.purchases, expiredOffers },
    returnedTickets: c.returnedTickets,
    duplicateConfirmations: c.duplicateConfirmations,
    lateConfirmations: c.lateConfirmations,
    oversold: Math.max(0, oversold),
    expectedAvailable: options.capacity - availability.sold,
    finalAvailable: availability.available,
    invariants: { continuousChecks, fullChecks, violations, final },
    steps,
    virtualDurationMs: scheduler.now(),
    wallMs,
    throughput: {
      operationsPerSecond: Math.round(c.operations / (wallMs / 1000)),
      buyersPerSecond: Math.round(options.buyers / (wallMs / 1000)),
    },
    holdLatencyMs: { p50: percentile(50), p99: percentile(99) },
  };
}

/**
 * Wraps a store to count hold and offer expirations from the audit entries each allocation
 * writes (the last run of a retried update counts), so the report needs no full audit log.
 */
function countingExpirations(store: TicketingStore, counts: { holds: number; offers: number }): TicketingStore {
  const openAllocator: TicketingStore['openAllocator'] = (context) =>
    store.openAllocator({
      ...context,
      noticesMade: (notices) => context.noticesMade(notices),
      audited: (entries) => {
        for (const entry of entries) {
          if (entry.type === 'hold_expired') counts.holds++;
          else if (entry.type === 'offer_expired') counts.offers++;
        }
        context.audited?.(entries);
      },
    });
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'openAllocator') return openAllocator;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Formats a {@link FlashSaleReport} as plain-text lines for a terminal: the counts, then one line
 * per invariant check (`ok`/`FAIL`, name, detail).
 *
 * @example
 * ```ts
 * import { formatFlashSaleReport, simulateFlashSale } from '@x/ticketing';
 *
 * const report = await simulateFlashSale({ capacity: 1000, buyers: 20_000, seed: 7 });
 * console.log(formatFlashSaleReport(report));
 * ```
 */
export function formatFlashSaleReport(report: FlashSaleReport): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const reasons = Object.entries(report.refundReasons)
    .map(([reason, count]) => `${reason} ${n(count ?? 0)}`)
    .join(', ');
  const lines = [
    `flash sale: ${n(report.buyers)} buyers, ${n(report.capacity)} tickets, seed ${report.seed}`,
    `  sold ${n(report.sold)} in ${n(report.orders)} orders; refunded ${n(report.refunded)}${reasons ? ` (${reasons})` : ''}`,
    `  holds: ${n(report.expiredHolds)} expired, ${n(report.releasedHolds)} released, ${n(report.abandoned)} abandoned, ${n(report.paymentFailures)} failed payments`,
    `  turned away: ${n(report.rejected.allHeld)} all_held, ${n(report.rejected.soldOut)} sold_out, ${n(report.rejected.perUserLimit)} over the per-user limit`,
    `  waitlist: ${n(report.waitlist.joined)} joined, ${n(report.waitlist.offers)} offers, ${n(report.waitlist.purchases)} bought, ${n(report.waitlist.expiredOffers)} offers expired`,
    `  returned tickets ${n(report.returnedTickets)}, duplicate confirmations ${n(report.duplicateConfirmations)}, late confirmations ${n(report.lateConfirmations)}`,
    `  oversold ${report.oversold}; available at the end ${n(report.finalAvailable)} (capacity - sold = ${n(report.expectedAvailable)})`,
    `  ${n(report.steps)} steps over ${(report.virtualDurationMs / 1000).toFixed(0)} s of virtual time in ${(report.wallMs / 1000).toFixed(2)} s; ${n(report.throughput.operationsPerSecond)} operations/s; hold latency p50 ${report.holdLatencyMs.p50.toFixed(3)} ms, p99 ${report.holdLatencyMs.p99.toFixed(3)} ms`,
    `invariants: ${n(report.invariants.continuousChecks)} per-step checks, ${n(report.invariants.fullChecks)} full checks, ${n(report.invariants.violations.length)} violations`,
    ...report.invariants.final.checks.map(
      (check) => `  ${check.ok ? 'ok  ' : 'FAIL'} ${check.name.padEnd(15)} ${check.detail}`,
    ),
    ...report.invariants.violations.slice(0, 10).map((violation) => `  violation: ${violation}`),
  ];
  return lines.join('\n');
}
