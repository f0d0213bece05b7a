import type { EventDocument, JournalRecord } from './event-inventory.js';
import { EventInventory } from './event-inventory.js';
import type { AuditEntry, HoldRecord, Notice, Order, PaymentRecord, PaymentStatus } from './records.js';
import type { TicketingStore } from './ticketing-store.js';

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
export function memoryStore(): TicketingStore {
  return new MemoryStore();
}

class MemoryStore implements TicketingStore {
  #events = new Map<string, EventInventory>();
  #holds = new Map<string, HoldRecord>();
  #holdKeys = new Map<string, string>();
  #payments = new Map<string, PaymentRecord>();
  #paymentsByEvent = new Map<string, string[]>();
  #orders = new Map<string, Order>();
  #ordersByEvent = new Map<string, string[]>();
  #outbox = new Map<string, { notice: Notice; deliveredAt: number | null }>();
  #pending = new Set<string>();
  #audit = new Map<string, AuditEntry[]>();
  #auditIds = new Set<string>();

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
      const key = `${hold.eventId}\u0000${hold.userId}\u0000${hold.idempotencyKey}`;
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
      out.push(structuredClone(this.#outbox.get(id)!.notice));
    }
    return out;
  }

  async markNoticeDelivered(noticeId: string, at: number): Promise<void> {
    const item = this.#outbox.get(noticeId);
    if (item && item.deliveredAt === null) item.deliveredAt = at;
    this.#pending.delete(noticeId);
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    // Service-level entries may be appended again by a retried operation: deduplicate on id.
    if (this.#auditIds.has(entry.id)) return;
    this.#auditIds.add(entry.id);
    this.#appendAudit(entry);
  }

  async listAudit(eventId: string): Promise<AuditEntry[]> {
    return (this.#audit.get(eventId) ?? []).map((entry) => ({ ...entry }));
  }

  /** Journal entries arrive exactly once (drained in the same turn they were made): no dedup needed. */
  #appendAudit(entry: AuditEntry): void {
    const list = this.#audit.get(entry.eventId);
    if (list) list.push(entry);
    else this.#audit.set(entry.eventId, [entry]);
  }

  #drain(journal: JournalRecord[]): void {
    for (const record of journal) {
      if (record.kind === 'audit') this.#appendAudit(record.entry);
      else if (!this.#outbox.has(record.notice.id)) {
        this.#outbox.set(record.notice.id, { notice: record.notice, deliveredAt: null });
        this.#pending.add(record.notice.id);
      }
    }
  }
}

function copyHold(hold: HoldRecord): HoldRecord {
  return { ...hold, seats: hold.seats ? [...hold.seats] : null };
}

function copyOrder(order: Order): Order {
  return { ...order, tickets: order.tickets.map((t) => ({ ...t })) };
}
