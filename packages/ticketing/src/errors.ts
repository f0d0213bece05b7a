import { expected } from '@x/checks';

/**
 * Base class of every error `@x/ticketing` throws, so callers can tell ticketing failures from
 * everything else with one `instanceof`.
 *
 * @example
 * ```ts
 * import { TicketingError } from '@x/ticketing';
 * try {
 *   await tix.hold({ eventId: 'gig', userId: 'ada' });
 * } catch (error) {
 *   if (error instanceof TicketingError) console.warn(error.message);
 *   else throw error;
 * }
 * ```
 */
export class TicketingError extends Error {
  /** Always `'TicketingError'`. */
  override name = 'TicketingError';
}

/**
 * An argument had the wrong type or was out of range. The message names the argument, what was
 * expected and what came in: ``Expected `quantity` to be an integer from 1 and up, got `0` (number)``.
 *
 * @example
 * ```ts
 * await tix.hold({ eventId: 'gig', userId: 'ada', quantity: 0 }); // throws InvalidArgumentError
 * ```
 */
export class InvalidArgumentError extends TicketingError {
  /** Always `'InvalidArgumentError'`. */
  override name = 'InvalidArgumentError';
  /** The name of the offending argument, e.g. `quantity`. */
  readonly argument: string;
  constructor(argument: string, what: string, value: unknown) {
    super(expected(argument, what, value));
    this.argument = argument;
  }
}

/**
 * An options object (or input object) had a key the function does not know, usually a typo:
 * ``Unknown option `holdTTLMs` in `createTicketing` options (did you mean `holdTtlMs`?); valid options are …``.
 * Unknown keys are never ignored, so a misspelled option cannot silently fall back to its default.
 *
 * @example
 * ```ts
 * createTicketing({ holdTTLMs: 60_000 } as never); // throws UnknownOptionError
 * ```
 */
export class UnknownOptionError extends InvalidArgumentError {
  /** Always `'UnknownOptionError'`. */
  override name = 'UnknownOptionError';
  /** The keys given that are not options of `where`. */
  readonly unknownKeys: readonly string[];
  /** The keys `where` accepts. */
  readonly validKeys: readonly string[];
  constructor(where: string, message: string, unknownKeys: readonly string[], validKeys: readonly string[]) {
    super(where, 'known options', undefined);
    this.message = message;
    this.unknownKeys = unknownKeys;
    this.validKeys = validKeys;
  }
}

/**
 * No event with this id exists.
 *
 * @example
 * ```ts
 * await tix.availability('nope'); // throws UnknownEventError
 * ```
 */
export class UnknownEventError extends TicketingError {
  /** Always `'UnknownEventError'`. */
  override name = 'UnknownEventError';
  /** The event. */
  readonly eventId: string;
  constructor(eventId: string) {
    super(`Expected \`eventId\` to name an existing event, got \`${eventId}\``);
    this.eventId = eventId;
  }
}

/**
 * `createEvent` was called with an id that is already taken.
 *
 * @example
 * ```ts
 * await tix.createEvent({ id: 'gig', name: 'Gig', capacity: 10 });
 * await tix.createEvent({ id: 'gig', name: 'Gig', capacity: 10 }); // throws EventExistsError
 * ```
 */
export class EventExistsError extends TicketingError {
  /** Always `'EventExistsError'`. */
  override name = 'EventExistsError';
  /** The event. */
  readonly eventId: string;
  constructor(eventId: string) {
    super(`Expected \`id\` to be a new event id, got \`${eventId}\` which already exists`);
    this.eventId = eventId;
  }
}

/**
 * No hold with this id exists.
 *
 * @example
 * ```ts
 * await tix.beginPayment('h_missing'); // throws UnknownHoldError
 * ```
 */
export class UnknownHoldError extends TicketingError {
  /** Always `'UnknownHoldError'`. */
  override name = 'UnknownHoldError';
  /** The hold. */
  readonly holdId: string;
  constructor(holdId: string) {
    super(`Expected \`holdId\` to name an existing hold, got \`${holdId}\``);
    this.holdId = holdId;
  }
}

/**
 * No order with this id exists.
 *
 * @example
 * ```ts
 * await tix.returnTickets({ orderId: 'o_missing' }); // throws UnknownOrderError
 * ```
 */
export class UnknownOrderError extends TicketingError {
  /** Always `'UnknownOrderError'`. */
  override name = 'UnknownOrderError';
  /** The order. */
  readonly orderId: string;
  constructor(orderId: string) {
    super(`Expected \`orderId\` to name an existing order, got \`${orderId}\``);
    this.orderId = orderId;
  }
}

/**
 * A ticket id passed to `returnTickets` is not part of the order.
 *
 * @example
 * ```ts
 * await tix.returnTickets({ orderId, ticketIds: ['t_other'] }); // throws UnknownTicketError
 * ```
 */
export class UnknownTicketError extends TicketingError {
  /** Always `'UnknownTicketError'`. */
  override name = 'UnknownTicketError';
  /** The ticket. */
  readonly ticketId: string;
  constructor(orderId: string, ticketId: string) {
    super(`Expected \`ticketIds\` to list tickets of order \`${orderId}\`, got \`${ticketId}\``);
    this.ticketId = ticketId;
  }
}

/**
 * A requested seat is not part of the event's seat map.
 *
 * @example
 * ```ts
 * await tix.hold({ eventId: 'opera', userId: 'ada', seats: ['Z99'] }); // throws UnknownSeatError
 * ```
 */
export class UnknownSeatError extends TicketingError {
  /** Always `'UnknownSeatError'`. */
  override name = 'UnknownSeatError';
  /** The seat label. */
  readonly seat: string;
  constructor(eventId: string, seat: string) {
    super(`Expected \`seats\` to list seats of event \`${eventId}\`, got \`${seat}\``);
    this.seat = seat;
  }
}

/**
 * A requested seat is held or sold.
 *
 * @example
 * ```ts
 * await tix.hold({ eventId: 'opera', userId: 'bob', seats: ['A1'] }); // A1 held by ada: SeatUnavailableError
 * ```
 */
export class SeatUnavailableError extends TicketingError {
  /** Always `'SeatUnavailableError'`. */
  override name = 'SeatUnavailableError';
  /** The seats already taken. */
  readonly seats: readonly string[];
  constructor(eventId: string, seats: readonly string[]) {
    super(`Expected \`seats\` to be free in event \`${eventId}\`, got taken seat(s) \`${seats.join('`, `')}\``);
    this.seats = seats;
  }
}

/**
 * Nothing (or not enough) is available for a public hold. `availability` tells why:
 * `all_held` means units are held, offered to the waitlist or reserved for it and may free up
 * (suggest `joinWaitlist`); `sold_out` means everything is sold. Being an expected outcome thrown
 * at flash-sale rates, it carries no stack trace.
 *
 * @example
 * ```ts
 * try {
 *   await tix.hold({ eventId: 'gig', userId: 'ada' });
 * } catch (error) {
 *   if (error instanceof SoldOutError && error.availability === 'all_held') {
 *     await tix.joinWaitlist({ eventId: 'gig', userId: 'ada', quantity: 1 });
 *   }
 * }
 * ```
 */
export class SoldOutError extends TicketingError {
  /** Always `'SoldOutError'`. */
  override name = 'SoldOutError';
  /** The event. */
  readonly eventId: string;
  /** `all_held`: may free up, the waitlist is the way in; `sold_out`: everything is sold. */
  readonly availability: 'all_held' | 'sold_out';
  /** Units a public hold could take right now (fewer than requested). */
  readonly available: number;
  constructor(eventId: string, availability: 'all_held' | 'sold_out', requested: number, available: number) {
    // Thrown at flash-sale rates (tens of thousands a second) as an expected outcome: no stack trace.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(
      availability === 'sold_out'
        ? `Event \`${eventId}\` is sold out (requested ${requested})`
        : `Event \`${eventId}\` has ${available} unit(s) available for ${requested} requested: the rest is held or reserved for the waitlist and may free up (all_held)`,
    );
    Error.stackTraceLimit = stackTraceLimit;
    this.eventId = eventId;
    this.availability = availability;
    this.available = available;
  }
}

/**
 * The hold would take the user's live holds plus purchases for the event above `perUserLimit`.
 *
 * @example
 * ```ts
 * await tix.hold({ eventId: 'gig', userId: 'ada', quantity: 5 }); // perUserLimit 4: PerUserLimitError
 * ```
 */
export class PerUserLimitError extends TicketingError {
  /** Always `'PerUserLimitError'`. */
  override name = 'PerUserLimitError';
  /** The user (buyer). */
  readonly userId: string;
  /** The per-user limit of the event. */
  readonly limit: number;
  constructor(eventId: string, userId: string, limit: number, current: number, requested: number) {
    super(
      `Expected user \`${userId}\` to stay within the per-user limit of ${limit} for event \`${eventId}\`, got ${current} held or bought + ${requested} requested`,
    );
    this.userId = userId;
    this.limit = limit;
  }
}

/**
 * The operation needs a live hold, but the hold expired, was released or was already paid.
 *
 * @example
 * ```ts
 * await tix.releaseHold(hold.id);
 * await tix.beginPayment(hold.id); // throws HoldNotActiveError
 * ```
 */
export class HoldNotActiveError extends TicketingError {
  /** Always `'HoldNotActiveError'`. */
  override name = 'HoldNotActiveError';
  /** The hold. */
  readonly holdId: string;
  /** The hold's status at the time of the call. */
  readonly status: string;
  constructor(holdId: string, status: string) {
    super(`Expected hold \`${holdId}\` to be active or in payment, got status \`${status}\``);
    this.holdId = holdId;
    this.status = status;
  }
}

/**
 * A `paymentId` was already recorded for a different hold or amount. A payment id identifies
 * one payment for one hold.
 *
 * @example
 * ```ts
 * await tix.confirmPayment({ holdId: a.id, paymentId: 'pay_1', amount: 50 });
 * await tix.confirmPayment({ holdId: b.id, paymentId: 'pay_1', amount: 50 }); // PaymentConflictError
 * ```
 */
export class PaymentConflictError extends TicketingError {
  /** Always `'PaymentConflictError'`. */
  override name = 'PaymentConflictError';
  /** The payment provider's payment id. */
  readonly paymentId: string;
  constructor(paymentId: string, detail: string) {
    super(
      `Expected payment \`${paymentId}\` to be confirmed for the hold and amount it was first recorded with, ${detail}`,
    );
    this.paymentId = paymentId;
  }
}

/**
 * The event's sale has not started (`saleStartsAt` is in the future).
 *
 * @example
 * ```ts
 * await tix.hold({ eventId: 'later', userId: 'ada' }); // throws SaleNotStartedError
 * ```
 */
export class SaleNotStartedError extends TicketingError {
  /** Always `'SaleNotStartedError'`. */
  override name = 'SaleNotStartedError';
  /** Epoch ms at which the sale opens. */
  readonly saleStartsAt: number;
  constructor(eventId: string, saleStartsAt: number, now: number) {
    super(
      `Expected the sale of event \`${eventId}\` to have started, it starts at ${new Date(saleStartsAt).toISOString()} (${saleStartsAt - now} ms from now)`,
    );
    this.saleStartsAt = saleStartsAt;
  }
}

/**
 * The event requires a waiting-room admission token and none, a forged one, an expired one or one
 * issued to another user was given. `reason` says which.
 *
 * @example
 * ```ts
 * await tix.hold({ eventId: 'flash', userId: 'ada' }); // requireAdmission: AdmissionError (missing)
 * ```
 */
export class AdmissionError extends TicketingError {
  /** Always `'AdmissionError'`. */
  override name = 'AdmissionError';
  /** Why the token was refused (`revoked`: the user left the waiting room, or was admitted again). */
  readonly reason: 'missing' | 'malformed' | 'forged' | 'expired' | 'revoked' | 'wrong_user' | 'no_waiting_room';
  constructor(reason: AdmissionError['reason'], detail: string) {
    super(`Expected a valid admission token, got ${detail} (${reason})`);
    this.reason = reason;
  }
}
