import type { Allocator, AllocatorContext } from './allocator.js';
import type { AuditEntry, HoldRecord, Order, PaymentRecord, PaymentStatus } from './records.js';

/**
 * Where `@x/ticketing` keeps its state. Every method is atomic on one record (one document); no
 * method needs a multi-document transaction. Implementations: {@link memoryStore} (default) and
 * `mongoStore` (`@x/ticketing/mongodb`); both pass the same contract suite.
 *
 * The invariants that need atomicity (no oversell, no seat twice, per-user limits, waitlist
 * priority, one decision per paid hold) are kept by the store's {@link Allocator}; the record
 * methods here (holds, payments, orders, audit) are single-record inserts and conditional updates.
 *
 * @example
 * ```ts
 * import { createTicketing, memoryStore } from '@x/ticketing';
 * const store = memoryStore();
 * const tix = createTicketing({ store });
 * ```
 */
export interface TicketingStore {
  /**
   * Opens the store's allocation engine for one `createTicketing` instance (called once, by it).
   * Every decision that must be atomic is made there; the methods below keep plain records.
   */
  openAllocator(context: AllocatorContext): Allocator;

  /**
   * Inserts a hold record unless one exists with the same `id`, or the same
   * `(eventId, userId, idempotencyKey)` when the key is set; returns the stored record either way.
   */
  insertHold(hold: HoldRecord): Promise<HoldRecord>;
  /** A hold record, or `undefined`. */
  getHold(holdId: string): Promise<HoldRecord | undefined>;
  /** Sets fields of a hold record (no-op when missing). */
  updateHold(holdId: string, patch: Partial<Pick<HoldRecord, 'status' | 'expiresAt'>>): Promise<void>;

  /** Inserts a payment record unless `paymentId` exists; returns the stored record either way. */
  insertPayment(payment: PaymentRecord): Promise<PaymentRecord>;
  /** A payment record, or `undefined`. */
  getPayment(paymentId: string): Promise<PaymentRecord | undefined>;
  /**
   * Conditionally changes a payment record: applied only if its status is one of `from`.
   * Returns whether it was applied.
   */
  transitionPayment(
    paymentId: string,
    from: readonly PaymentStatus[],
    patch: Partial<Pick<PaymentRecord, 'status' | 'orderId' | 'refundReason' | 'updatedAt'>>,
  ): Promise<boolean>;
  /** Every payment record of an event. */
  listPayments(eventId: string): Promise<PaymentRecord[]>;

  /** Inserts an order unless its id exists; returns the stored order either way. */
  insertOrder(order: Order): Promise<Order>;
  /** An order, or `undefined`. */
  getOrder(orderId: string): Promise<Order | undefined>;
  /** Marks tickets of an order `returned` (idempotent); returns the updated order. */
  markTicketsReturned(orderId: string, ticketIds: readonly string[]): Promise<Order | undefined>;
  /** Every order of an event. */
  listOrders(eventId: string): Promise<Order[]>;

  /** Appends an audit entry (idempotent on `entry.id`). */
  appendAudit(entry: AuditEntry): Promise<void>;
  /** The audit log of an event, in the order written. */
  listAudit(eventId: string): Promise<AuditEntry[]>;
}
