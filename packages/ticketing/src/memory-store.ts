import type { Allocator, AllocatorContext } from './allocator.js';
import { InvalidArgumentError } from './errors.js';
import type { EventDefinition, EventDocument, JournalRecord, RefusalRecord } from './event-inventory.js';
import { EventInventory } from './event-inventory.js';
import { assertInteger, assertKnownOptions } from './input-validation.js';
import { InventoryAllocator, type InventoryStore } from './inventory-allocator.js';
import { LedgerAllocator, type LedgerLayoutOptions, type LedgerRecords } from './ledger-allocator.js';
import { memoryLedgerBackend } from './memory-ledger-backend.js';
import type { LedgerBackend } from './partition-ledger.js';
import type { AuditEntry, HoldRecord, Notice, Order, PaymentRecord, PaymentStatus } from './records.js';
import type { TicketingStore } from './ticketing-store.js';

/**
 * Options of {@link memoryStore}: how much history it keeps. Live state (events, live holds and
 * offers, waiting entries, sales, orders, payments, undelivered notices) is always kept; these
 * bound what is only history, so a process that sells all day keeps memory flat.
 *
 * @example
 * ```ts
 * const options: MemoryStoreOptions = { finishedHoldRetention: 100_000, auditRetention: 50_000 };
 * ```
 */
export interface MemoryStoreOptions {
  /**
   * How many finished hold records (expired, released, bought or refused) to keep, oldest dropped
   * first. A dropped hold is unknown afterwards (`getHold` and a late `confirmPayment` for it throw
   * `UnknownHoldError`), so keep at least the holds that finish during the longest delay a payment
   * confirmation can have. `Infinity` keeps them all.
   * @default Infinity
   */
  finishedHoldRetention?: number;
  /**
   * How many audit entries to keep per event, oldest dropped first (`tix.audit` then returns the
   * latest ones). `Infinity` keeps them all.
   * @default Infinity
   */
  auditRetention?: number;
  /**
   * How allocation state is laid out. `'inventory'`: one in-process inventory per event, each
   * operation one synchronous update (the fastest). `'partitioned'`: the same partitioned ledger
   * `mongoStore` uses, on in-memory documents, to run and test that layout without a database
   * (its hold and waitlist documents are kept for the life of the store; retention options apply
   * to the records above only).
   * @default 'inventory'
   */
  layout?: 'inventory' | 'partitioned';
  /**
   * Units per partition document (`layout: 'partitioned'` only).
   * @default 1000
   */
  partitionSize?: number;
}

/**
 * The in-memory {@link TicketingStore} (the default). It keeps the same single-document atomicity
 * as `mongoStore` (`@x/ticketing/mongodb`): each `updateEvent` runs synchronously, in one turn of the event loop, so
 * no other update can interleave; records are copied in and out, so callers never share state
 * with the store. Everything is lost when the process exits.
 *
 * @example
 * ```ts
 * import { createTicketing, memoryStore } from '@x/ticketing';
 * const tix = createTicketing({ store: memoryStore() });
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): TicketingStore {
  return new MemoryStore(options);
}

/** An event's audit log: entries from `head` on are kept (older ones were dropped by retention). */
interface AuditLog {
  entries: AuditEntry[];
  head: number;
}

/** Hold-finishing transitions: after one of these the hold reserves nothing any more. */
const FINISHING = new Set([
  'hold_expired',
  'hold_released',
  'offer_expired',
  'offer_declined',
  'sale_issued',
  'sale_refused',
]);

function retention(name: string, value: number | undefined): number {
  if (value === undefined) return Number.POSITIVE_INFINITY;
  if (typeof value !== 'number' || !(value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value >= 0))) {
    throw new InvalidArgumentError(name, 'an integer from 0 and up, or Infinity', value);
  }
  return value;
}

class MemoryStore implements TicketingStore, InventoryStore {
  readonly #finishedHoldRetention: number;
  readonly #auditRetention: number;
  /** Finished hold ids, oldest first, from `#finishedHead` on (dropped beyond the retention). */
  #finished: string[] = [];
  #finishedHead = 0;
  #events = new Map<string, EventInventory>();
  #holds = new Map<string, HoldRecord>();
  #holdKeys = new Map<string, string>();
  #payments = new Map<string, PaymentRecord>();
  #paymentsByEvent = new Map<string, string[]>();
  #orders = new Map<string, Order>();
  #ordersByEvent = new Map<string, string[]>();
  #outbox = new Map<string, Notice>();
  #pending = new Set<string>();
  #audit = new Map<string, AuditLog>();
  #auditIds = new Set<string>();

  constructor(options: MemoryStoreOptions) {
    if (typeof options !== 'object' || options === null)
      throw new InvalidArgumentError('options', 'an object', options);
    assertKnownOptions('memoryStore', options, ['finishedHoldRetention', 'auditRetention', 'layout', 'partitionSize']);
    this.#finishedHoldRetention = retention('finishedHoldRetention', options.finishedHoldRetention);
    this.#auditRetention = retention('auditRetention', options.auditRetention);
    const layout = options.layout ?? 'inventory';
    if (layout !== 'inventory' && layout !== 'partitioned') {
      throw new InvalidArgumentError('layout', "'inventory' or 'partitioned'", layout);
    }
    if (options.partitionSize !== undefined) {
      if (layout !== 'partitioned') {
        throw new InvalidArgumentError(
          'partitionSize',
          "omitted unless `layout` is 'partitioned'",
          options.partitionSize,
        );
      }
      assertInteger('partitionSize', options.partitionSize, 1);
    }
    if (layout === 'partitioned') {
      this.#ledger = {
        backend: memoryLedgerBackend(),
        records: this.#ledgerRecords(),
        options: options.partitionSize === undefined ? {} : { partitionSize: options.partitionSize },
      };
    }
  }

  /** The partitioned layout's documents, when the store uses it. */
  readonly #ledger: { backend: LedgerBackend; records: LedgerRecords; options: LedgerLayoutOptions } | undefined;

  #ledgerRecords(): LedgerRecords {
    const definitions = new Map<string, { definition: EventDefinition; ready: boolean }>();
    const refusals = new Map<string, RefusalRecord>();
    return {
      insertDefinition: async (definition) => {
        if (definitions.has(definition.id)) return false;
        definitions.set(definition.id, { definition: structuredClone(definition), ready: false });
        return true;
      },
      getDefinition: async (eventId) => {
        const found = definitions.get(eventId);
        return found ? structuredClone(found) : undefined;
      },
      markReady: async (eventId) => {
        const found = definitions.get(eventId);
        if (found) found.ready = true;
      },
      listEventIds: async () => [...definitions.keys()],
      insertRefusal: async (_eventId, refusal) => {
        const stored = refusals.get(refusal.holdId) ?? { ...refusal };
        refusals.set(refusal.holdId, stored);
        return { ...stored };
      },
      getRefusal: async (holdId) => {
        const found = refusals.get(holdId);
        return found ? { ...found } : undefined;
      },
      appendAudit: async (entries) => {
        for (const entry of entries) await this.appendAudit(entry);
      },
    };
  }

  openAllocator(context: AllocatorContext): Allocator {
    if (this.#ledger)
      return new LedgerAllocator(this.#ledger.backend, this.#ledger.records, context, this.#ledger.options);
    return new InventoryAllocator(this, context);
  }

  async insertEvent(doc: EventDocument): Promise<boolean> {
    if (this.#events.has(doc.id)) return false;
    const inventory = EventInventory.fromDocument(doc);
    this.#events.set(doc.id, inventory);
    this.#drain(inventory.takeJournal());
    return true;
  }

  async readEvent<R>(eventId: string, read: (inventory: EventInventory) => R): Promise<R | undefined> {
    const inventory = this.#events.get(eventId);
    return inventory ? read(inventory) : undefined;
  }

  async updateEvent<R>(eventId: string, apply: (inventory: EventInventory) => R): Promise<R | undefined> {
    const inventory = this.#events.get(eventId);
    if (!inventory) return undefined;
    // Atomic: synchronous from here to the return. EventInventory methods check before they
    // change anything, so a throwing `apply` leaves the document as it was.
    const result = apply(inventory);
    inventory.dirty = false;
    if (inventory.journal.length > 0) this.#drain(inventory.takeJournal());
    return result;
  }

  async getEventDocument(eventId: string): Promise<EventDocument | undefined> {
    return this.#events.get(eventId)?.toDocument();
  }

  async listEventIds(): Promise<string[]> {
    return [...this.#events.keys()];
  }

  async insertHold(hold: HoldRecord): Promise<HoldRecord> {
    const existing = this.#holds.get(hold.id);
    if (existing) return copyHold(existing);
    if (hold.idempotencyKey !== null) {
      const key = holdKey(hold);
      const holder = this.#holdKeys.get(key);
      if (holder) return copyHold(this.#holds.get(holder)!);
      this.#holdKeys.set(key, hold.id);
    }
    this.#holds.set(hold.id, copyHold(hold));
    return hold; // the caller's own object: the stored copy is never shared
  }

  async getHold(holdId: string): Promise<HoldRecord | undefined> {
    const hold = this.#holds.get(holdId);
    return hold ? copyHold(hold) : undefined;
  }

  async updateHold(holdId: string, patch: Partial<Pick<HoldRecord, 'status' | 'expiresAt'>>): Promise<void> {
    const hold = this.#holds.get(holdId);
    if (hold) Object.assign(hold, patch);
  }

  async insertPayment(payment: PaymentRecord): Promise<PaymentRecord> {
    const existing = this.#payments.get(payment.paymentId);
    if (existing) return { ...existing };
    this.#payments.set(payment.paymentId, { ...payment });
    const list = this.#paymentsByEvent.get(payment.eventId);
    if (list) list.push(payment.paymentId);
    else this.#paymentsByEvent.set(payment.eventId, [payment.paymentId]);
    return { ...payment };
  }

  async getPayment(paymentId: string): Promise<PaymentRecord | undefined> {
    const payment = this.#payments.get(paymentId);
    return payment ? { ...payment } : undefined;
  }

  async transitionPayment(
    paymentId: string,
    from: readonly PaymentStatus[],
    patch: Partial<Pick<PaymentRecord, 'status' | 'orderId' | 'refundReason' | 'updatedAt'>>,
  ): Promise<boolean> {
    const payment = this.#payments.get(paymentId);
    if (!payment || !from.includes(payment.status)) return false;
    Object.assign(payment, patch);
    return true;
  }

  async listPayments(eventId: string): Promise<PaymentRecord[]> {
    return (this.#paymentsByEvent.get(eventId) ?? []).map((id) => ({ ...this.#payments.get(id)! }));
  }

  async insertOrder(order: Order): Promise<Order> {
    const existing = this.#orders.get(order.id);
    if (existing) return copyOrder(existing);
    this.#orders.set(order.id, copyOrder(order));
    const list = this.#ordersByEvent.get(order.eventId);
    if (list) list.push(order.id);
    else this.#ordersByEvent.set(order.eventId, [order.id]);
    return copyOrder(order);
  }

  async getOrder(orderId: string): Promise<Order | undefined> {
    const order = this.#orders.get(orderId);
    return order ? copyOrder(order) : undefined;
  }

  async markTicketsReturned(orderId: string, ticketIds: readonly string[]): Promise<Order | undefined> {
    const order = this.#orders.get(orderId);
    if (!order) return undefined;
    const ids = new Set(ticketIds);
    const updated: Order = {
      ...order,
      tickets: order.tickets.map((t) => (ids.has(t.id) ? { ...t, status: 'returned' as const } : t)),
    };
    this.#orders.set(orderId, updated);
    return copyOrder(updated);
  }

  async listOrders(eventId: string): Promise<Order[]> {
    return (this.#ordersByEvent.get(eventId) ?? []).map((id) => copyOrder(this.#orders.get(id)!));
  }

  async pendingNotices(limit: number): Promise<Notice[]> {
    const out: Notice[] = [];
    for (const id of this.#pending) {
      if (out.length >= limit) break;
      out.push(structuredClone(this.#outbox.get(id)!));
    }
    return out;
  }

  async markNoticeDelivered(noticeId: string, _at: number): Promise<void> {
    // Delivered notices are history: dropped at once (the audit log records the delivery).
    if (this.#pending.delete(noticeId)) this.#outbox.delete(noticeId);
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    // Service-level entries may be appended again by a retried operation: deduplicate on id.
    if (this.#auditIds.has(entry.id)) return;
    this.#auditIds.add(entry.id);
    this.#appendAudit(entry);
  }

  async listAudit(eventId: string): Promise<AuditEntry[]> {
    const log = this.#audit.get(eventId);
    return log ? log.entries.slice(log.head).map((entry) => ({ ...entry })) : [];
  }

  /** Journal entries arrive exactly once (drained in the same turn they were made): no dedup needed. */
  #appendAudit(entry: AuditEntry): void {
    let log = this.#audit.get(entry.eventId);
    if (!log) {
      log = { entries: [], head: 0 };
      this.#audit.set(entry.eventId, log);
    }
    log.entries.push(entry);
    if (entry.holdId !== undefined && FINISHING.has(entry.type)) this.#holdFinished(entry.holdId);
    if (log.entries.length - log.head > this.#auditRetention) {
      const dropped = log.entries[log.head]!;
      log.entries[log.head++] = undefined as never;
      this.#auditIds.delete(dropped.id);
      if (log.head > 1024 && log.head * 2 > log.entries.length) {
        log.entries = log.entries.slice(log.head);
        log.head = 0;
      }
    }
  }

  /** Remembers that a hold finished; forgets the oldest finished hold records beyond the retention. */
  #holdFinished(holdId: string): void {
    if (this.#finishedHoldRetention === Number.POSITIVE_INFINITY) return;
    this.#finished.push(holdId);
    while (this.#finished.length - this.#finishedHead > this.#finishedHoldRetention) {
      const id = this.#finished[this.#finishedHead]!;
      this.#finished[this.#finishedHead++] = undefined as never;
      const hold = this.#holds.get(id);
      if (hold) {
        this.#holds.delete(id);
        if (hold.idempotencyKey !== null) this.#holdKeys.delete(holdKey(hold));
      }
    }
    if (this.#finishedHead > 1024 && this.#finishedHead * 2 > this.#finished.length) {
      this.#finished = this.#finished.slice(this.#finishedHead);
      this.#finishedHead = 0;
    }
  }

  #drain(journal: JournalRecord[]): void {
    for (const record of journal) {
      if (record.kind === 'audit') this.#appendAudit(record.entry);
      else if (!this.#outbox.has(record.notice.id)) {
        this.#outbox.set(record.notice.id, record.notice);
        this.#pending.add(record.notice.id);
      }
    }
  }
}

function holdKey(hold: HoldRecord): string {
  return `${hold.eventId}\u0000${hold.userId}\u0000${hold.idempotencyKey}`;
}

function copyHold(hold: HoldRecord): HoldRecord {
  return { ...hold, seats: hold.seats ? [...hold.seats] : null };
}

function copyOrder(order: Order): Order {
  return { ...order, tickets: order.tickets.map((t) => ({ ...t })) };
}
