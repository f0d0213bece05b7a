import { randomBytes } from 'node:crypto';
import type { Allocator } from './allocator.js';
import {
  AdmissionError,
  EventExistsError,
  HoldNotActiveError,
  InvalidArgumentError,
  PaymentConflictError,
  PerUserLimitError,
  SaleNotStartedError,
  SeatUnavailableError,
  SoldOutError,
  UnknownEventError,
  UnknownHoldError,
  UnknownOrderError,
  UnknownSeatError,
  UnknownTicketError,
} from './errors.js';
import type { EventDefinition, HoldState, InventoryCounts, SaleRecord } from './event-inventory.js';
import { assertFinite, assertId, assertInteger, assertKnownOptions, assertStringList } from './input-validation.js';
import type { InvariantReport } from './invariants.js';
import { memoryStore } from './memory-store.js';
import type {
  AuditEntry,
  Hold,
  HoldRecord,
  HoldStatus,
  Notice,
  Order,
  PaymentRecord,
  RefundReason,
  Ticket,
  WaitlistEntryStatus,
} from './records.js';
import type { TicketingStore } from './ticketing-store.js';
import type { AdmissionVerification } from './waiting-room.js';

/** A source of time in epoch milliseconds. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** The payment provider, for refunds. */
export interface PaymentGateway {
  /**
   * Refunds `amount` of payment `paymentId`. May be called more than once for the same payment
   * (after a crash between the call and recording its completion, or when two app servers handle
   * the same duplicate confirmation at once), so it must be idempotent on `paymentId` (pass it as
   * the provider's idempotency key). The refund is recorded exactly once either way.
   */
  refund(paymentId: string, amount: number): Promise<void>;
}

/** The message the notifier receives for a waitlist offer. `id` is stable across redeliveries. */
export interface OfferMessage {
  /** Unique id. */
  readonly id: string;
  /** The user (buyer). */
  readonly userId: string;
  /** The event. */
  readonly eventId: string;
  /** The offer: hold id, units, seats, expiry. */
  readonly offer: Notice['offer'];
}

/** Where waitlist offers are announced (email, push, …). Delivery is at least once. */
export interface Notifier {
  /** Delivers one offer message (called at least once per offer; dedupe on `message.id`). */
  notify(message: OfferMessage): Promise<void>;
}

/** Something that checks waiting-room admission tokens; a {@link WaitingRoom} is one. */
export interface AdmissionVerifier {
  /** Checks a token: admitted, or why not. */
  verify(token: string): AdmissionVerification;
}

/** What to do with a payment confirmed after its hold expired or was released. */
export type LatePaymentPolicy =
  /** Issue the tickets if the units (and seats) are still free, else refund. */
  | 'issue_if_available'
  /** Always refund. */
  | 'refund';

/**
 * Options of {@link createTicketing}.
 *
 * @example
 * ```ts
 * const options: TicketingOptions = { holdTtlMs: 5 * 60_000, paymentGraceMs: 2 * 60_000, latePaymentPolicy: 'refund' };
 * ```
 */
export interface TicketingOptions {
  /**
   * Where state lives.
   * @default memoryStore()
   */
  store?: TicketingStore;
  /**
   * Time source, epoch ms.
   * @default `{ now: Date.now }`
   */
  clock?: Clock;
  /**
   * Used to refund payments that cannot be honoured.
   * @default a gateway that does nothing (refunds are still recorded)
   */
  payments?: PaymentGateway;
  /**
   * Told about waitlist offers, through the outbox.
   * @default a notifier that does nothing
   */
  notifier?: Notifier;
  /**
   * How long a hold reserves its units, in ms (the purchase-page timeout).
   * @default 600_000 (10 minutes)
   */
  holdTtlMs?: number;
  /**
   * How long `beginPayment` keeps a hold alive from the moment it is called, in ms. Applied once:
   * the expiry becomes `max(expiresAt, now + paymentGraceMs)`, so a hold lives at most
   * `holdTtlMs + paymentGraceMs`.
   * @default 300_000 (5 minutes)
   */
  paymentGraceMs?: number;
  /**
   * How long a waitlist offer is reserved for its user, in ms, before the line moves on.
   * @default 900_000 (15 minutes)
   */
  offerTtlMs?: number;
  /**
   * What happens to a payment confirmed after the hold stopped being live.
   * @default 'issue_if_available'
   */
  latePaymentPolicy?: LatePaymentPolicy;
  /**
   * Verifies admission tokens for events created with `requireAdmission: true`.
   * @default none (such events then refuse every hold)
   */
  waitingRoom?: AdmissionVerifier;
}

/** Input of {@link Ticketing.createEvent}. */
export interface CreateEventInput {
  /** Unique event id. */
  id: string;
  /** Display name. */
  name: string;
  /** Units for sale; for a seated event it defaults to (and must equal) `seats.length`. */
  capacity?: number;
  /** Seat labels, in the order seats are assigned when a hold names none. */
  seats?: string[];
  /**
   * Most units one user may hold plus own at once.
   * @default no limit
   */
  perUserLimit?: number;
  /**
   * Epoch ms before which holds and waitlist joins are refused.
   * @default on sale immediately
   */
  saleStartsAt?: number;
  /**
   * Whether `hold` needs a valid waiting-room admission token for its user.
   * @default false
   */
  requireAdmission?: boolean;
}

/** Input of {@link Ticketing.hold}. */
export interface HoldInput {
  /** The event. */
  eventId: string;
  /** The user (buyer). */
  userId: string;
  /**
   * Units to hold.
   * @default `seats.length`, or 1
   */
  quantity?: number;
  /** Specific seats (seated events); without it seats are assigned in seat-map order. */
  seats?: string[];
  /** Repeating a hold with the same key (per event and user) returns the same hold. */
  idempotencyKey?: string;
  /** Waiting-room admission token, needed when the event has `requireAdmission`. */
  admissionToken?: string;
}

/** Input of {@link Ticketing.confirmPayment}. */
export interface ConfirmPaymentInput {
  /** The hold. */
  holdId: string;
  /** The provider's payment id; confirmations are idempotent on it. */
  paymentId: string;
  /** Amount paid, `>= 0`; refunded in full when the payment cannot be honoured. */
  amount: number;
  /**
   * Epoch ms the provider reports the payment at (kept for the record).
   * @default the clock's now
   */
  paidAt?: number;
}

/** What became of a confirmed payment: exactly one order or exactly one refund. */
export type ConfirmResult =
  | {
      /** Tickets were issued. */
      readonly outcome: 'issued';
      /** The order issued (the same one for every duplicate confirmation). */
      readonly order: Order;
      /** Its tickets. */
      readonly tickets: readonly Ticket[];
    }
  | {
      /** The payment was refunded. */
      readonly outcome: 'refunded';
      /** Why it could not be honoured. */
      readonly reason: RefundReason;
      /** The refunded payment. */
      readonly paymentId: string;
    };

/** An event's availability at one instant. */
export interface Availability {
  /** The event. */
  readonly eventId: string;
  /** Units for sale. */
  readonly capacity: number;
  /** Units nobody holds, has been offered or bought: `capacity - held - offered - sold`. */
  readonly available: number;
  /** Units in live public holds. */
  readonly held: number;
  /** Units in live waitlist offers. */
  readonly offered: number;
  /** Units sold (tickets not returned). */
  readonly sold: number;
  /** Units wanted by waitlist entries still in line (reserved ahead of the public). */
  readonly waitlisted: number;
  /**
   * `on_sale`: a public hold can succeed; `all_held`: nothing for the public now but units are
   * held, offered or reserved for the waitlist and may free up; `sold_out`: everything is sold.
   */
  readonly status: 'on_sale' | 'all_held' | 'sold_out';
}

/** Result of {@link Ticketing.joinWaitlist}. */
export interface WaitlistJoin {
  /** The waitlist entry. */
  readonly entryId: string;
  /** 1-based place among entries still waiting (0 if already offered). */
  readonly position: number;
  /** Where it stands. */
  readonly status: WaitlistEntryStatus;
}

/** A waitlist entry as read by {@link Ticketing.waitlistEntry}. */
export interface WaitlistEntry extends WaitlistJoin {
  /** The event. */
  readonly eventId: string;
  /** The user (buyer). */
  readonly userId: string;
  /** Units. */
  readonly quantity: number;
  /** The offer's hold id once offered. */
  readonly holdId: string | null;
}

/** Result of {@link Ticketing.expireHolds}. */
export interface ExpireResult {
  /** Holds and offers found expired and tidied. */
  readonly expired: number;
  /** Outbox notices delivered during the sweep. */
  readonly notified: number;
}

/** Result of {@link Ticketing.deliverNotifications}. */
export interface DeliveryResult {
  /** Notices delivered. */
  readonly delivered: number;
  /** Notices left in the outbox because the notifier threw (retried on the next delivery). */
  readonly failed: number;
}

/** Result of {@link Ticketing.returnTickets}. */
export interface ReturnResult {
  /** The order. */
  readonly orderId: string;
  /** The tickets returned by this call (or an earlier attempt of the same return). */
  readonly returned: readonly Ticket[];
}

/** The ticketing service returned by {@link createTicketing}. */
export interface Ticketing {
  /** Creates an event. Throws {@link EventExistsError} for a taken id. */
  createEvent(input: CreateEventInput): Promise<EventDefinition>;
  /** Reserves units or seats for `holdTtlMs`. Throws {@link SoldOutError}, {@link PerUserLimitError}, … */
  hold(input: HoldInput): Promise<Hold>;
  /** A hold as it stands now. */
  getHold(holdId: string): Promise<Hold>;
  /** Moves a live hold into payment, extending its expiry once by `paymentGraceMs`. */
  beginPayment(holdId: string): Promise<Hold>;
  /** Records a payment and ends it as exactly one order or exactly one refund. Idempotent on `paymentId`. */
  confirmPayment(input: ConfirmPaymentInput): Promise<ConfirmResult>;
  /** Frees a live hold or declines an offer; a no-op for expired or released holds. */
  releaseHold(holdId: string): Promise<Hold>;
  /** Sweeper: tidies expired holds and offers, makes waitlist offers, delivers notices. Optional for correctness. */
  expireHolds(options?: { eventId?: string }): Promise<ExpireResult>;
  /** Returns tickets of an order (all by default); the waitlist gets the units first. Idempotent. */
  returnTickets(input: { orderId: string; ticketIds?: string[] }): Promise<ReturnResult>;
  /** Puts a user in line for `quantity` units. Idempotent per user while the entry waits. */
  joinWaitlist(input: { eventId: string; userId: string; quantity: number }): Promise<WaitlistJoin>;
  /** A waitlist entry as it stands now. */
  waitlistEntry(eventId: string, entryId: string): Promise<WaitlistEntry>;
  /** Availability computed from live holds at the clock's now. */
  availability(eventId: string): Promise<Availability>;
  /** An order. */
  getOrder(orderId: string): Promise<Order>;
  /** The audit log of an event: every state transition, in order. */
  audit(eventId: string): Promise<AuditEntry[]>;
  /** Delivers pending outbox notices to the notifier (called after every operation that may create offers). */
  deliverNotifications(): Promise<DeliveryResult>;
  /** Checks the invariants of an event against its stored records. */
  checkInvariants(eventId: string, options?: { settled?: boolean }): Promise<InvariantReport>;
}

/**
 * Creates the ticketing service.
 *
 * @example
 * ```ts
 * import { createTicketing } from '@x/ticketing';
 *
 * const tix = createTicketing({ holdTtlMs: 5 * 60_000 });
 * await tix.createEvent({ id: 'gig', name: 'The Gig', capacity: 100, perUserLimit: 4 });
 * const hold = await tix.hold({ eventId: 'gig', userId: 'ada', quantity: 2 });
 * await tix.beginPayment(hold.id);
 * const result = await tix.confirmPayment({ holdId: hold.id, paymentId: 'pay_1', amount: 90 });
 * if (result.outcome === 'issued') console.log(result.tickets.map((t) => t.id));
 * ```
 */
export function createTicketing(options: TicketingOptions = {}): Ticketing {
  return new TicketingService(options);
}

const TICKETING_OPTIONS = [
  'store',
  'clock',
  'payments',
  'notifier',
  'holdTtlMs',
  'paymentGraceMs',
  'offerTtlMs',
  'latePaymentPolicy',
  'waitingRoom',
] as const;
const CREATE_EVENT_KEYS = [
  'id',
  'name',
  'capacity',
  'seats',
  'perUserLimit',
  'saleStartsAt',
  'requireAdmission',
] as const;
const HOLD_KEYS = ['eventId', 'userId', 'quantity', 'seats', 'idempotencyKey', 'admissionToken'] as const;
const CONFIRM_KEYS = ['holdId', 'paymentId', 'amount', 'paidAt'] as const;
const RETURN_KEYS = ['orderId', 'ticketIds'] as const;
const JOIN_KEYS = ['eventId', 'userId', 'quantity'] as const;
const EXPIRE_KEYS = ['eventId'] as const;
const CHECK_KEYS = ['settled'] as const;

/** Throws unless `input` is an object with only `known` keys. */
function assertInput(where: string, input: unknown, known: readonly string[]): asserts input is object {
  if (typeof input !== 'object' || input === null) throw new InvalidArgumentError('input', 'an object', input);
  assertKnownOptions(where, input, known);
}

const noopPayments: PaymentGateway = { refund: async () => {} };
const noopNotifier: Notifier = { notify: async () => {} };

class TicketingService implements Ticketing {
  readonly #store: TicketingStore;
  readonly #clock: Clock;
  readonly #payments: PaymentGateway;
  readonly #notifier: Notifier;
  readonly #holdTtlMs: number;
  readonly #paymentGraceMs: number;
  readonly #latePolicy: LatePaymentPolicy;
  readonly #waitingRoom: AdmissionVerifier | undefined;
  readonly #allocator: Allocator;
  readonly #offerTtlMs: number;
  /** Offer notices reported by the allocator and not yet given hold records. */
  #madeNotices: Notice[] = [];
  readonly #definitions = new Map<string, EventDefinition>();
  readonly #idPrefix = randomBytes(6).toString('hex');
  #idCounter = 0;
  #noticesPending = true;
  #delivering: Promise<DeliveryResult> | null = null;
  readonly #refunds = new Map<string, Promise<void>>();

  constructor(options: TicketingOptions) {
    if (typeof options !== 'object' || options === null)
      throw new InvalidArgumentError('options', 'an object', options);
    assertKnownOptions('createTicketing', options, TICKETING_OPTIONS);
    const holdTtlMs = options.holdTtlMs ?? 600_000;
    const paymentGraceMs = options.paymentGraceMs ?? 300_000;
    const offerTtlMs = options.offerTtlMs ?? 900_000;
    assertInteger('holdTtlMs', holdTtlMs, 1);
    assertInteger('paymentGraceMs', paymentGraceMs, 0);
    assertInteger('offerTtlMs', offerTtlMs, 1);
    const latePolicy = options.latePaymentPolicy ?? 'issue_if_available';
    if (latePolicy !== 'issue_if_available' && latePolicy !== 'refund') {
      throw new InvalidArgumentError('latePaymentPolicy', "'issue_if_available' or 'refund'", latePolicy);
    }
    if (options.clock !== undefined && typeof options.clock?.now !== 'function') {
      throw new InvalidArgumentError('clock', 'an object with a now() method', options.clock);
    }
    this.#store = options.store ?? memoryStore();
    this.#clock = options.clock ?? { now: Date.now };
    this.#payments = options.payments ?? noopPayments;
    this.#notifier = options.notifier ?? noopNotifier;
    this.#holdTtlMs = holdTtlMs;
    this.#paymentGraceMs = paymentGraceMs;
    this.#latePolicy = latePolicy;
    this.#waitingRoom = options.waitingRoom;
    this.#offerTtlMs = offerTtlMs;
    this.#allocator = this.#store.openAllocator({
      offerTtlMs,
      newHoldId: () => this.#newId('h'),
      noticesMade: (notices) => {
        this.#noticesPending = true;
        this.#madeNotices.push(...notices);
      },
    });
  }

  #newId(prefix: string): string {
    return `${prefix}_${this.#idPrefix}${(++this.#idCounter).toString(36)}`;
  }

  #now(): number {
    const now = this.#clock.now();
    if (!Number.isFinite(now)) throw new InvalidArgumentError('clock.now()', 'a finite number of epoch ms', now);
    return now;
  }

  /** The (immutable) event definition: from the cache when possible, without an extra await. */
  #definition(eventId: unknown): EventDefinition | Promise<EventDefinition> {
    assertId('eventId', eventId);
    return this.#definitions.get(eventId) ?? this.#loadDefinition(eventId);
  }

  async #loadDefinition(eventId: string): Promise<EventDefinition> {
    const definition = await this.#allocator.definition(eventId);
    if (!definition) throw new UnknownEventError(eventId);
    this.#definitions.set(eventId, definition);
    return definition;
  }

  /** Writes the hold records of offers the allocator made (so `getHold` knows them) before the caller goes on. */
  async #afterAllocation(): Promise<void> {
    while (this.#madeNotices.length > 0) {
      const notices = this.#madeNotices;
      this.#madeNotices = [];
      for (const notice of notices) await this.#ensureOfferHold(notice);
    }
  }

  async createEvent(input: CreateEventInput): Promise<EventDefinition> {
    assertInput('createEvent', input, CREATE_EVENT_KEYS);
    assertId('id', input.id);
    if (typeof input.name !== 'string') throw new InvalidArgumentError('name', 'a string', input.name);
    let seats: string[] | null = null;
    let capacity: number;
    if (input.seats !== undefined) {
      assertStringList('seats', input.seats, 1);
      seats = [...input.seats];
      if (input.capacity !== undefined && input.capacity !== seats.length) {
        throw new InvalidArgumentError('capacity', `the number of seats (${seats.length})`, input.capacity);
      }
      capacity = seats.length;
    } else {
      if (input.capacity === undefined)
        throw new InvalidArgumentError('capacity', 'an integer from 1 and up (or `seats`)', undefined);
      assertInteger('capacity', input.capacity, 1);
      capacity = input.capacity;
    }
    if (input.perUserLimit !== undefined) assertInteger('perUserLimit', input.perUserLimit, 1);
    if (input.saleStartsAt !== undefined) assertFinite('saleStartsAt', input.saleStartsAt);
    if (input.requireAdmission !== undefined && typeof input.requireAdmission !== 'boolean') {
      throw new InvalidArgumentError('requireAdmission', 'a boolean', input.requireAdmission);
    }
    const definition: EventDefinition = {
      id: input.id,
      name: input.name,
      capacity,
      seats,
      perUserLimit: input.perUserLimit ?? null,
      saleStartsAt: input.saleStartsAt ?? null,
      requireAdmission: input.requireAdmission ?? false,
      createdAt: this.#now(),
    };
    const inserted = await this.#allocator.createEvent(definition);
    if (!inserted) throw new EventExistsError(input.id);
    return definition;
  }

  async hold(input: HoldInput): Promise<Hold> {
    assertInput('hold', input, HOLD_KEYS);
    const cached = this.#definition(input.eventId);
    const event = cached instanceof Promise ? await cached : cached;
    assertId('userId', input.userId);
    const now = this.#now();
    if (event.saleStartsAt !== null && now < event.saleStartsAt)
      throw new SaleNotStartedError(event.id, event.saleStartsAt, now);
    if (event.requireAdmission) this.#checkAdmission(input.userId, input.admissionToken);
    let seats: string[] | null = null;
    if (input.seats !== undefined) {
      if (!event.seats)
        throw new InvalidArgumentError('seats', `omitted for general-admission event \`${event.id}\``, input.seats);
      assertStringList('seats', input.seats, 1);
      const known = new Set(event.seats);
      for (const seat of input.seats) if (!known.has(seat)) throw new UnknownSeatError(event.id, seat);
      seats = input.seats;
    }
    // `null` is a value like any other non-integer (rejected below), never "use the default".
    const quantity = input.quantity === undefined ? (seats?.length ?? 1) : input.quantity;
    assertInteger('quantity', quantity, 1, event.capacity);
    if (seats && quantity !== seats.length) {
      throw new InvalidArgumentError('quantity', `the number of seats (${seats.length})`, quantity);
    }
    if (event.perUserLimit !== null && quantity > event.perUserLimit) {
      throw new PerUserLimitError(event.id, input.userId, event.perUserLimit, 0, quantity);
    }
    const key = input.idempotencyKey ?? null;
    if (key !== null) assertId('idempotencyKey', key);

    let record: HoldRecord = {
      id: this.#newId('h'),
      eventId: event.id,
      userId: input.userId,
      quantity,
      seats: seats ? [...seats] : null,
      kind: 'hold',
      status: 'pending',
      createdAt: now,
      expiresAt: now + this.#holdTtlMs,
      idempotencyKey: key,
      entryId: null,
    };
    if (key !== null) {
      // The record goes first so a retried request finds it (unique on event + user + key).
      const stored = await this.#store.insertHold(record);
      if (stored.id !== record.id) {
        if (stored.status !== 'pending' && stored.status !== 'rejected') return this.getHold(stored.id);
        record = {
          ...stored,
          createdAt: stored.expiresAt <= now ? now : stored.createdAt,
          expiresAt: Math.max(stored.expiresAt, now + this.#holdTtlMs),
        };
      }
    }
    const result = await this.#allocator.allocate(
      event.id,
      {
        holdId: record.id,
        userId: record.userId,
        quantity: record.quantity,
        seats: record.seats,
        expiresAt: record.expiresAt,
      },
      now,
    );
    await this.#afterAllocation();
    switch (result.status) {
      case 'ok': {
        const active: HoldRecord = {
          ...record,
          seats: result.allocation.seats,
          expiresAt: result.allocation.expiresAt,
          status: 'active',
        };
        if (key === null) await this.#store.insertHold(active);
        else await this.#store.updateHold(active.id, { status: 'active', expiresAt: active.expiresAt });
        if (this.#noticesPending) await this.#deliverQuietly();
        return toHold(active, now);
      }
      case 'settled':
        return this.getHold(record.id);
      default: {
        if (key !== null) await this.#store.updateHold(record.id, { status: 'rejected' });
        if (this.#noticesPending) await this.#deliverQuietly();
        if (result.status === 'seat_taken') throw new SeatUnavailableError(event.id, result.seats);
        if (result.status === 'per_user_limit') {
          throw new PerUserLimitError(event.id, record.userId, result.limit, result.current, quantity);
        }
        throw new SoldOutError(event.id, result.status, quantity, result.available);
      }
    }
  }

  #checkAdmission(userId: string, token: string | undefined): void {
    if (!this.#waitingRoom)
      throw new AdmissionError('no_waiting_room', 'no `waitingRoom` configured in createTicketing');
    if (token === undefined || token === '') throw new AdmissionError('missing', 'no `admissionToken`');
    if (typeof token !== 'string') throw new AdmissionError('malformed', `a ${typeof token}`);
    const verification = this.#waitingRoom.verify(token);
    if (!verification.ok) throw new AdmissionError(verification.reason, `a ${verification.reason} token`);
    if (verification.userId !== userId) {
      throw new AdmissionError('wrong_user', `a token issued to \`${verification.userId}\` for user \`${userId}\``);
    }
  }

  async #holdRecord(holdId: unknown): Promise<HoldRecord> {
    assertId('holdId', holdId);
    const record = await this.#store.getHold(holdId);
    if (!record) throw new UnknownHoldError(holdId);
    return record;
  }

  async getHold(holdId: string): Promise<Hold> {
    const record = await this.#holdRecord(holdId);
    const now = this.#now();
    const state = await this.#allocator.holdState(record.eventId, record.id, now);
    await this.#afterAllocation();
    return toHold(record, now, state);
  }

  async beginPayment(holdId: string): Promise<Hold> {
    const record = await this.#holdRecord(holdId);
    const now = this.#now();
    const result = await this.#allocator.extend(record.eventId, record.id, this.#paymentGraceMs, now);
    await this.#afterAllocation();
    if (result.status !== 'ok') {
      throw new HoldNotActiveError(record.id, statusOf(record, now, { state: result.state } as HoldState));
    }
    await this.#store.updateHold(record.id, { status: 'in_payment', expiresAt: result.allocation.expiresAt });
    if (this.#noticesPending) await this.#deliverQuietly();
    return toHold({ ...record, status: 'in_payment', expiresAt: result.allocation.expiresAt }, now);
  }

  async confirmPayment(input: ConfirmPaymentInput): Promise<ConfirmResult> {
    assertInput('confirmPayment', input, CONFIRM_KEYS);
    assertId('paymentId', input.paymentId);
    assertFinite('amount', input.amount, 0);
    if (input.paidAt !== undefined) assertFinite('paidAt', input.paidAt);
    const record = await this.#holdRecord(input.holdId);
    const now = this.#now();
    const payment = await this.#store.insertPayment({
      paymentId: input.paymentId,
      holdId: record.id,
      eventId: record.eventId,
      userId: record.userId,
      amount: input.amount,
      paidAt: input.paidAt ?? now,
      status: 'pending',
      orderId: null,
      refundReason: null,
      updatedAt: now,
    });
    if (payment.holdId !== record.id) {
      throw new PaymentConflictError(
        payment.paymentId,
        `got hold \`${record.id}\` but it was recorded for \`${payment.holdId}\``,
      );
    }
    if (payment.amount !== input.amount) {
      throw new PaymentConflictError(
        payment.paymentId,
        `got amount ${input.amount} but it was recorded with ${payment.amount}`,
      );
    }
    await this.#store.appendAudit({
      id: `p:${payment.paymentId}:recorded`,
      eventId: record.eventId,
      at: payment.updatedAt,
      type: 'payment_recorded',
      holdId: record.id,
      userId: record.userId,
      paymentId: payment.paymentId,
      detail: `amount ${payment.amount}`,
    });
    return this.#drivePayment(payment, record, now);
  }

  /** Moves a recorded payment to its end state; every step is idempotent, so any retry converges. */
  async #drivePayment(payment: PaymentRecord, record: HoldRecord, now: number): Promise<ConfirmResult> {
    switch (payment.status) {
      case 'issued': {
        const order = await this.#store.getOrder(payment.orderId!);
        if (order) return { outcome: 'issued', order, tickets: order.tickets };
        break; // unreachable unless the order was deleted by hand; settle again to rebuild it
      }
      case 'refunded':
        return { outcome: 'refunded', reason: payment.refundReason!, paymentId: payment.paymentId };
      case 'refunding':
        return this.#refund(payment, record.eventId, payment.refundReason!);
      case 'pending':
        break;
    }
    const decision = await this.#allocator.settle(
      record.eventId,
      {
        holdId: record.id,
        paymentId: payment.paymentId,
        userId: record.userId,
        quantity: record.quantity,
        seats: record.seats,
        latePolicy: this.#latePolicy,
        lateReason: record.status === 'released' ? 'hold_released' : 'hold_expired',
        entryId: record.entryId,
      },
      now,
    );
    await this.#afterAllocation();
    if (decision.outcome === 'issued') {
      const order = await this.#store.insertOrder(buildOrder(decision.sale, record.eventId, payment, now));
      await this.#store.appendAudit({
        id: `o:${order.id}:created`,
        eventId: record.eventId,
        at: now,
        type: 'order_created',
        holdId: record.id,
        userId: record.userId,
        paymentId: payment.paymentId,
        orderId: order.id,
        quantity: order.tickets.length,
      });
      await this.#store.transitionPayment(payment.paymentId, ['pending'], {
        status: 'issued',
        orderId: order.id,
        updatedAt: now,
      });
      await this.#store.updateHold(record.id, { status: 'confirmed' });
      if (this.#noticesPending) await this.#deliverQuietly();
      return { outcome: 'issued', order, tickets: order.tickets };
    }
    // The refusal is recorded durably before the provider is called.
    const moved = await this.#store.transitionPayment(payment.paymentId, ['pending'], {
      status: 'refunding',
      refundReason: decision.reason,
      updatedAt: now,
    });
    if (!moved) {
      // A concurrent confirmation of the same payment got there first: follow what it recorded.
      const current = await this.#store.getPayment(payment.paymentId);
      if (current && current.status !== 'pending') return this.#drivePayment(current, record, now);
    }
    await this.#store.appendAudit({
      id: `p:${payment.paymentId}:refund_requested`,
      eventId: record.eventId,
      at: now,
      type: 'refund_requested',
      holdId: record.id,
      userId: record.userId,
      paymentId: payment.paymentId,
      detail: decision.reason,
    });
    if (this.#noticesPending) await this.#deliverQuietly();
    return this.#refund({ ...payment, status: 'refunding' }, record.eventId, decision.reason);
  }

  async #refund(payment: PaymentRecord, eventId: string, reason: RefundReason): Promise<ConfirmResult> {
    // Concurrent duplicates in this process share one provider call.
    let inFlight = this.#refunds.get(payment.paymentId);
    if (!inFlight) {
      inFlight = (async () => {
        // Another confirmation in this process may have finished the refund a moment ago.
        const current = await this.#store.getPayment(payment.paymentId);
        if (current?.status === 'refunded') return;
        await this.#payments.refund(payment.paymentId, payment.amount);
        const at = this.#now();
        await this.#store.transitionPayment(payment.paymentId, ['refunding'], { status: 'refunded', updatedAt: at });
        await this.#store.appendAudit({
          id: `p:${payment.paymentId}:refunded`,
          eventId,
          at,
          type: 'refund_completed',
          holdId: payment.holdId,
          userId: payment.userId,
          paymentId: payment.paymentId,
          detail: `amount ${payment.amount}`,
        });
      })();
      this.#refunds.set(payment.paymentId, inFlight);
      inFlight.then(
        () => this.#refunds.delete(payment.paymentId),
        () => this.#refunds.delete(payment.paymentId),
      );
    }
    await inFlight;
    return { outcome: 'refunded', reason, paymentId: payment.paymentId };
  }

  async releaseHold(holdId: string): Promise<Hold> {
    const record = await this.#holdRecord(holdId);
    const now = this.#now();
    const result = await this.#allocator.release(record.eventId, record.id, now);
    await this.#afterAllocation();
    const state = result.state;
    if (!result.released) {
      if (state.state === 'sold' || state.state === 'refused') {
        throw new HoldNotActiveError(record.id, statusOf(record, now, state));
      }
      if (this.#noticesPending) await this.#deliverQuietly();
      return toHold(record, now, state);
    }
    await this.#store.updateHold(record.id, { status: 'released' });
    if (this.#noticesPending) await this.#deliverQuietly();
    return toHold({ ...record, status: 'released' }, now);
  }

  async expireHolds(options: { eventId?: string } = {}): Promise<ExpireResult> {
    assertInput('expireHolds', options, EXPIRE_KEYS);
    const now = this.#now();
    const eventIds =
      options.eventId !== undefined
        ? [(await this.#definition(options.eventId)).id]
        : await this.#allocator.listEventIds();
    let expired = 0;
    for (const eventId of eventIds) {
      const result = await this.#allocator.tidy(eventId, now);
      await this.#afterAllocation();
      expired += result.expired.length;
      for (const allocation of result.expired) await this.#store.updateHold(allocation.holdId, { status: 'expired' });
    }
    // The sweeper always looks at the outbox (a notice may be left from a crashed process).
    this.#noticesPending = true;
    const delivery = await this.#deliverQuietly();
    return { expired, notified: delivery.delivered };
  }

  async returnTickets(input: { orderId: string; ticketIds?: string[] }): Promise<ReturnResult> {
    assertInput('returnTickets', input, RETURN_KEYS);
    assertId('orderId', input.orderId);
    const order = await this.#store.getOrder(input.orderId);
    if (!order) throw new UnknownOrderError(input.orderId);
    let ids: string[];
    if (input.ticketIds !== undefined) {
      assertStringList('ticketIds', input.ticketIds, 1);
      const known = new Set(order.tickets.map((t) => t.id));
      for (const id of input.ticketIds) if (!known.has(id)) throw new UnknownTicketError(order.id, id);
      ids = input.ticketIds;
    } else {
      ids = order.tickets.map((t) => t.id);
    }
    const now = this.#now();
    const wanted = new Set(ids);
    const toFree = order.tickets.filter((t) => wanted.has(t.id) && t.status === 'valid').map((t) => t.id);
    if (toFree.length > 0) {
      await this.#allocator.returnTickets(order.eventId, order.holdId, toFree, now);
      await this.#afterAllocation();
      // The inventory freed them (now or in an earlier attempt); the order records it.
      const marked = await this.#store.markTicketsReturned(order.id, toFree);
      if (this.#noticesPending) await this.#deliverQuietly();
      if (marked)
        return {
          orderId: order.id,
          returned: marked.tickets.filter((t) => wanted.has(t.id) && t.status === 'returned'),
        };
    }
    const updated = (await this.#store.getOrder(order.id))!;
    return { orderId: order.id, returned: updated.tickets.filter((t) => wanted.has(t.id) && t.status === 'returned') };
  }

  async joinWaitlist(input: { eventId: string; userId: string; quantity: number }): Promise<WaitlistJoin> {
    assertInput('joinWaitlist', input, JOIN_KEYS);
    const event = await this.#definition(input.eventId);
    assertId('userId', input.userId);
    assertInteger('quantity', input.quantity, 1, event.capacity);
    if (event.perUserLimit !== null && input.quantity > event.perUserLimit) {
      throw new PerUserLimitError(event.id, input.userId, event.perUserLimit, 0, input.quantity);
    }
    const now = this.#now();
    if (event.saleStartsAt !== null && now < event.saleStartsAt)
      throw new SaleNotStartedError(event.id, event.saleStartsAt, now);
    const entryId = this.#newId('w');
    const result = await this.#allocator.joinWaitlist(
      event.id,
      { entryId, userId: input.userId, quantity: input.quantity },
      now,
    );
    await this.#afterAllocation();
    if (this.#noticesPending) await this.#deliverQuietly();
    return { entryId: result.entry.id, position: result.position, status: result.entry.status };
  }

  async waitlistEntry(eventId: string, entryId: string): Promise<WaitlistEntry> {
    const event = await this.#definition(eventId);
    assertId('entryId', entryId);
    const found = await this.#allocator.waitlistEntry(event.id, entryId, this.#now());
    await this.#afterAllocation();
    if (!found) throw new InvalidArgumentError('entryId', `a waitlist entry of event \`${event.id}\``, entryId);
    const { entry, position } = found;
    return {
      entryId: entry.id,
      eventId: event.id,
      userId: entry.userId,
      quantity: entry.quantity,
      position,
      status: entry.status,
      holdId: entry.holdId,
    };
  }

  async availability(eventId: string): Promise<Availability> {
    const event = await this.#definition(eventId);
    const now = this.#now();
    const counts = await this.#allocator.counts(event.id, now);
    return toAvailability(event.id, counts);
  }

  async getOrder(orderId: string): Promise<Order> {
    assertId('orderId', orderId);
    const order = await this.#store.getOrder(orderId);
    if (!order) throw new UnknownOrderError(orderId);
    return order;
  }

  async audit(eventId: string): Promise<AuditEntry[]> {
    const event = await this.#definition(eventId);
    return this.#store.listAudit(event.id);
  }

  async checkInvariants(eventId: string, options: { settled?: boolean } = {}): Promise<InvariantReport> {
    assertInput('checkInvariants', options, CHECK_KEYS);
    const event = await this.#definition(eventId);
    const now = this.#now();
    const [orders, payments] = await Promise.all([
      this.#store.listOrders(event.id),
      this.#store.listPayments(event.id),
    ]);
    return this.#allocator.check(event.id, { orders, payments, now, settled: options.settled ?? false });
  }

  deliverNotifications(): Promise<DeliveryResult> {
    // Single flight: concurrent callers share one pass, so a notice is not sent twice by this process.
    if (this.#delivering) return this.#delivering.then(() => this.deliverNotifications());
    const run = this.#deliverAll().finally(() => {
      this.#delivering = null;
    });
    this.#delivering = run;
    return run;
  }

  async #deliverQuietly(): Promise<DeliveryResult> {
    if (!this.#noticesPending) return { delivered: 0, failed: 0 };
    try {
      return await this.deliverNotifications();
    } catch {
      return { delivered: 0, failed: 1 };
    }
  }

  async #deliverAll(): Promise<DeliveryResult> {
    this.#noticesPending = false;
    try {
      return await this.#deliverPending();
    } catch (error) {
      this.#noticesPending = true; // a store failure mid-delivery: look again next time
      throw error;
    }
  }

  async #deliverPending(): Promise<DeliveryResult> {
    let delivered = 0;
    for (;;) {
      const notices = await this.#allocator.pendingNotices(100);
      if (notices.length === 0) return { delivered, failed: 0 };
      for (const notice of notices) {
        try {
          await this.#ensureOfferHold(notice);
          await this.#notifier.notify({
            id: notice.id,
            userId: notice.userId,
            eventId: notice.eventId,
            offer: notice.offer,
          });
        } catch {
          // Left in the outbox; the next operation or deliverNotifications() retries it.
          this.#noticesPending = true;
          return { delivered, failed: 1 };
        }
        const at = this.#now();
        await this.#allocator.markNoticeDelivered(notice.id, at);
        await this.#store.appendAudit({
          id: `${notice.id}:delivered`,
          eventId: notice.eventId,
          at,
          type: 'notice_delivered',
          holdId: notice.offer.holdId,
          userId: notice.userId,
          entryId: notice.offer.entryId,
        });
        delivered++;
      }
    }
  }

  async #ensureOfferHold(notice: Notice): Promise<void> {
    const offer = notice.offer;
    await this.#store.insertHold({
      id: offer.holdId,
      eventId: notice.eventId,
      userId: notice.userId,
      quantity: offer.quantity,
      seats: offer.seats ? [...offer.seats] : null,
      kind: 'offer',
      status: 'active',
      createdAt: offer.expiresAt - this.#offerTtlMs,
      expiresAt: offer.expiresAt,
      idempotencyKey: null,
      entryId: offer.entryId,
    });
  }
}

function statusOf(record: HoldRecord, now: number, state?: HoldState): HoldStatus {
  if (state) {
    if (state.state === 'sold') return 'confirmed';
    if (state.state === 'live')
      return record.status === 'pending' || record.status === 'rejected' ? 'active' : record.status;
    if (state.state === 'refused') return record.status === 'released' ? 'released' : 'expired';
    // gone: released or expired, whatever the record still says
    return record.status === 'released' ? 'released' : record.status === 'rejected' ? 'rejected' : 'expired';
  }
  if ((record.status === 'active' || record.status === 'in_payment') && record.expiresAt <= now) return 'expired';
  return record.status;
}

function toHold(record: HoldRecord, now: number, state?: HoldState): Hold {
  const expiresAt = state?.state === 'live' ? state.allocation.expiresAt : record.expiresAt;
  return {
    id: record.id,
    eventId: record.eventId,
    userId: record.userId,
    quantity: record.quantity,
    seats: state?.state === 'live' ? state.allocation.seats : record.seats,
    kind: record.kind,
    status: statusOf(record, now, state),
    createdAt: record.createdAt,
    expiresAt,
    idempotencyKey: record.idempotencyKey,
    entryId: record.entryId,
  };
}

function buildOrder(sale: SaleRecord, eventId: string, payment: PaymentRecord, now: number): Order {
  return {
    id: sale.orderId,
    eventId,
    holdId: sale.holdId,
    paymentId: sale.paymentId,
    userId: sale.userId,
    amount: payment.amount,
    tickets: sale.tickets.map((t) => ({ id: t.id, orderId: sale.orderId, eventId, seat: t.seat, status: 'valid' })),
    createdAt: now,
  };
}

function toAvailability(eventId: string, counts: InventoryCounts): Availability {
  const publicAvailable = counts.available - counts.waitlisted;
  const status = counts.sold >= counts.capacity ? 'sold_out' : publicAvailable > 0 ? 'on_sale' : 'all_held';
  return { eventId, ...counts, status };
}
