import { createHash } from 'node:crypto';
import type {
  AllocationRequest,
  Allocator,
  AllocatorContext,
  ExtendResult,
  ReleaseResult,
  SettleRequest,
  TidyResult,
  WaitlistPlace,
} from './allocator.js';
import { UnknownEventError } from './errors.js';
import type {
  AllocateResult,
  AllocationRecord,
  EventDefinition,
  HoldState,
  InventoryCounts,
  RefusalRecord,
  SaleRecord,
  SettleResult,
  WaitlistEntryRecord,
} from './event-inventory.js';
import { orderIdFor } from './event-inventory.js';
import type { InvariantCheck, InvariantReport } from './invariants.js';
import { checkPayments } from './invariants.js';
import {
  type LedgerBackend,
  type LedgerEntry,
  type LedgerHold,
  type LedgerNotice,
  PartitionLedger,
} from './partition-ledger.js';
import type { AuditEntry, AuditType, Notice, Order, PaymentRecord, RefundReason } from './records.js';

/**
 * The records the partitioned layout keeps beside its ledger: event definitions, refusals (the
 * decision "this hold's payment is refunded", first one wins) and the audit log. Each is one small
 * document; the store implements it.
 */
export interface LedgerRecords {
  /** Inserts a definition (`ready: false`); `false` when the id exists. */
  insertDefinition(definition: EventDefinition): Promise<boolean>;
  /** A definition and whether its partitions are known to exist. */
  getDefinition(eventId: string): Promise<{ definition: EventDefinition; ready: boolean } | undefined>;
  /** Marks that the event's partitions exist. */
  markReady(eventId: string): Promise<void>;
  /** Every event id. */
  listEventIds(): Promise<string[]>;
  /** Inserts a refusal unless the hold has one; returns the stored one either way. */
  insertRefusal(eventId: string, refusal: RefusalRecord): Promise<RefusalRecord>;
  /** A hold's refusal, or `undefined`. */
  getRefusal(holdId: string): Promise<RefusalRecord | undefined>;
  /** Appends audit entries (idempotent on `entry.id`). */
  appendAudit(entries: readonly AuditEntry[]): Promise<void>;
}

/** Options of the partitioned layout. */
export interface LedgerLayoutOptions {
  /** Units per partition document. */
  partitionSize?: number;
}

/** Suffix of the hold a late payment reserves and buys in place of the paid one. */
const LATE_SUFFIX = '~late';

/** The sale hold of a payment that arrived after its hold ended (`issue_if_available`). */
function lateHoldId(holdId: string): string {
  return `${holdId}${LATE_SUFFIX}`;
}

/** The hold a buyer paid for, given the ledger hold that was sold (itself, or its late-payment hold). */
function paidHoldId(soldHoldId: string): string {
  return soldHoldId.endsWith(LATE_SUFFIX) ? soldHoldId.slice(0, -LATE_SUFFIX.length) : soldHoldId;
}

/** How long a late payment's hold lives between its reservation and its sale (both happen at once). */
const LATE_HOLD_MS = 60_000;

/**
 * The {@link Allocator} of the partitioned layout: the {@link PartitionLedger}'s algorithms over a
 * {@link LedgerBackend}, plus definitions, refusals and audit entries as their own documents.
 * Nothing here reads or writes a document that grows with the sale.
 */
export class LedgerAllocator implements Allocator {
  readonly #backend: LedgerBackend;
  readonly #records: LedgerRecords;
  readonly #context: AllocatorContext;
  readonly #ledger: PartitionLedger;
  readonly #definitions = new Map<string, EventDefinition>();
  /** Audit entries and notices the ledger reported, written out at the end of each operation. */
  #audit: AuditEntry[] = [];
  #notices: Notice[] = [];

  constructor(backend: LedgerBackend, records: LedgerRecords, context: AllocatorContext, options: LedgerLayoutOptions) {
    this.#backend = backend;
    this.#records = records;
    this.#context = context;
    this.#ledger = new PartitionLedger(backend, {
      ...(options.partitionSize === undefined ? {} : { partitionSize: options.partitionSize }),
      offerTtlMs: context.offerTtlMs,
      observer: {
        settled: (hold, now) => {
          if (hold.status !== 'expired') return;
          const offer = hold.entryId !== null;
          this.#note(
            hold.eventId,
            `${hold.id}:expired`,
            Math.min(now, hold.expiresAt),
            offer ? 'offer_expired' : 'hold_expired',
            {
              holdId: hold.id,
              userId: hold.userId,
              ...(offer ? { entryId: hold.entryId! } : { quantity: hold.quantity }),
            },
          );
        },
        offered: (notice, now) => {
          this.#note(notice.eventId, `${notice.holdId}:offer`, now, 'offer_created', {
            holdId: notice.holdId,
            userId: notice.userId,
            entryId: notice.entryId,
            quantity: notice.quantity,
          });
          this.#notices.push(toNotice(notice));
        },
        skipped: (entry, now) => {
          this.#note(entry.eventId, `${entry.id}:skipped`, now, 'waitlist_skipped', {
            entryId: entry.id,
            userId: entry.userId,
            detail: 'per-user limit',
          });
        },
      },
    });
  }

  #note(
    eventId: string,
    id: string,
    at: number,
    type: AuditType,
    fields: Omit<AuditEntry, 'id' | 'eventId' | 'at' | 'type'>,
  ): void {
    this.#audit.push({ id: `${eventId}:${id}`, eventId, at, type, ...fields });
  }

  /** Writes what the ledger reported during the operation (audit first, then the notices are announced). */
  async #flush(): Promise<void> {
    if (this.#audit.length > 0) {
      const entries = this.#audit;
      this.#audit = [];
      await this.#records.appendAudit(entries);
      this.#context.audited?.(entries);
    }
    if (this.#notices.length > 0) {
      const notices = this.#notices;
      this.#notices = [];
      this.#context.noticesMade(notices);
    }
  }

  /** The event's definition, its partitions created if a crash interrupted `createEvent`; throws for an unknown event. */
  async #event(eventId: string): Promise<EventDefinition> {
    const cached = this.#definitions.get(eventId);
    if (cached) return cached;
    const found = await this.#records.getDefinition(eventId);
    if (!found) throw new UnknownEventError(eventId);
    const { definition } = found;
    const layout = {
      eventId,
      capacity: definition.capacity,
      perUserLimit: definition.perUserLimit,
      seats: definition.seats,
    };
    if (found.ready) this.#ledger.knowEvent(layout);
    else {
      await this.#ledger.createEvent(layout);
      await this.#records.markReady(eventId);
    }
    this.#definitions.set(eventId, definition);
    return definition;
  }

  async createEvent(definition: EventDefinition): Promise<boolean> {
    if (!(await this.#records.insertDefinition(definition))) return false;
    await this.#ledger.createEvent({
      eventId: definition.id,
      capacity: definition.capacity,
      perUserLimit: definition.perUserLimit,
      seats: definition.seats,
    });
    await this.#records.markReady(definition.id);
    this.#definitions.set(definition.id, definition);
    this.#note(definition.id, 'created', definition.createdAt, 'event_created', {
      quantity: definition.capacity,
      detail: definition.name,
    });
    await this.#flush();
    return true;
  }

  async definition(eventId: string): Promise<EventDefinition | undefined> {
    try {
      return await this.#event(eventId);
    } catch (error) {
      if (error instanceof UnknownEventError) return undefined;
      throw error;
    }
  }

  listEventIds(): Promise<string[]> {
    return this.#records.listEventIds();
  }

  async allocate(eventId: string, request: AllocationRequest, now: number): Promise<AllocateResult> {
    const event = await this.#event(eventId);
    const outcome = await this.#ledger.reserve(
      {
        id: request.holdId,
        eventId,
        userId: request.userId,
        quantity: request.quantity,
        expiresAt: request.expiresAt,
        seats: request.seats,
      },
      now,
    );
    let result: AllocateResult;
    switch (outcome.status) {
      case 'ok':
        this.#note(eventId, `${request.holdId}:created`, now, 'hold_created', {
          holdId: request.holdId,
          userId: request.userId,
          quantity: request.quantity,
          ...(outcome.hold.seats ? { seats: outcome.hold.seats } : {}),
        });
        result = { status: 'ok', allocation: toAllocation(outcome.hold) };
        break;
      case 'not_live':
        result = { status: 'settled' };
        break;
      case 'seat_taken':
        result = { status: 'seat_taken', seats: outcome.seats };
        break;
      case 'per_user_limit': {
        const user = await this.#backend.readUser(eventId, request.userId);
        result = { status: 'per_user_limit', current: user?.units ?? 0, limit: event.perUserLimit ?? 0 };
        break;
      }
      default: {
        const counts = await this.#ledger.breakdown(eventId, now);
        result = {
          status: counts.sold >= counts.capacity ? 'sold_out' : 'all_held',
          available: Math.max(0, counts.capacity - counts.sold - counts.held - counts.offered - counts.pooled),
        };
      }
    }
    await this.#flush();
    return result;
  }

  async holdState(eventId: string, holdId: string, now: number): Promise<HoldState> {
    await this.#event(eventId);
    const state = await this.#state(holdId, now);
    await this.#flush();
    return state;
  }

  async #state(holdId: string, now: number): Promise<HoldState> {
    const hold = await this.#ledger.getHold(holdId, now);
    if (hold?.status === 'sold') return { state: 'sold', sale: saleOf(holdId, hold) };
    if (hold?.status === 'active') return { state: 'live', allocation: toAllocation(hold) };
    const refusal = await this.#records.getRefusal(holdId);
    if (refusal) return { state: 'refused', refusal };
    const late = await this.#backend.getHold(lateHoldId(holdId));
    if (late?.status === 'sold') return { state: 'sold', sale: saleOf(holdId, late) };
    return { state: 'gone' };
  }

  async extend(eventId: string, holdId: string, graceMs: number, now: number): Promise<ExtendResult> {
    await this.#event(eventId);
    const hold = await this.#ledger.extend(holdId, graceMs, now);
    let result: ExtendResult;
    if (hold) {
      this.#note(eventId, `${holdId}:extended`, now, 'hold_extended', {
        holdId,
        userId: hold.userId,
        detail: `expires at ${hold.expiresAt}`,
      });
      result = { status: 'ok', allocation: toAllocation(hold) };
    } else {
      result = { status: 'not_live', state: (await this.#state(holdId, now)).state };
    }
    await this.#flush();
    return result;
  }

  async settle(eventId: string, request: SettleRequest, now: number): Promise<SettleResult> {
    await this.#event(eventId);
    const result = await this.#settle(eventId, request, now);
    await this.#flush();
    return result;
  }

  async #settle(eventId: string, request: SettleRequest, now: number): Promise<SettleResult> {
    // A live hold sells at once (a refused hold is never live again, so no refusal to look up).
    const sold = await this.#ledger.sell(request.holdId, request.paymentId, now);
    if (sold?.status === 'sold') return this.#issued(eventId, request, sold.hold, now, 'live hold');
    if (sold?.status === 'already_paid') return { outcome: 'refused', reason: 'hold_already_paid' };
    const refusal = await this.#records.getRefusal(request.holdId);
    if (refusal) return refusedFor(refusal, request.paymentId);
    // The hold ended (or never reserved anything): serve the line with what it freed, even when a
    // crash interrupted the call that freed it (a retry finds the hold settled and frees nothing).
    await this.#ledger.pump(eventId, now);
    // Then the late-payment policy decides.
    const lateId = lateHoldId(request.holdId);
    const late = await this.#ledger.getHold(lateId, now);
    if (late?.status === 'sold') {
      return late.paymentId === request.paymentId
        ? { outcome: 'issued', sale: saleOf(request.holdId, late) }
        : { outcome: 'refused', reason: 'hold_already_paid' };
    }
    if (request.latePolicy === 'refund') return this.#refuse(eventId, request, 'late_payment', now);
    // A new hold on public units (units reserved for the waitlist stay theirs), sold at once.
    const reserved = await this.#ledger.reserve(
      {
        id: lateId,
        eventId,
        userId: request.userId,
        quantity: request.quantity,
        expiresAt: now + LATE_HOLD_MS,
        // the seats the buyer paid for (a seated payment is refunded when they are gone)
        seats: request.seats,
      },
      now,
    );
    // The derived hold's own document decides, so concurrent confirmations (duplicates of one
    // payment, or two payments for one hold) all follow one outcome: `active → sold` issues; a
    // refusal needs the derived hold in a final state that is not `sold` (or made so first).
    let current: LedgerHold | undefined =
      reserved.status === 'ok' ? reserved.hold : await this.#backend.getHold(lateId);
    for (let round = 0; round < 8; round++) {
      if (current === undefined) {
        // Refused before any hold document was written (named seats taken): write a final one.
        const { hold, inserted } = await this.#backend.insertHold({
          id: lateId,
          eventId,
          userId: request.userId,
          quantity: request.quantity,
          status: 'rejected',
          parts: [],
          createdAt: now,
          expiresAt: now,
          paymentId: null,
          settled: true,
          source: 'free',
          entryId: null,
          seats: null,
        });
        current = hold;
        if (inserted) break;
      } else if (current.status === 'active') {
        const sale = await this.#ledger.sell(lateId, request.paymentId, now);
        current = sale?.hold ?? (await this.#backend.getHold(lateId));
      } else if (current.status === 'reserving') {
        // Another confirmation is still reserving it: end that attempt (it will follow this outcome).
        if (await this.#backend.transitionHold(lateId, ['reserving'], { status: 'rejected' })) {
          current = await this.#ledger.resolve({ ...current, status: 'rejected' }, now);
        } else {
          current = await this.#backend.getHold(lateId);
        }
      } else {
        break;
      }
    }
    if (current?.status === 'sold') {
      return current.paymentId === request.paymentId
        ? this.#issued(eventId, request, current, now, 'late payment, inventory still available')
        : { outcome: 'refused', reason: 'hold_already_paid' };
    }
    return this.#refuse(eventId, request, request.lateReason, now);
  }

  async #issued(
    eventId: string,
    request: SettleRequest,
    hold: LedgerHold,
    now: number,
    detail: string,
  ): Promise<SettleResult> {
    const sale = saleOf(request.holdId, hold);
    this.#note(eventId, `${request.holdId}:sale`, now, 'sale_issued', {
      holdId: request.holdId,
      userId: request.userId,
      paymentId: request.paymentId,
      orderId: sale.orderId,
      quantity: sale.quantity,
      detail,
    });
    // An entry whose user bought is never offered again.
    await this.#ledger.purchasedBy(eventId, request.userId, now);
    return { outcome: 'issued', sale };
  }

  async #refuse(eventId: string, request: SettleRequest, reason: RefundReason, now: number): Promise<SettleResult> {
    const stored = await this.#records.insertRefusal(eventId, {
      holdId: request.holdId,
      paymentId: request.paymentId,
      reason,
    });
    if (stored.paymentId === request.paymentId && stored.reason === reason) {
      this.#note(eventId, `${request.holdId}:refused`, now, 'sale_refused', {
        holdId: request.holdId,
        userId: request.userId,
        paymentId: request.paymentId,
        detail: reason,
      });
    }
    return refusedFor(stored, request.paymentId);
  }

  async release(eventId: string, holdId: string, now: number): Promise<ReleaseResult> {
    await this.#event(eventId);
    const before = await this.#ledger.getHold(holdId, now);
    let released = false;
    if (before?.status === 'active') {
      const after = await this.#ledger.release(holdId, now);
      released = after?.status === 'released';
      if (released) {
        const offer = before.entryId !== null;
        this.#note(eventId, `${holdId}:released`, now, offer ? 'offer_declined' : 'hold_released', {
          holdId,
          userId: before.userId,
          ...(offer ? { entryId: before.entryId! } : { quantity: before.quantity }),
        });
      }
    }
    let state: HoldState = { state: 'gone' };
    if (!released) {
      state = await this.#state(holdId, now);
      // Maybe the retry of a release a crash interrupted after it freed the units: serve the line.
      await this.#ledger.pump(eventId, now);
    }
    await this.#flush();
    return { released, state };
  }

  async tidy(eventId: string, now: number): Promise<TidyResult> {
    await this.#event(eventId);
    const expired = (await this.#ledger.expireDue(eventId, now)).map(toAllocation);
    await this.#ledger.pump(eventId, now);
    await this.#flush();
    return { expired };
  }

  async returnTickets(eventId: string, holdId: string, ticketIds: readonly string[], now: number): Promise<void> {
    await this.#event(eventId);
    if (ticketIds.length === 0) return;
    let hold = await this.#backend.getHold(holdId);
    if (hold?.status !== 'sold') hold = await this.#backend.getHold(lateHoldId(holdId));
    if (hold?.status !== 'sold') return;
    // Ticket `t_<order>_<i>` is the i-th unit of the sale, so the i-th of its seats.
    const soldSeats = hold.seats;
    const seats = soldSeats
      ? ticketIds.map((id) => soldSeats[Number(id.slice(id.lastIndexOf('_') + 1)) - 1]!)
      : undefined;
    // One id per set of tickets, the same on every retry of this return.
    const sorted = [...ticketIds].sort();
    const returnId = `r_${createHash('sha256')
      .update(`${holdId}\u0000${sorted.join('\u0000')}`)
      .digest('base64url')
      .slice(0, 22)}`;
    if (await this.#ledger.returnUnits(hold.id, returnId, ticketIds.length, now, seats)) {
      this.#note(eventId, `${holdId}:${returnId}`, now, 'tickets_returned', {
        holdId,
        userId: hold.userId,
        orderId: orderIdFor(holdId),
        quantity: ticketIds.length,
        detail: sorted.join(','),
      });
    }
    await this.#flush();
  }

  async joinWaitlist(
    eventId: string,
    request: { entryId: string; userId: string; quantity: number },
    now: number,
  ): Promise<WaitlistPlace> {
    await this.#event(eventId);
    const entry = await this.#ledger.join({ eventId, userId: request.userId, quantity: request.quantity }, now);
    this.#note(eventId, `${entry.id}:joined`, entry.joinedAt, 'waitlist_joined', {
      entryId: entry.id,
      userId: entry.userId,
      quantity: entry.quantity,
    });
    // The join may have been served at once (an offer, noted by the observer after the join).
    const current = (await this.#ledger.entry(eventId, entry.id)) ?? entry;
    const place = { entry: toEntryRecord(current), position: await this.#ledger.position(current) };
    await this.#flush();
    return place;
  }

  async waitlistEntry(eventId: string, entryId: string, now: number): Promise<WaitlistPlace | undefined> {
    await this.#event(eventId);
    if (!entryId.startsWith(`${eventId}#`)) return undefined;
    let entry = await this.#ledger.entry(eventId, entryId);
    if (!entry) return undefined;
    if (entry.status === 'offered' && entry.holdId !== null) {
      // An offer already decided (expired by the sweeper, declined, bought) whose settlement a
      // crash interrupted updates its entry now; a live or merely past-due offer is left as it is.
      const offer = await this.#backend.getHold(entry.holdId);
      if (offer && offer.status !== 'active' && offer.status !== 'reserving' && !offer.settled) {
        await this.#ledger.resolve(offer, now);
        await this.#flush();
        entry = (await this.#ledger.entry(eventId, entryId)) ?? entry;
      }
    }
    return { entry: toEntryRecord(entry), position: await this.#ledger.position(entry) };
  }

  async counts(eventId: string, now: number): Promise<InventoryCounts> {
    await this.#event(eventId);
    const [counts, waitlisted] = await Promise.all([
      this.#ledger.breakdown(eventId, now),
      this.#ledger.waitingUnits(eventId),
    ]);
    return {
      capacity: counts.capacity,
      sold: counts.sold,
      held: counts.held,
      offered: counts.offered,
      waitlisted,
      available: counts.capacity - counts.sold - counts.held - counts.offered,
    };
  }

  async check(
    eventId: string,
    input: { orders: readonly Order[]; payments: readonly PaymentRecord[]; now: number; settled: boolean },
  ): Promise<InvariantReport> {
    const event = await this.#event(eventId);
    const { orders, payments, now, settled } = input;
    const checks: InvariantCheck[] = [];
    const counts = await this.#ledger.breakdown(eventId, now);
    // Every hold with units in a partition, and every hold an order or payment names.
    const holdIds = new Set<string>();
    for (const counter of await this.#backend.partitionCounters(eventId)) {
      const partition = await this.#backend.readPartition(eventId, counter.index);
      for (const holdId of Object.keys(partition?.entries ?? {})) holdIds.add(holdId);
    }
    for (const p of payments) holdIds.add(p.holdId).add(lateHoldId(p.holdId));
    const holds: LedgerHold[] = [];
    for (const id of holdIds) {
      const hold = await this.#backend.getHold(id);
      if (hold) holds.push(hold);
    }
    const problems = await this.#ledger.check(eventId, holds);
    const { sold, held, offered, capacity } = counts;
    const layout = problems.filter((p) => !p.startsWith('user ') && !/\bseats?\b/.test(p));
    checks.push({
      name: 'capacity',
      ok: sold + held + offered <= capacity && layout.length === 0,
      detail:
        layout.length === 0
          ? `sold ${sold} + held ${held} + offered ${offered} = ${sold + held + offered} <= capacity ${capacity}; every partition balances`
          : layout.slice(0, 5).join('; '),
    });
    const seatProblems = problems.filter((p) => /\bseats?\b/.test(p));
    checks.push({
      name: 'seats',
      ok: seatProblems.length === 0,
      detail: !event.seats
        ? 'general admission'
        : seatProblems.length === 0
          ? 'every mapped seat belongs to one live hold or sale; mapped seats = sold + held'
          : seatProblems.slice(0, 5).join('; '),
    });
    const users = problems.filter((p) => p.startsWith('user '));
    checks.push({
      name: 'per_user_limit',
      ok: users.length === 0,
      detail:
        event.perUserLimit === null
          ? 'no per-user limit'
          : users.length === 0
            ? `every user within ${event.perUserLimit}`
            : users.slice(0, 5).join('; '),
    });

    const saleOfHold = new Map<string, LedgerHold>();
    for (const hold of holds) {
      if (hold.status !== 'sold') continue;
      saleOfHold.set(paidHoldId(hold.id), hold);
    }
    const refusals = new Map<string, RefusalRecord>();
    for (const p of payments) {
      if (p.status !== 'issued' || refusals.has(p.holdId)) continue;
      const refusal = await this.#records.getRefusal(p.holdId);
      if (refusal) refusals.set(p.holdId, refusal);
    }
    const { check: paymentsCheck, inFlight } = checkPayments(payments, orders, saleOfHold, refusals);
    checks.push(paymentsCheck);

    const orderProblems: string[] = [];
    const holdsWithOrders = new Set<string>();
    let validTickets = 0;
    for (const order of orders) {
      if (holdsWithOrders.has(order.holdId)) orderProblems.push(`hold ${order.holdId} has two orders`);
      holdsWithOrders.add(order.holdId);
      const sale = saleOfHold.get(order.holdId);
      if (sale?.paymentId !== order.paymentId) orderProblems.push(`order ${order.id} has no matching sale`);
      validTickets += order.tickets.filter((t) => t.status === 'valid').length;
    }
    // A return frees the units first, then marks the order: the order may lag, never lead.
    if (settled ? validTickets !== sold : validTickets < sold) {
      orderProblems.push(`${validTickets} valid ticket(s) in orders, ${sold} sold in the partitions`);
    }
    checks.push({
      name: 'orders',
      ok: orderProblems.length === 0,
      detail:
        orderProblems.length === 0
          ? `${orders.length} order(s), ${validTickets} valid ticket(s), ${sold} sold in the partitions`
          : orderProblems.slice(0, 5).join('; '),
    });

    const waitlistProblems = await this.#ledger.checkLine(eventId);
    checks.push({
      name: 'waitlist_order',
      ok: waitlistProblems.length === 0,
      detail: waitlistProblems.length === 0 ? 'offers in join order' : waitlistProblems.slice(0, 5).join('; '),
    });
    if (settled) {
      const available = capacity - sold - held - offered;
      checks.push({
        name: 'settled',
        ok: held + offered === 0 && inFlight === 0 && available === capacity - sold,
        detail: `available ${available} = capacity ${capacity} - sold ${sold}; ${held + offered} unit(s) held or offered, ${inFlight} payment(s) in flight`,
      });
    }
    return { ok: checks.every((c) => c.ok), checks };
  }

  async pendingNotices(limit: number): Promise<Notice[]> {
    return (await this.#ledger.pendingNotices(limit)).map(toNotice);
  }

  markNoticeDelivered(noticeId: string, _at: number): Promise<void> {
    return this.#ledger.markDelivered(noticeId);
  }
}

function refusedFor(refusal: RefusalRecord, paymentId: string): SettleResult {
  return { outcome: 'refused', reason: refusal.paymentId === paymentId ? refusal.reason : 'hold_already_paid' };
}

/** The sale of a sold ledger hold, under the id of the hold the buyer paid for (tickets derive from it). */
function saleOf(holdId: string, hold: LedgerHold): SaleRecord {
  const orderId = orderIdFor(holdId);
  return {
    holdId,
    paymentId: hold.paymentId!,
    orderId,
    userId: hold.userId,
    quantity: hold.quantity,
    tickets: Array.from({ length: hold.quantity }, (_, i) => ({
      id: `t_${orderId.slice(2)}_${i + 1}`,
      seat: hold.seats?.[i] ?? null,
    })),
  };
}

function toAllocation(hold: LedgerHold): AllocationRecord {
  return {
    holdId: hold.id,
    userId: hold.userId,
    quantity: hold.quantity,
    seats: hold.seats ? [...hold.seats] : null,
    kind: hold.entryId === null ? 'hold' : 'offer',
    entryId: hold.entryId,
    createdAt: hold.createdAt,
    expiresAt: hold.expiresAt,
    extended: hold.extended === true,
  };
}

function toNotice(notice: LedgerNotice): Notice {
  return {
    id: notice.id,
    eventId: notice.eventId,
    userId: notice.userId,
    offer: {
      holdId: notice.holdId,
      entryId: notice.entryId,
      quantity: notice.quantity,
      seats: notice.seats ?? null,
      expiresAt: notice.expiresAt,
    },
  };
}

function toEntryRecord(entry: LedgerEntry): WaitlistEntryRecord {
  return {
    id: entry.id,
    userId: entry.userId,
    quantity: entry.quantity,
    seq: entry.seq,
    joinedAt: entry.joinedAt,
    // `offering` is a step inside one pump: to the user the entry still waits.
    status: entry.status === 'offering' ? 'waiting' : entry.status,
    holdId: entry.status === 'offered' || entry.status === 'purchased' ? entry.holdId : null,
    offerSeq: null,
  };
}
