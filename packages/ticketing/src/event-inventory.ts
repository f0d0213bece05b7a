import { FenwickTree } from './fenwick-tree.js';
import { MinHeap } from './min-heap.js';
import type { AuditEntry, AuditType, Notice, RefundReason, WaitlistEntryStatus } from './records.js';

/** The static description of an event, as created by `createEvent`. */
export interface EventDefinition {
  /** Unique id. */
  readonly id: string;
  /** Display name. */
  readonly name: string;
  /** Units for sale (the number of seats for a seated event). */
  readonly capacity: number;
  /** The seat map in display order, or `null` for general admission. */
  readonly seats: readonly string[] | null;
  /** Most units one user may hold plus own at once, or `null` for no limit. */
  readonly perUserLimit: number | null;
  /** Epoch ms before which holds are refused, or `null`. */
  readonly saleStartsAt: number | null;
  /** Whether `hold` needs a waiting-room admission token. */
  readonly requireAdmission: boolean;
  /** Epoch ms. */
  readonly createdAt: number;
}

/** A live (or expired but not yet pruned) hold or waitlist offer inside the event document. */
export interface AllocationRecord {
  /** The hold. */
  holdId: string;
  /** The user (buyer). */
  userId: string;
  /** Units. */
  quantity: number;
  /** Seat labels, or `null` for general admission. */
  seats: string[] | null;
  /** `hold` for a public hold, `offer` for a waitlist offer. */
  kind: 'hold' | 'offer';
  /** The waitlist entry. */
  entryId: string | null;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; the allocation is live while `now < expiresAt`. */
  expiresAt: number;
  /** Whether `beginPayment` already used the one grace extension. */
  extended: boolean;
}

/** A sold hold inside the event document: the decision "this hold was bought by `paymentId`". */
export interface SaleRecord {
  /** The hold. */
  holdId: string;
  /** The payment provider's payment id. */
  paymentId: string;
  /** The order. */
  orderId: string;
  /** The user (buyer). */
  userId: string;
  /** Units. */
  quantity: number;
  /** Tickets not returned. */
  tickets: {
    /** The ticket or record id. */
    id: string;
    /** The seat, or `null` for general admission. */
    seat: string | null;
  }[];
}

/** The decision "payment `paymentId` for `holdId` is refunded", kept so it can never flip. */
export interface RefusalRecord {
  /** The hold. */
  holdId: string;
  /** The payment provider's payment id. */
  paymentId: string;
  /** Why. */
  reason: RefundReason;
}

/** A waitlist entry inside the event document. */
export interface WaitlistEntryRecord {
  /** Unique id. */
  id: string;
  /** The user (buyer). */
  userId: string;
  /** Units. */
  quantity: number;
  /** Join order, from 1. */
  seq: number;
  /** Epoch ms the user joined. */
  joinedAt: number;
  /** Where it stands. */
  status: WaitlistEntryStatus;
  /** The offer's hold id once offered. */
  holdId: string | null;
  /** Order in which offers were made, from 1 (`null` until offered). */
  offerSeq: number | null;
}

/** A transition record written atomically with the state change, moved to the audit log or outbox afterwards. */
export type JournalRecord =
  | {
      /** Which kind of record. */
      kind: 'audit';
      /** The journal record id (the audit entry's id). */
      id: string;
      /** The audit entry to append. */
      entry: AuditEntry;
    }
  | {
      /** Which kind of record. */
      kind: 'notice';
      /** The journal record id (the notice's id). */
      id: string;
      /** The notice to put in the outbox. */
      notice: Notice;
    };

/**
 * The event inventory document: everything that must change atomically to keep
 * `sold + live holds + live offers <= capacity`, seat exclusivity, per-user limits and waitlist
 * priority lives in this one document, so a store needs only single-document atomic updates.
 */
export interface EventDocument extends EventDefinition {
  /** Incremented on every write; stores use it for compare-and-swap. */
  version: number;
  /** Live (or not yet pruned) allocations. */
  allocations: AllocationRecord[];
  /** Sales, one per bought hold. */
  sales: SaleRecord[];
  /** Refused payments, one per hold. */
  refusals: RefusalRecord[];
  /** Waitlist figures. */
  waitlist: WaitlistEntryRecord[];
  /** Id counters. */
  counters: {
    /** The waitlist entry. */
    entry: number;
    /** Offers made so far. */
    offer: number;
    /** Journal entries made so far. */
    journal: number;
  };
  /** Transitions not yet moved to the audit log / outbox (the single-document outbox). */
  journal: JournalRecord[];
}

/** What the inventory needs from its caller to make waitlist offers. */
export interface InventoryContext {
  /** Lifetime of a waitlist offer, in ms. */
  readonly offerTtlMs: number;
  /** A fresh, globally unique hold id. */
  newHoldId(): string;
}

/** Result of {@link EventInventory.allocate}. */
export type AllocateResult =
  | {
      /** The outcome. */
      status: 'ok';
      /** The live allocation. */
      allocation: AllocationRecord;
    }
  | {
      /** The outcome. */
      status: 'settled';
    }
  | {
      /** The outcome. */
      status: 'sold_out' | 'all_held';
      /** Units left for the public. */
      available: number;
    }
  | {
      /** The outcome. */
      status: 'seat_taken';
      /** The requested seats that are taken. */
      seats: string[];
    }
  | {
      /** The outcome. */
      status: 'per_user_limit';
      /** Units the user already holds or owns. */
      current: number;
      /** The per-user limit. */
      limit: number;
    };

/** Result of {@link EventInventory.settle}. */
export type SettleResult =
  | {
      /** What became of the payment. */
      outcome: 'issued';
      /** The sale record. */
      sale: SaleRecord;
    }
  | {
      /** What became of the payment. */
      outcome: 'refused';
      /** Why the payment was refunded. */
      reason: RefundReason;
    };

/** Counts read from the inventory at one instant. */
export interface InventoryCounts {
  /** Units for sale. */
  readonly capacity: number;
  /** Units sold (tickets not returned). */
  readonly sold: number;
  /** Units in live public holds. */
  readonly held: number;
  /** Units in live waitlist offers. */
  readonly offered: number;
  /** Units wanted by entries still waiting in line (reserved ahead of the public). */
  readonly waitlisted: number;
  /** `capacity - sold - held - offered`. */
  readonly available: number;
}

/** Where one hold stands in the inventory right now. */
export type HoldState =
  | {
      /** Where the hold stands. */
      state: 'live';
      /** The live allocation. */
      allocation: AllocationRecord;
    }
  | {
      /** Where the hold stands. */
      state: 'sold';
      /** The sale record. */
      sale: SaleRecord;
    }
  | {
      /** Where the hold stands. */
      state: 'refused';
      /** The refusal record. */
      refusal: RefusalRecord;
    }
  | {
      /** Where the hold stands. */
      state: 'gone';
    };

/**
 * Derives the order id of a hold: one hold can only ever produce this one order.
 *
 * @example
 * ```ts
 * orderIdFor('h_3f2a01'); // 'o_3f2a01'
 * ```
 */
export function orderIdFor(holdId: string): string {
  return `o_${holdId.startsWith('h_') ? holdId.slice(2) : holdId}`;
}

/**
 * The per-event state machine. Every mutating method first drops expired allocations (so expiry
 * is judged against the clock of the call, never against a sweeper) and hands freed units to the
 * waitlist, then checks its guards before changing anything: a method either applies completely
 * or changes nothing, which is what lets a store run it as one atomic single-document update
 * (the memory store in one synchronous turn, the MongoDB store as a compare-and-swap on `version`).
 *
 * `memoryStore`'s default layout runs it, one synchronous update per operation (through its
 * {@link Allocator}); applications never need it directly.
 *
 * @example
 * ```ts
 * const inventory = EventInventory.fromDocument(doc);
 * const counts = inventory.counts(Date.now());
 * ```
 */
export class EventInventory {
  /** The static event description. */
  readonly definition: EventDefinition;
  /** Whether any method changed state since construction (stores skip the write when false). */
  dirty = false;
  #version: number;
  #allocations = new Map<string, AllocationRecord>();
  #expiry = new MinHeap<AllocationRecord>();
  #allocatedUnits = 0;
  #offeredUnits = 0;
  #sold = 0;
  #sales = new Map<string, SaleRecord>();
  #refusals = new Map<string, RefusalRecord>();
  #userUnits = new Map<string, number>();
  #seatIndex: Map<string, number> | null;
  #seatOwner = new Map<string, string>();
  /** 1 at (seat-map index + 1) of every seat nobody holds, is offered or bought: O(log n) seat picking. */
  #freeSeats: FenwickTree | null = null;
  #waitlist: WaitlistEntryRecord[] = [];
  #entries = new Map<string, WaitlistEntryRecord>();
  /** Each user's entry that is waiting or holds an offer (at most one: joining is idempotent per user). */
  #activeEntry = new Map<string, WaitlistEntryRecord>();
  #waitHead = 0;
  #waitingUnits = 0;
  #waitingCount = 0;
  /** 1 at the `seq` of every waiting entry: a prefix sum is a line position. */
  #waitingBySeq = new FenwickTree();
  #counters: { entry: number; offer: number; journal: number };
  #journal: JournalRecord[] = [];

  private constructor(definition: EventDefinition, version: number, counters: EventDocument['counters']) {
    this.definition = definition;
    this.#version = version;
    this.#counters = { ...counters };
    this.#seatIndex = definition.seats ? new Map(definition.seats.map((seat, i) => [seat, i])) : null;
    if (definition.seats) {
      const free = new FenwickTree();
      for (let i = definition.seats.length; i >= 1; i--) free.add(i, 1); // largest first: one allocation
      this.#freeSeats = free;
    }
  }

  #takeSeat(seat: string, holdId: string): void {
    if (!this.#seatOwner.has(seat)) this.#freeSeats?.add(this.#seatIndex!.get(seat)! + 1, -1);
    this.#seatOwner.set(seat, holdId);
  }

  #releaseSeat(seat: string): void {
    if (this.#seatOwner.delete(seat)) this.#freeSeats?.add(this.#seatIndex!.get(seat)! + 1, 1);
  }

  /** A new, empty inventory (version 0) with an `event_created` audit entry in its journal. */
  static create(definition: EventDefinition): EventInventory {
    const inventory = new EventInventory(definition, 0, { entry: 0, offer: 0, journal: 0 });
    inventory.#audit(definition.createdAt, 'event_created', { quantity: definition.capacity, detail: definition.name });
    return inventory;
  }

  /** Rebuilds an inventory (with its indexes) from a stored document. */
  static fromDocument(doc: EventDocument): EventInventory {
    const definition: EventDefinition = {
      id: doc.id,
      name: doc.name,
      capacity: doc.capacity,
      seats: doc.seats,
      perUserLimit: doc.perUserLimit,
      saleStartsAt: doc.saleStartsAt,
      requireAdmission: doc.requireAdmission,
      createdAt: doc.createdAt,
    };
    const inventory = new EventInventory(definition, doc.version, doc.counters);
    for (const allocation of doc.allocations) inventory.#addAllocation(structuredClone(allocation));
    for (const sale of doc.sales) inventory.#addSale(structuredClone(sale));
    for (const refusal of doc.refusals) inventory.#refusals.set(refusal.holdId, { ...refusal });
    for (const entry of doc.waitlist) {
      const copy = { ...entry };
      inventory.#waitlist.push(copy);
      inventory.#entries.set(copy.id, copy);
      if (copy.status === 'waiting' || copy.status === 'offered') inventory.#activeEntry.set(copy.userId, copy);
      if (copy.status === 'waiting') {
        inventory.#waitingUnits += copy.quantity;
        inventory.#waitingCount++;
        inventory.#waitingBySeq.add(copy.seq, 1);
      }
    }
    while (
      inventory.#waitHead < inventory.#waitlist.length &&
      inventory.#waitlist[inventory.#waitHead]!.status !== 'waiting'
    ) {
      inventory.#waitHead++;
    }
    inventory.#journal = structuredClone(doc.journal);
    return inventory;
  }

  /** The document to store: a deep copy, with `version` incremented when the inventory is dirty. */
  toDocument(): EventDocument {
    return {
      ...this.definition,
      seats: this.definition.seats ? [...this.definition.seats] : null,
      version: this.dirty ? this.#version + 1 : this.#version,
      allocations: [...this.#allocations.values()].map((a) => ({ ...a, seats: a.seats ? [...a.seats] : null })),
      sales: [...this.#sales.values()].map((s) => ({ ...s, tickets: s.tickets.map((t) => ({ ...t })) })),
      refusals: [...this.#refusals.values()].map((r) => ({ ...r })),
      waitlist: this.#waitlist.map((e) => ({ ...e })),
      counters: { ...this.#counters },
      journal: structuredClone(this.#journal),
    };
  }

  /** The version this inventory was loaded at. */
  get version(): number {
    return this.#version;
  }

  /** Removes and returns the journal (audit entries and notices) accumulated so far. */
  takeJournal(): JournalRecord[] {
    const journal = this.#journal;
    this.#journal = [];
    return journal;
  }

  /** The journal records not yet taken, without removing them. */
  get journal(): readonly JournalRecord[] {
    return this.#journal;
  }

  // ---------------------------------------------------------------- reads (never mutate)

  /** Counts at `now`, judging expiry against `now` without changing anything. */
  counts(now: number): InventoryCounts {
    let expiredHeld = 0;
    let expiredOffered = 0;
    this.#forEachExpired(now, (allocation) => {
      if (allocation.kind === 'offer') expiredOffered += allocation.quantity;
      else expiredHeld += allocation.quantity;
    });
    const offered = this.#offeredUnits - expiredOffered;
    const held = this.#allocatedUnits - this.#offeredUnits - expiredHeld;
    return {
      capacity: this.definition.capacity,
      sold: this.#sold,
      held,
      offered,
      waitlisted: this.#waitingUnits,
      available: this.definition.capacity - this.#sold - held - offered,
    };
  }

  /** Where `holdId` stands at `now`. */
  holdState(holdId: string, now: number): HoldState {
    const sale = this.#sales.get(holdId);
    if (sale) return { state: 'sold', sale: cloneSale(sale) };
    const refusal = this.#refusals.get(holdId);
    if (refusal) return { state: 'refused', refusal: { ...refusal } };
    const allocation = this.#allocations.get(holdId);
    if (allocation && allocation.expiresAt > now) return { state: 'live', allocation: cloneAllocation(allocation) };
    return { state: 'gone' };
  }

  /** A waitlist entry and its position among those still waiting (0 when not waiting). */
  waitlistEntry(entryId: string):
    | {
        /** The waitlist entry. */
        entry: WaitlistEntryRecord;
        /** 1-based place among those waiting (0 when not waiting). */
        position: number;
      }
    | undefined {
    const entry = this.#entries.get(entryId);
    if (!entry) return undefined;
    const position = entry.status === 'waiting' ? this.#waitingBySeq.prefix(entry.seq) : 0;
    return { entry: { ...entry }, position };
  }

  /** Live allocations at `now` (copies). */
  liveAllocations(now: number): AllocationRecord[] {
    const out: AllocationRecord[] = [];
    for (const allocation of this.#allocations.values()) {
      if (allocation.expiresAt > now) out.push(cloneAllocation(allocation));
    }
    return out;
  }

  /** Every sale (copies), in the order made. */
  sales(): SaleRecord[] {
    return [...this.#sales.values()].map(cloneSale);
  }

  /** The seats free at `now` (not held, offered or sold), in seat-map order; for tests and seat pickers. */
  freeSeats(now: number): string[] {
    const seats = this.definition.seats;
    if (!seats) return [];
    return seats.filter((seat) => !this.#seatTaken(seat, now));
  }

  // ---------------------------------------------------------------- writes

  /**
   * Reserves units (or seats) for a hold. Guards: `sold + allocated + waitlisted + quantity <=
   * capacity` (waitlisted units are reserved ahead of the public), requested seats free, and the
   * user's allocated plus bought units within `perUserLimit`. Idempotent on `holdId`.
   */
  allocate(
    request: { holdId: string; userId: string; quantity: number; seats: readonly string[] | null; expiresAt: number },
    now: number,
    context: InventoryContext,
  ): AllocateResult {
    this.#tidy(now, context);
    const existing = this.#allocations.get(request.holdId);
    if (existing) return { status: 'ok', allocation: cloneAllocation(existing) };
    if (this.#sales.has(request.holdId) || this.#refusals.has(request.holdId)) return { status: 'settled' };
    const limit = this.definition.perUserLimit;
    const current = this.#userUnits.get(request.userId) ?? 0;
    if (limit !== null && current + request.quantity > limit) return { status: 'per_user_limit', current, limit };
    if (request.seats) {
      const taken = request.seats.filter((seat) => this.#seatOwner.has(seat));
      if (taken.length > 0) return { status: 'seat_taken', seats: taken };
    }
    // invariant: sold + live holds + live offers + units reserved for the waitlist <= capacity
    const free = this.definition.capacity - this.#sold - this.#allocatedUnits - this.#waitingUnits;
    if (free < request.quantity) {
      return { status: this.#sold >= this.definition.capacity ? 'sold_out' : 'all_held', available: Math.max(0, free) };
    }
    const seats = request.seats ? this.#inSeatOrder(request.seats) : this.#pickSeats(request.quantity);
    const allocation: AllocationRecord = {
      holdId: request.holdId,
      userId: request.userId,
      quantity: request.quantity,
      seats,
      kind: 'hold',
      entryId: null,
      createdAt: now,
      expiresAt: request.expiresAt,
      extended: false,
    };
    this.#addAllocation(allocation);
    this.dirty = true;
    this.#audit(now, 'hold_created', {
      holdId: allocation.holdId,
      userId: allocation.userId,
      quantity: allocation.quantity,
      ...(seats ? { seats } : {}),
    });
    return { status: 'ok', allocation: cloneAllocation(allocation) };
  }

  /**
   * Moves a live hold into payment: its expiry becomes `max(expiresAt, now + graceMs)`, once. A
   * second call changes nothing, so the total lifetime is bounded by `ttl + graceMs`.
   */
  extend(
    holdId: string,
    graceMs: number,
    now: number,
    context: InventoryContext,
  ):
    | {
        /** The outcome. */
        status: 'ok';
        /** The live allocation. */
        allocation: AllocationRecord;
      }
    | {
        /** The outcome. */
        status: 'not_live';
        /** Where the hold stands. */
        state: HoldState['state'];
      } {
    this.#tidy(now, context);
    const allocation = this.#allocations.get(holdId);
    if (!allocation) return { status: 'not_live', state: this.holdState(holdId, now).state };
    if (!allocation.extended) {
      allocation.extended = true;
      const expiresAt = Math.max(allocation.expiresAt, now + graceMs);
      if (expiresAt !== allocation.expiresAt) {
        allocation.expiresAt = expiresAt;
        this.#expiry.push(expiresAt, allocation);
      }
      this.dirty = true;
      this.#audit(now, 'hold_extended', {
        holdId,
        userId: allocation.userId,
        detail: `expires at ${expiresAt}`,
      });
    }
    return { status: 'ok', allocation: cloneAllocation(allocation) };
  }

  /** Frees a live hold or offer (a declined offer moves the line on). No-op when not live. */
  release(
    holdId: string,
    now: number,
    context: InventoryContext,
  ): {
    /** Whether this call released it. */
    released: boolean;
  } {
    this.#tidy(now, context);
    const allocation = this.#allocations.get(holdId);
    if (!allocation) return { released: false };
    this.#removeAllocation(allocation);
    this.dirty = true;
    if (allocation.kind === 'offer') {
      const entry = allocation.entryId ? this.#entries.get(allocation.entryId) : undefined;
      if (entry && entry.status === 'offered') this.#setEntryStatus(entry, 'declined');
      this.#audit(now, 'offer_declined', { holdId, userId: allocation.userId, entryId: allocation.entryId ?? '' });
    } else {
      this.#audit(now, 'hold_released', { holdId, userId: allocation.userId, quantity: allocation.quantity });
    }
    this.#pump(now, context);
    return { released: true };
  }

  /**
   * Decides a confirmed payment, once per hold, forever: a live hold becomes a sale; a hold that
   * is no longer live becomes a sale only when `latePolicy` is `issue_if_available` and its units
   * (and seats) are free without touching units reserved for the waitlist, else a refusal. The
   * decision is kept, so duplicates, reordered and concurrent confirmations get the same answer.
   */
  settle(
    request: {
      /** The hold. */
      holdId: string;
      /** The payment provider's payment id. */
      paymentId: string;
      /** The user (buyer). */
      userId: string;
      /** Units. */
      quantity: number;
      /** Seat labels, or `null` for general admission. */
      seats: readonly string[] | null;
      latePolicy: 'issue_if_available' | 'refund';
      lateReason: 'hold_expired' | 'hold_released';
      /** The waitlist entry. */
      entryId: string | null;
    },
    now: number,
    context: InventoryContext,
  ): SettleResult {
    this.#tidy(now, context);
    const sale = this.#sales.get(request.holdId);
    if (sale) {
      return sale.paymentId === request.paymentId
        ? { outcome: 'issued', sale: cloneSale(sale) }
        : { outcome: 'refused', reason: 'hold_already_paid' };
    }
    const refusal = this.#refusals.get(request.holdId);
    if (refusal) {
      return {
        outcome: 'refused',
        reason: refusal.paymentId === request.paymentId ? refusal.reason : 'hold_already_paid',
      };
    }
    const allocation = this.#allocations.get(request.holdId);
    let seats: string[] | null;
    let entryId = request.entryId;
    if (allocation) {
      this.#removeAllocation(allocation);
      seats = allocation.seats;
      entryId = allocation.entryId;
    } else {
      const refuse = (reason: RefundReason): SettleResult => {
        this.#refusals.set(request.holdId, { holdId: request.holdId, paymentId: request.paymentId, reason });
        this.dirty = true;
        this.#audit(now, 'sale_refused', {
          holdId: request.holdId,
          userId: request.userId,
          paymentId: request.paymentId,
          detail: reason,
        });
        return { outcome: 'refused', reason };
      };
      if (request.latePolicy === 'refund') return refuse('late_payment');
      const limit = this.definition.perUserLimit;
      const current = this.#userUnits.get(request.userId) ?? 0;
      const free = this.definition.capacity - this.#sold - this.#allocatedUnits - this.#waitingUnits;
      const seatsFree = !request.seats || request.seats.every((seat) => !this.#seatOwner.has(seat));
      if (free < request.quantity || !seatsFree || (limit !== null && current + request.quantity > limit)) {
        return refuse(request.lateReason);
      }
      seats = request.seats ? this.#inSeatOrder(request.seats) : this.#pickSeats(request.quantity);
    }
    const orderId = orderIdFor(request.holdId);
    const tickets = Array.from({ length: request.quantity }, (_, i) => ({
      id: `t_${orderId.slice(2)}_${i + 1}`,
      seat: seats ? (seats[i] ?? null) : null,
    }));
    const record: SaleRecord = {
      holdId: request.holdId,
      paymentId: request.paymentId,
      orderId,
      userId: request.userId,
      quantity: request.quantity,
      tickets,
    };
    this.#addSale(record);
    this.dirty = true;
    this.#audit(now, 'sale_issued', {
      holdId: request.holdId,
      userId: request.userId,
      paymentId: request.paymentId,
      orderId,
      quantity: request.quantity,
      ...(seats ? { seats } : {}),
      detail: allocation ? 'live hold' : 'late payment, inventory still available',
    });
    // An entry that bought is never offered again: the offer's entry and any entry still waiting.
    const offerEntry = entryId ? this.#entries.get(entryId) : undefined;
    const bought = new Set<WaitlistEntryRecord>();
    if (offerEntry && offerEntry.status === 'offered') bought.add(offerEntry);
    const active = this.#activeEntry.get(request.userId);
    if (active) bought.add(active);
    for (const entry of bought) {
      if (entry.status === 'waiting') {
        this.#waitingUnits -= entry.quantity;
        this.#waitingCount--;
      }
      this.#setEntryStatus(entry, 'purchased');
      this.#audit(now, 'waitlist_purchased', { entryId: entry.id, userId: entry.userId, holdId: request.holdId });
    }
    this.#pump(now, context);
    return { outcome: 'issued', sale: cloneSale(record) };
  }

  /** Frees returned tickets of a sale (unknown or already returned ids are skipped); the waitlist gets them first. */
  returnTickets(
    holdId: string,
    ticketIds: readonly string[] | null,
    now: number,
    context: InventoryContext,
  ): {
    /** Ticket ids returned by this call. */
    returned: string[];
  } {
    this.#tidy(now, context);
    const sale = this.#sales.get(holdId);
    if (!sale) return { returned: [] };
    const wanted = ticketIds ? new Set(ticketIds) : null;
    const returned: string[] = [];
    const kept: SaleRecord['tickets'] = [];
    for (const ticket of sale.tickets) {
      if (wanted && !wanted.has(ticket.id)) kept.push(ticket);
      else {
        returned.push(ticket.id);
        if (ticket.seat !== null) this.#releaseSeat(ticket.seat);
      }
    }
    if (returned.length === 0) return { returned };
    sale.tickets = kept;
    this.#sold -= returned.length;
    this.#addUserUnits(sale.userId, -returned.length);
    this.dirty = true;
    this.#audit(now, 'tickets_returned', {
      holdId,
      userId: sale.userId,
      orderId: sale.orderId,
      quantity: returned.length,
      detail: returned.join(','),
    });
    this.#pump(now, context);
    return { returned };
  }

  /** Puts a user in line (idempotent per user while their entry waits or holds an offer). */
  joinWaitlist(
    request: { entryId: string; userId: string; quantity: number },
    now: number,
    context: InventoryContext,
  ): {
    /** The waitlist entry. */
    entry: WaitlistEntryRecord;
    /** 1-based place among those waiting (0 when not waiting). */
    position: number;
  } {
    this.#tidy(now, context);
    const active = this.#activeEntry.get(request.userId);
    if (active) return this.waitlistEntry(active.id)!;
    const entry: WaitlistEntryRecord = {
      id: request.entryId,
      userId: request.userId,
      quantity: request.quantity,
      seq: ++this.#counters.entry,
      joinedAt: now,
      status: 'waiting',
      holdId: null,
      offerSeq: null,
    };
    this.#waitlist.push(entry);
    this.#entries.set(entry.id, entry);
    this.#activeEntry.set(entry.userId, entry);
    this.#waitingBySeq.add(entry.seq, 1);
    this.#waitingUnits += entry.quantity;
    this.#waitingCount++;
    const position = this.#waitingCount;
    this.dirty = true;
    this.#audit(now, 'waitlist_joined', { entryId: entry.id, userId: entry.userId, quantity: entry.quantity });
    this.#pump(now, context);
    return { entry: { ...entry }, position: entry.status === 'waiting' ? position : 0 };
  }

  /** Drops expired allocations and makes the waitlist offers that frees up (what the sweeper calls). */
  tidy(
    now: number,
    context: InventoryContext,
  ): {
    /** Allocations found expired. */
    expired: AllocationRecord[];
  } {
    return { expired: this.#tidy(now, context, true) };
  }

  // ---------------------------------------------------------------- internals

  #tidy(now: number, context: InventoryContext, collect = false): AllocationRecord[] {
    let expired: AllocationRecord[] | null = null;
    while (this.#expiry.peekKey() <= now) {
      const key = this.#expiry.peekKey();
      const allocation = this.#expiry.pop()!;
      if (this.#allocations.get(allocation.holdId) !== allocation || allocation.expiresAt !== key) continue;
      this.#removeAllocation(allocation);
      this.dirty = true;
      if (collect) {
        expired ??= [];
        expired.push(cloneAllocation(allocation));
      }
      if (allocation.kind === 'offer') {
        const entry = allocation.entryId ? this.#entries.get(allocation.entryId) : undefined;
        if (entry && entry.status === 'offered') this.#setEntryStatus(entry, 'expired');
        this.#audit(allocation.expiresAt, 'offer_expired', {
          holdId: allocation.holdId,
          userId: allocation.userId,
          entryId: allocation.entryId ?? '',
        });
      } else {
        this.#audit(allocation.expiresAt, 'hold_expired', {
          holdId: allocation.holdId,
          userId: allocation.userId,
          quantity: allocation.quantity,
        });
      }
    }
    this.#pump(now, context);
    return expired ?? [];
  }

  /** Freed inventory goes to the waitlist, strictly in join order, before the public. */
  #pump(now: number, context: InventoryContext): void {
    const limit = this.definition.perUserLimit;
    while (this.#waitHead < this.#waitlist.length) {
      const entry = this.#waitlist[this.#waitHead]!;
      if (entry.status !== 'waiting') {
        this.#waitHead++;
        continue;
      }
      const free = this.definition.capacity - this.#sold - this.#allocatedUnits;
      if (free < entry.quantity) return;
      this.#waitHead++;
      this.#waitingUnits -= entry.quantity;
      this.#waitingCount--;
      this.dirty = true;
      const current = this.#userUnits.get(entry.userId) ?? 0;
      if (limit !== null && current + entry.quantity > limit) {
        this.#setEntryStatus(entry, 'skipped');
        this.#audit(now, 'waitlist_skipped', {
          entryId: entry.id,
          userId: entry.userId,
          detail: `per-user limit ${limit}, has ${current}`,
        });
        continue;
      }
      const allocation: AllocationRecord = {
        holdId: context.newHoldId(),
        userId: entry.userId,
        quantity: entry.quantity,
        seats: this.#pickSeats(entry.quantity),
        kind: 'offer',
        entryId: entry.id,
        createdAt: now,
        expiresAt: now + context.offerTtlMs,
        extended: false,
      };
      this.#addAllocation(allocation);
      this.#setEntryStatus(entry, 'offered');
      entry.holdId = allocation.holdId;
      entry.offerSeq = ++this.#counters.offer;
      this.#audit(now, 'offer_created', {
        holdId: allocation.holdId,
        userId: entry.userId,
        entryId: entry.id,
        quantity: entry.quantity,
        ...(allocation.seats ? { seats: allocation.seats } : {}),
      });
      this.#journal.push({
        kind: 'notice',
        id: `n_${allocation.holdId}`,
        notice: {
          id: `n_${allocation.holdId}`,
          eventId: this.definition.id,
          userId: entry.userId,
          offer: {
            holdId: allocation.holdId,
            entryId: entry.id,
            quantity: entry.quantity,
            seats: allocation.seats,
            expiresAt: allocation.expiresAt,
          },
        },
      });
    }
  }

  #setEntryStatus(entry: WaitlistEntryRecord, status: WaitlistEntryStatus): void {
    if (entry.status === 'waiting' && status !== 'waiting') this.#waitingBySeq.add(entry.seq, -1);
    entry.status = status;
    if (status === 'waiting' || status === 'offered') this.#activeEntry.set(entry.userId, entry);
    else if (this.#activeEntry.get(entry.userId) === entry) this.#activeEntry.delete(entry.userId);
  }

  #addAllocation(allocation: AllocationRecord): void {
    this.#allocations.set(allocation.holdId, allocation);
    this.#expiry.push(allocation.expiresAt, allocation);
    this.#allocatedUnits += allocation.quantity;
    if (allocation.kind === 'offer') this.#offeredUnits += allocation.quantity;
    this.#addUserUnits(allocation.userId, allocation.quantity);
    if (allocation.seats) for (const seat of allocation.seats) this.#takeSeat(seat, allocation.holdId);
  }

  #removeAllocation(allocation: AllocationRecord): void {
    this.#allocations.delete(allocation.holdId);
    this.#allocatedUnits -= allocation.quantity;
    if (allocation.kind === 'offer') this.#offeredUnits -= allocation.quantity;
    this.#addUserUnits(allocation.userId, -allocation.quantity);
    if (allocation.seats) {
      for (const seat of allocation.seats) {
        if (this.#seatOwner.get(seat) === allocation.holdId) this.#releaseSeat(seat);
      }
    }
  }

  #addSale(sale: SaleRecord): void {
    this.#sales.set(sale.holdId, sale);
    this.#sold += sale.tickets.length;
    this.#addUserUnits(sale.userId, sale.tickets.length);
    for (const ticket of sale.tickets) if (ticket.seat !== null) this.#takeSeat(ticket.seat, sale.holdId);
  }

  #addUserUnits(userId: string, delta: number): void {
    if (this.definition.perUserLimit === null) return; // only the per-user limit needs the counts
    const next = (this.#userUnits.get(userId) ?? 0) + delta;
    if (next === 0) this.#userUnits.delete(userId);
    else this.#userUnits.set(userId, next);
  }

  /**
   * The seats for a hold that names none: `quantity` adjacent seats starting at the first free
   * seat when that block is free, else the first free seats in seat-map order. O(quantity log n)
   * (a Fenwick tree of free seats), never a scan of the seat map.
   */
  #pickSeats(quantity: number): string[] | null {
    const seats = this.definition.seats;
    const free = this.#freeSeats;
    if (!seats || !free) return null;
    const first = free.search(1);
    if (first < 0) return [];
    const end = first - 1 + quantity;
    if (end <= seats.length && free.prefix(end) - free.prefix(first - 1) === quantity) {
      return seats.slice(first - 1, end);
    }
    const picked: string[] = [];
    for (let k = 1; k <= quantity; k++) {
      const index = free.search(k);
      if (index < 0 || index > seats.length) break;
      picked.push(seats[index - 1]!);
    }
    return picked;
  }

  #inSeatOrder(seats: readonly string[]): string[] {
    const index = this.#seatIndex!;
    return [...seats].sort((a, b) => index.get(a)! - index.get(b)!);
  }

  #seatTaken(seat: string, now: number): boolean {
    const owner = this.#seatOwner.get(seat);
    if (owner === undefined) return false;
    const allocation = this.#allocations.get(owner);
    return !allocation || allocation.expiresAt > now;
  }

  #forEachExpired(now: number, visit: (allocation: AllocationRecord) => void): void {
    this.#expiry.forEachUpTo(now, (allocation, key) => {
      if (this.#allocations.get(allocation.holdId) === allocation && allocation.expiresAt === key) visit(allocation);
    });
  }

  #audit(at: number, type: AuditType, fields: Omit<AuditEntry, 'id' | 'eventId' | 'at' | 'type'>): void {
    const id = `${this.definition.id}:${++this.#counters.journal}`;
    this.#journal.push({
      kind: 'audit',
      id,
      entry: {
        id,
        eventId: this.definition.id,
        at,
        type,
        ...fields,
      },
    });
  }
}

function cloneAllocation(allocation: AllocationRecord): AllocationRecord {
  return { ...allocation, seats: allocation.seats ? [...allocation.seats] : null };
}

function cloneSale(sale: SaleRecord): SaleRecord {
  return { ...sale, tickets: sale.tickets.map((t) => ({ ...t })) };
}
