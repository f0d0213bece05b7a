import type {
  AllocateResult,
  AllocationRecord,
  EventDefinition,
  HoldState,
  InventoryCounts,
  SettleResult,
  WaitlistEntryRecord,
} from './event-inventory.js';
import type { InvariantReport } from './invariants.js';
import type { AuditEntry, Notice, Order, PaymentRecord } from './records.js';

/**
 * What `createTicketing` gives the allocation engine of its store when it opens it.
 *
 * @example
 * ```ts
 * const allocator = store.openAllocator({ offerTtlMs: 900_000, newHoldId: () => `h_${randomUUID()}`, noticesMade: () => {} });
 * ```
 */
export interface AllocatorContext {
  /** Lifetime of a waitlist offer, in ms. */
  readonly offerTtlMs: number;
  /** A fresh, globally unique hold id (for waitlist offers). */
  newHoldId(): string;
  /**
   * Called (synchronously) with the offer notices an operation put in the outbox, so the service
   * can write the offers' hold records and deliver them. Called once per operation that made any.
   */
  noticesMade(notices: readonly Notice[]): void;
  /** Optional observer: called (synchronously) with the audit entries each operation wrote. */
  audited?(entries: readonly AuditEntry[]): void;
}

/** A hold request as the allocator sees it (validated by the service). */
export interface AllocationRequest {
  /** The hold. */
  holdId: string;
  /** The buyer. */
  userId: string;
  /** Units. */
  quantity: number;
  /** The seats asked for, or `null` (general admission, or any seats of a seated event). */
  seats: readonly string[] | null;
  /** Epoch ms the hold expires. */
  expiresAt: number;
}

/** A confirmed payment to decide, as the allocator sees it. */
export interface SettleRequest {
  /** The hold. */
  holdId: string;
  /** The payment provider's payment id. */
  paymentId: string;
  /** The buyer. */
  userId: string;
  /** Units. */
  quantity: number;
  /** The hold's seats, or `null`. */
  seats: readonly string[] | null;
  /** What to do with a payment for a hold that is no longer live. */
  latePolicy: 'issue_if_available' | 'refund';
  /** The refusal reason when a late payment finds no units. */
  lateReason: 'hold_expired' | 'hold_released';
  /** The waitlist entry of an offer, or `null`. */
  entryId: string | null;
}

/** Result of {@link Allocator.extend}. */
export type ExtendResult =
  | {
      /** The outcome. */
      status: 'ok';
      /** The live allocation, with its (possibly) extended expiry. */
      allocation: AllocationRecord;
    }
  | {
      /** The outcome. */
      status: 'not_live';
      /** Where the hold stands. */
      state: HoldState['state'];
    };

/** Result of {@link Allocator.release}. */
export interface ReleaseResult {
  /** Whether this call released the hold (`false`: it was not live). */
  released: boolean;
  /** Where the hold stands after the call. */
  state: HoldState;
}

/** Result of {@link Allocator.tidy}. */
export interface TidyResult {
  /** The holds and offers this call found expired. */
  expired: AllocationRecord[];
}

/** A waitlist entry and its place in line. */
export interface WaitlistPlace {
  /** The entry. */
  entry: WaitlistEntryRecord;
  /** 1-based place among those waiting (0 when not waiting). */
  position: number;
}

/**
 * The allocation engine of a {@link TicketingStore}: every decision that must be atomic (no
 * oversell, no seat twice, per-user limits, waitlist priority, one decision per paid hold) is
 * made here. Two implementations ship: the whole-event inventory (`memoryStore()`, one
 * synchronous update per operation) and the partitioned ledger (`mongoStore`, and
 * `memoryStore({ layout: 'partitioned' })`), where every write is one conditional update of one
 * small document. Both pass the same contract suite. Every method throws `UnknownEventError`
 * for an event that does not exist.
 *
 * @example
 * ```ts
 * const allocator = memoryStore().openAllocator({ offerTtlMs: 60_000, newHoldId: () => 'h1', noticesMade: () => {} });
 * const counts = await allocator.counts('gig', Date.now());
 * ```
 */
export interface Allocator {
  /** Stores a new event; `false` when the id exists (nothing changed). */
  createEvent(definition: EventDefinition): Promise<boolean>;
  /** The event's definition, or `undefined`. */
  definition(eventId: string): Promise<EventDefinition | undefined>;
  /** Every event id. */
  listEventIds(): Promise<string[]>;
  /** Reserves units (or seats) for a hold; idempotent on `holdId`. */
  allocate(eventId: string, request: AllocationRequest, now: number): Promise<AllocateResult>;
  /** Where a hold stands at `now`. */
  holdState(eventId: string, holdId: string, now: number): Promise<HoldState>;
  /** Moves a live hold into payment: expiry becomes `max(expiresAt, now + graceMs)`, once. */
  extend(eventId: string, holdId: string, graceMs: number, now: number): Promise<ExtendResult>;
  /** Decides a confirmed payment, once per hold, forever. */
  settle(eventId: string, request: SettleRequest, now: number): Promise<SettleResult>;
  /** Frees a live hold or declines an offer. */
  release(eventId: string, holdId: string, now: number): Promise<ReleaseResult>;
  /** Finishes expired holds and offers and makes the offers that frees (the sweeper). */
  tidy(eventId: string, now: number): Promise<TidyResult>;
  /** Gives back tickets of a sold hold (idempotent); the waitlist gets them first. */
  returnTickets(eventId: string, holdId: string, ticketIds: readonly string[], now: number): Promise<void>;
  /** Puts a user in line (idempotent per user while their entry waits or holds an offer). */
  joinWaitlist(
    eventId: string,
    request: { entryId: string; userId: string; quantity: number },
    now: number,
  ): Promise<WaitlistPlace>;
  /** A waitlist entry and its place at `now`, or `undefined`. */
  waitlistEntry(eventId: string, entryId: string, now: number): Promise<WaitlistPlace | undefined>;
  /** Counts at `now`. */
  counts(eventId: string, now: number): Promise<InventoryCounts>;
  /** Checks the event's invariants from the stored records and the given orders and payments. */
  check(
    eventId: string,
    input: { orders: readonly Order[]; payments: readonly PaymentRecord[]; now: number; settled: boolean },
  ): Promise<InvariantReport>;
  /** Notices not yet delivered, oldest first, at most `limit`. */
  pendingNotices(limit: number): Promise<Notice[]>;
  /** Marks a notice delivered (idempotent). */
  markNoticeDelivered(noticeId: string, at: number): Promise<void>;
}
