/**
 * The records `@x/ticketing` keeps. Everything here is plain data (JSON-safe, no classes) so a
 * {@link TicketingStore} can persist it as documents.
 *
 * @packageDocumentation
 */

/**
 * What a hold or offer is in its lifecycle. `expired` is judged against the clock at read time:
 * a hold whose `expiresAt` has passed is expired whether or not the sweeper ran.
 */
export type HoldStatus = 'pending' | 'active' | 'in_payment' | 'confirmed' | 'released' | 'expired' | 'rejected';

/**
 * A hold on inventory: units (or seats) reserved for one user until `expiresAt`. Waitlist offers
 * are holds too (`kind: 'offer'`), completed with `beginPayment`/`confirmPayment` like any hold.
 *
 * @example
 * ```ts
 * const hold: Hold = await tix.hold({ eventId: 'gig', userId: 'ada', quantity: 2 });
 * if (hold.status === 'active') console.log(`pay before ${new Date(hold.expiresAt).toISOString()}`);
 * ```
 */
export interface Hold {
  /** Opaque id, e.g. `h_3f2a…`. */
  readonly id: string;
  /** The event. */
  readonly eventId: string;
  /** The user (buyer). */
  readonly userId: string;
  /** Units. */
  readonly quantity: number;
  /** The seats held, in the event's seat order, or `null` for general admission. */
  readonly seats: readonly string[] | null;
  /** `hold` for a public hold, `offer` for a waitlist offer. */
  readonly kind: 'hold' | 'offer';
  /** Status at the time of reading (an `active` hold past `expiresAt` reads as `expired`). */
  readonly status: HoldStatus;
  /** Epoch ms at which the hold was created. */
  readonly createdAt: number;
  /** Epoch ms after which the hold no longer reserves anything. */
  readonly expiresAt: number;
  /** The idempotency key the hold was created with, if any. */
  readonly idempotencyKey: string | null;
  /** The waitlist entry this offer was made to (offers only). */
  readonly entryId: string | null;
}

/** The stored form of a {@link Hold} (`status` as last written, without the read-time expiry). */
export interface HoldRecord extends Omit<Hold, 'status'> {
  /** Where it stands. */
  status: HoldStatus;
  /** Epoch ms after which it no longer reserves anything. */
  expiresAt: number;
}

/** A ticket of an order. */
export interface Ticket {
  /** Unique id. */
  readonly id: string;
  /** The order. */
  readonly orderId: string;
  /** The event. */
  readonly eventId: string;
  /** The seat, or `null` for general admission. */
  readonly seat: string | null;
  /** `returned` once given back through `returnTickets`. */
  readonly status: 'valid' | 'returned';
}

/** An issued order: the tickets one confirmed payment bought. One hold gives at most one order. */
export interface Order {
  /** Derived from the hold id, so a hold can never produce two orders. */
  readonly id: string;
  /** The event. */
  readonly eventId: string;
  /** The hold. */
  readonly holdId: string;
  /** The payment provider's payment id. */
  readonly paymentId: string;
  /** The user (buyer). */
  readonly userId: string;
  /** Amount paid (refunded in full when refunded). */
  readonly amount: number;
  /** The tickets. */
  readonly tickets: readonly Ticket[];
  /** Epoch ms. */
  readonly createdAt: number;
}

/**
 * Where a recorded payment is: `pending` until decided, then `issued` (an order exists) or
 * `refunding` (refund decided and durably recorded, provider call in flight) and `refunded`.
 */
export type PaymentStatus = 'pending' | 'issued' | 'refunding' | 'refunded';

/** Why a confirmed payment was refunded instead of issuing tickets. */
export type RefundReason =
  /** The hold expired and its inventory was gone by the time the payment was confirmed. */
  | 'hold_expired'
  /** The hold was released and its inventory was gone. */
  | 'hold_released'
  /** Another payment already bought this hold. */
  | 'hold_already_paid'
  /** `latePaymentPolicy: 'refund'` and the hold was no longer live. */
  | 'late_payment';

/** The durable record of one payment confirmation, unique on `paymentId`. */
export interface PaymentRecord {
  /** The payment provider's payment id. */
  readonly paymentId: string;
  /** The hold. */
  readonly holdId: string;
  /** The event. */
  readonly eventId: string;
  /** The user (buyer). */
  readonly userId: string;
  /** Amount paid (refunded in full when refunded). */
  readonly amount: number;
  /** Epoch ms reported by the payment provider, or when the confirmation arrived. */
  readonly paidAt: number;
  /** Where it stands. */
  status: PaymentStatus;
  /** The order. */
  orderId: string | null;
  /** Why it was refunded, or `null`. */
  refundReason: RefundReason | null;
  /** Epoch ms of the last status change. */
  updatedAt: number;
}

/** A waitlist entry's state. An entry is offered at most once. */
export type WaitlistEntryStatus =
  /** In line. */
  | 'waiting'
  /** Holds a live offer (or an expired one the sweeper has not tidied yet). */
  | 'offered'
  /** Bought (through the offer or otherwise): never offered again. */
  | 'purchased'
  /** The offer expired unused; the line moved on. */
  | 'expired'
  /** The offer was released by the user. */
  | 'declined'
  /** Skipped because an offer would exceed the user's per-user limit. */
  | 'skipped';

/** A waitlist offer as delivered to the notifier. */
export interface WaitlistOffer {
  /** Complete it with `beginPayment(holdId)` / `confirmPayment({ holdId, … })`. */
  readonly holdId: string;
  /** The waitlist entry. */
  readonly entryId: string;
  /** Units. */
  readonly quantity: number;
  /** Seat labels, or `null` for general admission. */
  readonly seats: readonly string[] | null;
  /** Epoch ms; after this the offer moves to the next person in line. */
  readonly expiresAt: number;
}

/** A notification waiting in the outbox. `id` is stable across redeliveries, for deduplication. */
export interface Notice {
  /** Unique id. */
  readonly id: string;
  /** The event. */
  readonly eventId: string;
  /** The user (buyer). */
  readonly userId: string;
  /** The offer: hold id, units, seats, expiry. */
  readonly offer: WaitlistOffer;
}

/** The kinds of state transition written to the audit log. */
export type AuditType =
  | 'event_created'
  | 'hold_created'
  | 'hold_extended'
  | 'hold_released'
  | 'hold_expired'
  | 'offer_created'
  | 'offer_expired'
  | 'offer_declined'
  | 'payment_recorded'
  | 'sale_issued'
  | 'sale_refused'
  | 'order_created'
  | 'refund_requested'
  | 'refund_completed'
  | 'tickets_returned'
  | 'waitlist_joined'
  | 'waitlist_purchased'
  | 'waitlist_skipped'
  | 'notice_delivered';

/** One audit log line: a state transition. */
export interface AuditEntry {
  /** Unique, stable id (retries never log the same transition twice under one id). */
  readonly id: string;
  /** The event. */
  readonly eventId: string;
  /** Epoch ms. */
  readonly at: number;
  /** What happened. */
  readonly type: AuditType;
  /** The hold. */
  readonly holdId?: string;
  /** The user (buyer). */
  readonly userId?: string;
  /** The payment provider's payment id. */
  readonly paymentId?: string;
  /** The order. */
  readonly orderId?: string;
  /** The waitlist entry. */
  readonly entryId?: string;
  /** Units. */
  readonly quantity?: number;
  /** Seat labels, or `null` for general admission. */
  readonly seats?: readonly string[];
  /** Free-form detail (e.g. a refund reason). */
  readonly detail?: string;
}
