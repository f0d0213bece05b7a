import { describe, expect, it } from 'vitest';
import {
  type AdmissionError,
  createTicketing,
  createWaitingRoom,
  EventExistsError,
  HoldNotActiveError,
  InvalidArgumentError,
  memoryStore,
  PaymentConflictError,
  PerUserLimitError,
  SaleNotStartedError,
  SeatUnavailableError,
  SoldOutError,
  simulateFlashSale,
  TicketingError,
  UnknownEventError,
  UnknownHoldError,
  UnknownOptionError,
  UnknownOrderError,
  UnknownSeatError,
  UnknownTicketError,
} from '../src/index.js';
import { mongoStore } from '../src/mongodb.js';
import { fakeDb } from './fake-mongo.js';
import { ManualClock } from './fixtures.js';

async function caught(promise: Promise<unknown> | (() => unknown)): Promise<Error> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    expect(error).toBeInstanceOf(TicketingError);
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('typed errors with clear messages, all extending TicketingError', () => {
  async function setup() {
    const clock = new ManualClock();
    const tix = createTicketing({ clock, holdTtlMs: 1_000 });
    await tix.createEvent({ id: 'ga', name: 'GA', capacity: 10, perUserLimit: 4 });
    await tix.createEvent({ id: 'seated', name: 'Seated', seats: ['A1', 'A2'] });
    return { tix, clock };
  }

  it('createTicketing options', () => {
    expect(() => createTicketing({ holdTtlMs: 0 })).toThrow(
      'Expected `holdTtlMs` to be an integer from 1 and up, got `0` (number)',
    );
    expect(() => createTicketing({ paymentGraceMs: -1 })).toThrow(InvalidArgumentError);
    expect(() => createTicketing({ offerTtlMs: 1.5 })).toThrow(
      'Expected `offerTtlMs` to be an integer from 1 and up, got `1.5` (number)',
    );
    expect(() => createTicketing({ latePaymentPolicy: 'maybe' as never })).toThrow(
      "Expected `latePaymentPolicy` to be 'issue_if_available' or 'refund', got `\"maybe\"` (string)",
    );
    expect(() => createTicketing({ clock: {} as never })).toThrow(
      'Expected `clock` to be an object with a now() method, got `{}` (object)',
    );
  });

  it('createEvent', async () => {
    const { tix } = await setup();
    expect(await caught(tix.createEvent({ id: 'ga', name: 'again', capacity: 1 }))).toBeInstanceOf(EventExistsError);
    expect((await caught(tix.createEvent({ id: 'x', name: 'X', capacity: 0 }))).message).toBe(
      'Expected `capacity` to be an integer from 1 and up, got `0` (number)',
    );
    expect((await caught(tix.createEvent({ id: 'x', name: 'X' }))).message).toBe(
      'Expected `capacity` to be an integer from 1 and up (or `seats`), got `undefined` (undefined)',
    );
    expect((await caught(tix.createEvent({ id: '', name: 'X', capacity: 1 }))).message).toBe(
      'Expected `id` to be a non-empty string, got `""` (string)',
    );
    expect((await caught(tix.createEvent({ id: 'x', name: 'X', seats: ['A', 'B'], capacity: 3 }))).message).toBe(
      'Expected `capacity` to be the number of seats (2), got `3` (number)',
    );
    expect(await caught(tix.createEvent({ id: 'x', name: 'X', seats: ['A', 'A'] }))).toBeInstanceOf(
      InvalidArgumentError,
    );
    expect((await caught(tix.createEvent({ id: 'x', name: 'X', capacity: 1, perUserLimit: 0 }))).message).toBe(
      'Expected `perUserLimit` to be an integer from 1 and up, got `0` (number)',
    );
  });

  it('hold', async () => {
    const { tix, clock } = await setup();
    const unknown = await caught(tix.hold({ eventId: 'nope', userId: 'u' }));
    expect(unknown).toBeInstanceOf(UnknownEventError);
    expect(unknown.message).toBe('Expected `eventId` to name an existing event, got `nope`');
    expect((await caught(tix.hold({ eventId: 'ga', userId: 'u', quantity: 0 }))).message).toBe(
      'Expected `quantity` to be an integer from 1 to 10, got `0` (number)',
    );
    expect((await caught(tix.hold({ eventId: 'ga', userId: 'u', quantity: 11 }))).message).toBe(
      'Expected `quantity` to be an integer from 1 to 10, got `11` (number)',
    );
    const limit = await caught(tix.hold({ eventId: 'ga', userId: 'u', quantity: 5 }));
    expect(limit).toBeInstanceOf(PerUserLimitError);
    expect(limit.message).toBe(
      'Expected user `u` to stay within the per-user limit of 4 for event `ga`, got 0 held or bought + 5 requested',
    );
    await tix.hold({ eventId: 'ga', userId: 'u', quantity: 3 });
    expect((await caught(tix.hold({ eventId: 'ga', userId: 'u', quantity: 2 }))).message).toBe(
      'Expected user `u` to stay within the per-user limit of 4 for event `ga`, got 3 held or bought + 2 requested',
    );
    const seat = await caught(tix.hold({ eventId: 'seated', userId: 'u', seats: ['Z9'] }));
    expect(seat).toBeInstanceOf(UnknownSeatError);
    expect(seat.message).toBe('Expected `seats` to list seats of event `seated`, got `Z9`');
    expect((await caught(tix.hold({ eventId: 'ga', userId: 'u', seats: ['A1'] }))).message).toBe(
      'Expected `seats` to be omitted for general-admission event `ga`, got `["A1"]` (array)',
    );
    expect((await caught(tix.hold({ eventId: 'seated', userId: 'u', seats: ['A1'], quantity: 2 }))).message).toBe(
      'Expected `quantity` to be the number of seats (1), got `2` (number)',
    );
    await tix.hold({ eventId: 'seated', userId: 'v', seats: ['A1'] });
    const taken = await caught(tix.hold({ eventId: 'seated', userId: 'w', seats: ['A1', 'A2'] }));
    expect(taken).toBeInstanceOf(SeatUnavailableError);
    expect(taken.message).toBe('Expected `seats` to be free in event `seated`, got taken seat(s) `A1`');
    await tix.hold({ eventId: 'seated', userId: 'w', seats: ['A2'] });
    const soldOut = await caught(tix.hold({ eventId: 'seated', userId: 'x' }));
    expect(soldOut).toBeInstanceOf(SoldOutError);
    expect(soldOut.message).toBe(
      'Event `seated` has 0 unit(s) available for 1 requested: the rest is held or reserved for the waitlist and may free up (all_held)',
    );
    await tix.createEvent({ id: 'later', name: 'Later', capacity: 1, saleStartsAt: clock.time + 60_000 });
    const early = await caught(tix.hold({ eventId: 'later', userId: 'u' }));
    expect(early).toBeInstanceOf(SaleNotStartedError);
    expect(early.message).toMatch(
      /^Expected the sale of event `later` to have started, it starts at .* \(60000 ms from now\)$/,
    );
    expect(await caught(tix.joinWaitlist({ eventId: 'later', userId: 'u', quantity: 1 }))).toBeInstanceOf(
      SaleNotStartedError,
    );
  });

  it('holds, payments and orders', async () => {
    const { tix, clock } = await setup();
    const missing = await caught(tix.beginPayment('h_missing'));
    expect(missing).toBeInstanceOf(UnknownHoldError);
    expect(missing.message).toBe('Expected `holdId` to name an existing hold, got `h_missing`');
    const hold = await tix.hold({ eventId: 'ga', userId: 'u' });
    expect((await caught(tix.confirmPayment({ holdId: hold.id, paymentId: 'p', amount: -1 }))).message).toBe(
      'Expected `amount` to be a finite number from 0 and up, got `-1` (number)',
    );
    expect((await caught(tix.confirmPayment({ holdId: hold.id, paymentId: '', amount: 1 }))).message).toBe(
      'Expected `paymentId` to be a non-empty string, got `""` (string)',
    );
    expect((await caught(tix.confirmPayment({ holdId: hold.id, paymentId: 'p', amount: Number.NaN }))).message).toBe(
      'Expected `amount` to be a finite number from 0 and up, got `NaN` (number)',
    );
    await tix.confirmPayment({ holdId: hold.id, paymentId: 'p', amount: 10 });
    const other = await tix.hold({ eventId: 'ga', userId: 'v' });
    const conflict = await caught(tix.confirmPayment({ holdId: other.id, paymentId: 'p', amount: 10 }));
    expect(conflict).toBeInstanceOf(PaymentConflictError);
    expect(conflict.message).toBe(
      `Expected payment \`p\` to be confirmed for the hold and amount it was first recorded with, got hold \`${other.id}\` but it was recorded for \`${hold.id}\``,
    );
    expect((await caught(tix.confirmPayment({ holdId: hold.id, paymentId: 'p', amount: 11 }))).message).toBe(
      'Expected payment `p` to be confirmed for the hold and amount it was first recorded with, got amount 11 but it was recorded with 10',
    );
    const confirmed = await caught(tix.releaseHold(hold.id));
    expect(confirmed).toBeInstanceOf(HoldNotActiveError);
    expect(confirmed.message).toBe(`Expected hold \`${hold.id}\` to be active or in payment, got status \`confirmed\``);
    clock.advance(1_000);
    const expired = await caught(tix.beginPayment(other.id));
    expect(expired.message).toBe(`Expected hold \`${other.id}\` to be active or in payment, got status \`expired\``);
    const released = await tix.hold({ eventId: 'ga', userId: 'w' });
    expect((await tix.releaseHold(released.id)).status).toBe('released');
    expect((await tix.releaseHold(released.id)).status).toBe('released'); // idempotent
    expect((await caught(tix.beginPayment(released.id))).message).toContain('got status `released`');
    const noOrder = await caught(tix.returnTickets({ orderId: 'o_missing' }));
    expect(noOrder).toBeInstanceOf(UnknownOrderError);
    expect(noOrder.message).toBe('Expected `orderId` to name an existing order, got `o_missing`');
    const orderId = (await tix.getHold(hold.id)).id.replace(/^h_/, 'o_');
    const badTicket = await caught(tix.returnTickets({ orderId, ticketIds: ['t_other'] }));
    expect(badTicket).toBeInstanceOf(UnknownTicketError);
    expect(badTicket.message).toBe(`Expected \`ticketIds\` to list tickets of order \`${orderId}\`, got \`t_other\``);
    expect(await caught(tix.getOrder('o_missing'))).toBeInstanceOf(UnknownOrderError);
    expect((await caught(tix.waitlistEntry('ga', 'w_missing'))).message).toBe(
      'Expected `entryId` to be a waitlist entry of event `ga`, got `"w_missing"` (string)',
    );
    expect(await caught(tix.joinWaitlist({ eventId: 'ga', userId: 'u', quantity: 5 }))).toBeInstanceOf(
      PerUserLimitError,
    );
  });

  it('admission', async () => {
    const clock = new ManualClock();
    const room = createWaitingRoom({
      admitPerSecond: 1,
      maxActive: 10,
      secret: 'a-very-secret-key!',
      clock,
      tokenTtlMs: 5_000,
    });
    const tix = createTicketing({ clock, waitingRoom: room });
    await tix.createEvent({ id: 'flash', name: 'Flash', capacity: 5, requireAdmission: true });
    const reasons = async (admissionToken: string | undefined, userId = 'ada') =>
      (
        (await caught(
          tix.hold({ eventId: 'flash', userId, ...(admissionToken === undefined ? {} : { admissionToken }) }),
        )) as AdmissionError
      ).reason;
    expect(await reasons(undefined)).toBe('missing');
    expect(await reasons('garbage')).toBe('malformed');
    const { token } = room.enter('ada');
    expect(token).toBeDefined();
    expect(await reasons(`${token!.slice(0, -2)}AA`)).toBe('forged');
    expect(await reasons(token, 'bob')).toBe('wrong_user');
    expect((await tix.hold({ eventId: 'flash', userId: 'ada', admissionToken: token! })).status).toBe('active');
    clock.advance(5_000);
    expect(await reasons(token)).toBe('expired');
    const bare = createTicketing({ clock });
    await bare.createEvent({ id: 'flash', name: 'Flash', capacity: 5, requireAdmission: true });
    const none = await caught(bare.hold({ eventId: 'flash', userId: 'ada', admissionToken: token! }));
    expect(none.message).toBe(
      'Expected a valid admission token, got no `waitingRoom` configured in createTicketing (no_waiting_room)',
    );
  });

  it('every public function and constructor rejects unknown option keys, listing the valid ones', async () => {
    const unknown = async (run: () => unknown, where: string, key: string) => {
      const error = await caught(run);
      expect(error).toBeInstanceOf(UnknownOptionError);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.message).toContain(`Unknown option \`${key}\``);
      expect(error.message).toContain(`in \`${where}\` options; valid options are`);
      expect((error as UnknownOptionError).unknownKeys).toEqual([key]);
    };
    expect(() => createTicketing({ holdTTLMs: 1 } as never)).toThrow(
      'Unknown option `holdTTLMs` (did you mean `holdTtlMs`?) in `createTicketing` options; valid options are `store`, `clock`, `payments`, `notifier`, `holdTtlMs`, `paymentGraceMs`, `offerTtlMs`, `latePaymentPolicy`, `waitingRoom`',
    );
    await unknown(() => memoryStore({ retain: 1 } as never), 'memoryStore', 'retain');
    await unknown(() => mongoStore({ db: fakeDb(), prefix: 'x' } as never), 'mongoStore', 'prefix');
    await unknown(() => simulateFlashSale({ capacity: 1, buyers: 1, sead: 2 } as never), 'simulateFlashSale', 'sead');
    const tix = createTicketing({ clock: new ManualClock() });
    await unknown(
      () => tix.createEvent({ id: 'e', name: 'E', capacity: 1, perUser: 2 } as never),
      'createEvent',
      'perUser',
    );
    await tix.createEvent({ id: 'e', name: 'E', capacity: 5 });
    await unknown(() => tix.hold({ eventId: 'e', userId: 'u', qty: 2 } as never), 'hold', 'qty');
    const hold = await tix.hold({ eventId: 'e', userId: 'u' });
    await unknown(
      () => tix.confirmPayment({ holdId: hold.id, paymentId: 'p', amount: 1, currency: 'EUR' } as never),
      'confirmPayment',
      'currency',
    );
    await unknown(() => tix.returnTickets({ orderId: 'o', tickets: [] } as never), 'returnTickets', 'tickets');
    await unknown(
      () => tix.joinWaitlist({ eventId: 'e', userId: 'w', quantity: 1, q: 1 } as never),
      'joinWaitlist',
      'q',
    );
    await unknown(() => tix.expireHolds({ event: 'e' } as never), 'expireHolds', 'event');
    await unknown(() => tix.checkInvariants('e', { settle: true } as never), 'checkInvariants', 'settle');
    // nothing was held by the refused calls
    expect((await tix.availability('e')).held).toBe(1);
  });

  it('quantity null is rejected like any other non-integer, never taken as the default', async () => {
    const { tix } = await setup();
    for (const quantity of [null, '2', 1.5]) {
      const error = await caught(tix.hold({ eventId: 'ga', userId: 'u', quantity } as never));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.message).toMatch(/^Expected `quantity` to be an integer from 1 to 10, got /);
    }
    expect((await tix.availability('ga')).held).toBe(0);
  });
});
