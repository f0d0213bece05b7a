import type { EventDocument } from './event-inventory.js';
import type { Order, PaymentRecord } from './records.js';

/** One named invariant and whether it held. */
export interface InvariantCheck {
  /**
   * `capacity`: sold + live holds + live offers <= capacity.
   * `seats`: no seat in two live allocations or tickets.
   * `per_user_limit`: no user above the limit.
   * `payments`: every decided payment has exactly one order or exactly one refund, never both.
   * `orders`: every order matches the sale recorded in the inventory, one order per hold.
   * `waitlist_order`: offers were made in join order, at most one per entry.
   * `settled`: (settled runs only) nothing live and no payment in flight; available = capacity - sold.
   */
  readonly name: 'capacity' | 'seats' | 'per_user_limit' | 'payments' | 'orders' | 'waitlist_order' | 'settled';
  /** Whether the check passed. */
  readonly ok: boolean;
  /** What was measured, or what broke. */
  readonly detail: string;
}

/** The result of checking an event's invariants. */
export interface InvariantReport {
  /** Whether every check held. */
  readonly ok: boolean;
  /** Every check with its outcome. */
  readonly checks: readonly InvariantCheck[];
}

/** What {@link checkInvariants} inspects. */
export interface InvariantInput {
  /** The stored event document. */
  readonly event: EventDocument;
  /** Every order of the event. */
  readonly orders: readonly Order[];
  /** Every payment record of the event. */
  readonly payments: readonly PaymentRecord[];
  /** Epoch ms at which liveness is judged. */
  readonly now: number;
  /** Also require the settled state (no live holds, no payment in flight). */
  readonly settled?: boolean;
}

/**
 * Checks the invariants of one event from its raw records (recomputed from scratch, independent
 * of the inventory's counters). Used by `tix.checkInvariants`, the tests and the simulation.
 *
 * @example
 * ```ts
 * const report = await tix.checkInvariants('gig');
 * for (const check of report.checks) console.log(check.ok ? 'ok  ' : 'FAIL', check.name, check.detail);
 * ```
 */
export function checkInvariants(input: InvariantInput): InvariantReport {
  const { event, orders, payments, now } = input;
  const checks: InvariantCheck[] = [];
  const live = event.allocations.filter((a) => a.expiresAt > now);
  const held = live.reduce((sum, a) => sum + (a.kind === 'hold' ? a.quantity : 0), 0);
  const offered = live.reduce((sum, a) => sum + (a.kind === 'offer' ? a.quantity : 0), 0);
  const sold = event.sales.reduce((sum, s) => sum + s.tickets.length, 0);
  checks.push({
    name: 'capacity',
    ok: sold + held + offered <= event.capacity,
    detail: `sold ${sold} + held ${held} + offered ${offered} = ${sold + held + offered} <= capacity ${event.capacity}`,
  });

  const seatOwners = new Map<string, string>();
  const doubled: string[] = [];
  const claim = (seat: string | null, owner: string) => {
    if (seat === null) return;
    if (seatOwners.has(seat)) doubled.push(seat);
    else seatOwners.set(seat, owner);
  };
  for (const a of live) for (const seat of a.seats ?? []) claim(seat, a.holdId);
  for (const s of event.sales) for (const t of s.tickets) claim(t.seat, s.holdId);
  checks.push({
    name: 'seats',
    ok: doubled.length === 0,
    detail:
      doubled.length === 0
        ? `${seatOwners.size} seat(s) allocated, none twice`
        : `seats allocated twice: ${doubled.slice(0, 5).join(', ')}`,
  });

  const perUser = new Map<string, number>();
  for (const a of live) perUser.set(a.userId, (perUser.get(a.userId) ?? 0) + a.quantity);
  for (const s of event.sales) perUser.set(s.userId, (perUser.get(s.userId) ?? 0) + s.tickets.length);
  const limit = event.perUserLimit;
  const over = limit === null ? [] : [...perUser].filter(([, n]) => n > limit);
  checks.push({
    name: 'per_user_limit',
    ok: over.length === 0,
    detail:
      limit === null
        ? 'no per-user limit'
        : over.length === 0
          ? `max ${Math.max(0, ...perUser.values())} of ${limit} per user`
          : `over the limit: ${over
              .slice(0, 5)
              .map(([u, n]) => `${u}=${n}`)
              .join(', ')}`,
  });

  const refusals = new Map(event.refusals.map((r) => [r.holdId, r]));
  const sales = new Map(event.sales.map((s) => [s.holdId, s]));
  const { check: paymentsCheck, inFlight } = checkPayments(payments, orders, sales, refusals);
  checks.push(paymentsCheck);

  const orderProblems: string[] = [];
  const holdsWithOrders = new Set<string>();
  let validTickets = 0;
  for (const order of orders) {
    if (holdsWithOrders.has(order.holdId)) orderProblems.push(`hold ${order.holdId} has two orders`);
    holdsWithOrders.add(order.holdId);
    const sale = sales.get(order.holdId);
    if (!sale || sale.paymentId !== order.paymentId) {
      orderProblems.push(`order ${order.id} has no matching sale`);
      continue;
    }
    const valid = order.tickets.filter((t) => t.status === 'valid');
    validTickets += valid.length;
    const saleTickets = new Set(sale.tickets.map((t) => t.id));
    // A return frees the inventory first, then marks the order: the order may lag, never lead.
    for (const t of sale.tickets)
      if (!valid.some((v) => v.id === t.id)) orderProblems.push(`ticket ${t.id} sold but not valid in its order`);
    if (input.settled)
      for (const v of valid) if (!saleTickets.has(v.id)) orderProblems.push(`ticket ${v.id} valid but returned`);
  }
  if (input.settled)
    for (const s of event.sales)
      if (!holdsWithOrders.has(s.holdId)) orderProblems.push(`sale of ${s.holdId} has no order`);
  checks.push({
    name: 'orders',
    ok: orderProblems.length === 0,
    detail:
      orderProblems.length === 0
        ? `${orders.length} order(s), ${validTickets} valid ticket(s), ${sold} sold in the inventory`
        : orderProblems.slice(0, 5).join('; '),
  });

  const offeredEntries = event.waitlist.filter((e) => e.offerSeq !== null).sort((a, b) => a.seq - b.seq);
  const waitlistProblems: string[] = [];
  for (let i = 1; i < offeredEntries.length; i++) {
    if (offeredEntries[i]!.offerSeq! < offeredEntries[i - 1]!.offerSeq!) {
      waitlistProblems.push(`entry #${offeredEntries[i]!.seq} offered before #${offeredEntries[i - 1]!.seq}`);
    }
  }
  const offerHolds = new Set<string>();
  for (const e of offeredEntries) {
    if (offerHolds.has(e.holdId!)) waitlistProblems.push(`offer ${e.holdId} made twice`);
    offerHolds.add(e.holdId!);
  }
  // A waiting entry behind an offered one is fine; an offered entry behind a still-waiting one is not.
  const firstWaiting = event.waitlist
    .filter((e) => e.status === 'waiting')
    .reduce((min, e) => Math.min(min, e.seq), Infinity);
  for (const e of offeredEntries)
    if (e.seq > firstWaiting) waitlistProblems.push(`entry #${e.seq} offered while #${firstWaiting} waits`);
  checks.push({
    name: 'waitlist_order',
    ok: waitlistProblems.length === 0,
    detail:
      waitlistProblems.length === 0
        ? `${offeredEntries.length} offer(s) in join order out of ${event.waitlist.length} entries`
        : waitlistProblems.slice(0, 5).join('; '),
  });

  if (input.settled) {
    const available = event.capacity - sold - held - offered;
    const ok = live.length === 0 && inFlight === 0 && available === event.capacity - sold;
    checks.push({
      name: 'settled',
      ok,
      detail: `available ${available} = capacity ${event.capacity} - sold ${sold}; ${live.length} live allocation(s), ${inFlight} payment(s) in flight`,
    });
  }
  return { ok: checks.every((c) => c.ok), checks };
}

/**
 * The `payments` check of either layout: every issued payment has exactly one order and its hold
 * was sold to it; a refunded one has no order, its hold was not sold to it, and it was never also
 * refused-and-issued. `sales`/`refusals` map a hold id to the payment its sale or refusal names.
 * Returns the check and the number of payments still in flight.
 */
export function checkPayments(
  payments: readonly PaymentRecord[],
  orders: readonly Order[],
  sales: ReadonlyMap<string, { paymentId: string | null }>,
  refusals: ReadonlyMap<string, { paymentId: string }>,
): { check: InvariantCheck; inFlight: number } {
  const ordersByPayment = new Map<string, number>();
  for (const order of orders) ordersByPayment.set(order.paymentId, (ordersByPayment.get(order.paymentId) ?? 0) + 1);
  const problems: string[] = [];
  let issued = 0;
  let refunded = 0;
  let inFlight = 0;
  for (const p of payments) {
    const own = ordersByPayment.get(p.paymentId) ?? 0;
    const sale = sales.get(p.holdId);
    if (p.status === 'issued') {
      issued++;
      if (own !== 1) problems.push(`${p.paymentId} issued with ${own} orders`);
      if (sale?.paymentId !== p.paymentId) problems.push(`${p.paymentId} issued without its sale`);
      if (refusals.get(p.holdId)?.paymentId === p.paymentId) problems.push(`${p.paymentId} both issued and refused`);
    } else if (p.status === 'refunded' || p.status === 'refunding') {
      refunded++;
      if (own !== 0) problems.push(`${p.paymentId} refunded and has an order`);
      if (sale?.paymentId === p.paymentId) problems.push(`${p.paymentId} refunded but its hold was sold to it`);
    } else {
      inFlight++;
      if (own > 1) problems.push(`${p.paymentId} has ${own} orders`);
    }
  }
  return {
    check: {
      name: 'payments',
      ok: problems.length === 0,
      detail:
        problems.length === 0
          ? `${payments.length} payment(s): ${issued} issued (one order each), ${refunded} refunded, ${inFlight} in flight`
          : problems.slice(0, 5).join('; '),
    },
    inFlight,
  };
}
