import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryLedgerBackend } from '../src/memory-ledger-backend.js';
import { mongoLedgerBackend } from '../src/mongo-ledger-backend.js';
import { type LedgerBackend, PartitionLedger } from '../src/partition-ledger.js';
import { fakeDb } from './fake-mongo.js';

const CAPACITY = 13; // partitions of 5, 5, 3: holds often span partitions, and the event often sells out
const LIMIT = 6;
const TTL = 100;

type Op =
  | { kind: 'reserve'; user: number; quantity: number }
  | { kind: 'release' | 'sell' | 'extend'; pick: number }
  | { kind: 'return'; pick: number; quantity: number }
  | { kind: 'wait'; ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('reserve' as const),
      user: fc.nat(7),
      quantity: fc.integer({ min: 1, max: 7 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constantFrom('release' as const, 'sell' as const, 'extend' as const),
      pick: fc.nat(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('return' as const),
      pick: fc.nat(),
      quantity: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 80 }) }) },
);

/** The oracle: holds as plain records; free units, per-user units and outcomes follow from them. */
interface ModelHold {
  id: string;
  user: string;
  quantity: number;
  expiresAt: number;
  status: 'active' | 'sold' | 'released' | 'expired';
  /** Units still sold (after returns). */
  kept: number;
  extended?: boolean;
}

function describeModel(name: string, makeBackend: () => LedgerBackend, runs: number) {
  describe(`PartitionLedger against a model: ${name}`, () => {
    it('every outcome, count and per-user total matches a table of holds, and the ledger checks clean after every step', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
          const ledger = new PartitionLedger(makeBackend(), { partitionSize: 5 });
          await ledger.createEvent({ eventId: 'e', capacity: CAPACITY, perUserLimit: LIMIT });
          const holds: ModelHold[] = [];
          let now = 1_000;
          let n = 0;
          const live = (h: ModelHold) => h.status === 'active' && h.expiresAt > now;
          for (const step of ops) {
            for (const h of holds) if (h.status === 'active' && h.expiresAt <= now) h.status = 'expired';
            const held = holds.filter(live).reduce((s, h) => s + h.quantity, 0);
            const sold = holds.reduce((s, h) => s + h.kept, 0);
            if (step.kind === 'reserve') {
              const user = `u${step.user}`;
              const units = holds
                .filter((h) => h.user === user)
                .reduce((s, h) => s + (live(h) ? h.quantity : h.kept), 0);
              const expected =
                units + step.quantity > LIMIT
                  ? 'per_user_limit'
                  : CAPACITY - held - sold < step.quantity
                    ? 'sold_out'
                    : 'ok';
              const id = `h${++n}`;
              const out = await ledger.reserve(
                { id, eventId: 'e', userId: user, quantity: step.quantity, expiresAt: now + TTL },
                now,
              );
              expect(out.status).toBe(expected);
              if (out.status === 'ok') {
                holds.push({ id, user, quantity: step.quantity, expiresAt: now + TTL, status: 'active', kept: 0 });
              }
            } else if (step.kind === 'wait') {
              now += step.ms;
            } else if (holds.length > 0) {
              const h = holds[step.pick % holds.length]!;
              if (step.kind === 'release') {
                const out = await ledger.release(h.id, now);
                if (live(h)) h.status = 'released';
                expect(out?.status).toBe(h.status);
              } else if (step.kind === 'sell') {
                const out = await ledger.sell(h.id, `p_${h.id}`, now);
                if (live(h)) {
                  h.status = 'sold';
                  h.kept = h.quantity;
                }
                expect(out?.status).toBe(h.status === 'sold' ? 'sold' : 'not_live');
              } else if (step.kind === 'extend') {
                // once per hold: max(expiresAt, now + grace), a second call changes nothing
                expect((await ledger.extend(h.id, TTL, now)) !== undefined).toBe(live(h));
                if (live(h) && !h.extended) {
                  h.expiresAt = Math.max(h.expiresAt, now + TTL);
                  h.extended = true;
                }
              } else if (step.kind === 'return') {
                const quantity = Math.min(step.quantity, h.kept);
                const ok = h.status === 'sold' && quantity > 0;
                const out = ok ? await ledger.returnUnits(h.id, `r${++n}`, quantity, now) : false;
                expect(out).toBe(ok);
                if (ok) h.kept -= quantity;
              }
            }
            for (const h of holds) if (h.status === 'active' && h.expiresAt <= now) h.status = 'expired';
            const heldAfter = holds.filter(live).reduce((s, h) => s + h.quantity, 0);
            const soldAfter = holds.reduce((s, h) => s + h.kept, 0);
            expect(await ledger.counts('e', now)).toEqual({
              capacity: CAPACITY,
              sold: soldAfter,
              held: heldAfter,
              pooled: 0,
              available: CAPACITY - soldAfter - heldAfter,
            });
          }
          const stored = [];
          for (const h of holds) stored.push((await ledger.getHold(h.id, now))!);
          expect(await ledger.check('e', stored)).toEqual([]);
        }),
        { numRuns: runs, seed: 15 },
      );
    }, 120_000);
  });
}

describeModel('memory backend', () => memoryLedgerBackend(), 150);
describeModel('MongoDB backend over the fake driver', () => mongoLedgerBackend(fakeDb(), 'm_'), 30);

// ---------------------------------------------------------------- seated events

/** 13 seats in partitions of 5, 5, 3; names a field name cannot hold as they are among them. */
const SEATS = ['a.1', '$a2', 'a%3', '4', '5', '__proto__', 'b7', 'b.8', 'b9', 'b10', 'c11', 'c$12', 'c13'];

type SeatOp =
  | { kind: 'reserve'; user: number; quantity: number }
  | { kind: 'reserveSeats'; user: number; seats: number[] }
  | { kind: 'release' | 'sell' | 'extend'; pick: number }
  | { kind: 'return'; pick: number; quantity: number; offset: number }
  | { kind: 'wait'; ms: number };

const seatOp: fc.Arbitrary<SeatOp> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('reserve' as const),
      user: fc.nat(5),
      quantity: fc.integer({ min: 1, max: 6 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('reserveSeats' as const),
      user: fc.nat(5),
      seats: fc.uniqueArray(fc.nat(SEATS.length - 1), { minLength: 1, maxLength: 4 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom('release' as const, 'sell' as const, 'extend' as const),
      pick: fc.nat(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('return' as const),
      pick: fc.nat(),
      quantity: fc.integer({ min: 1, max: 3 }),
      offset: fc.nat(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 80 }) }) },
);

/** The seated oracle: each hold's seats; a seat belongs to at most one live hold or one sale. */
interface ModelSeatHold {
  id: string;
  user: string;
  seats: string[];
  expiresAt: number;
  status: 'active' | 'sold' | 'released' | 'expired';
  /** Seats still sold (after returns). */
  kept: string[];
  extended?: boolean;
}

function describeSeatedModel(name: string, makeBackend: () => LedgerBackend, runs: number) {
  describe(`PartitionLedger seats against a model: ${name}`, () => {
    it('outcomes, assigned seats and counts match a table of seat owners; no seat is in two live holds or sold twice', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(seatOp, { minLength: 1, maxLength: 40 }), async (ops) => {
          const ledger = new PartitionLedger(makeBackend(), { partitionSize: 5 });
          await ledger.createEvent({ eventId: 'e', capacity: SEATS.length, perUserLimit: LIMIT, seats: SEATS });
          const holds: ModelSeatHold[] = [];
          let now = 1_000;
          let n = 0;
          const live = (h: ModelSeatHold) => h.status === 'active' && h.expiresAt > now;
          /** Seat → the live hold holding it or the hold it is sold to. */
          const owners = () => {
            const owner = new Map<string, string>();
            for (const h of holds) {
              for (const seat of live(h) ? h.seats : h.kept) {
                expect(owner.has(seat), `seat ${seat} in two holds`).toBe(false);
                owner.set(seat, h.id);
              }
            }
            return owner;
          };
          const unitsOf = (user: string) =>
            holds.filter((h) => h.user === user).reduce((s, h) => s + (live(h) ? h.seats.length : h.kept.length), 0);
          for (const step of ops) {
            const owner = owners();
            if (step.kind === 'reserve' || step.kind === 'reserveSeats') {
              const user = `u${step.user}`;
              const named = step.kind === 'reserveSeats' ? step.seats.map((i) => SEATS[i]!) : null;
              const quantity = named ? named.length : (step as { quantity: number }).quantity;
              const taken = named ? SEATS.filter((seat) => named.includes(seat) && owner.has(seat)) : [];
              const expected =
                unitsOf(user) + quantity > LIMIT
                  ? 'per_user_limit'
                  : taken.length > 0
                    ? 'seat_taken'
                    : SEATS.length - owner.size < quantity
                      ? 'sold_out'
                      : 'ok';
              const id = `h${++n}`;
              const out = await ledger.reserve(
                { id, eventId: 'e', userId: user, quantity, expiresAt: now + TTL, seats: named },
                now,
              );
              expect(out.status).toBe(expected);
              if (out.status === 'seat_taken') expect(out.seats).toEqual(taken);
              if (out.status === 'ok') {
                const seats = out.hold.seats!;
                expect(seats).toHaveLength(quantity);
                if (named) expect(seats).toEqual(SEATS.filter((seat) => named.includes(seat)));
                for (const seat of seats) expect(owner.has(seat), `seat ${seat} given twice`).toBe(false);
                holds.push({ id, user, seats, expiresAt: now + TTL, status: 'active', kept: [] });
              }
            } else if (step.kind === 'wait') {
              now += step.ms;
            } else if (holds.length > 0) {
              const h = holds[step.pick % holds.length]!;
              if (step.kind === 'release') {
                const out = await ledger.release(h.id, now);
                if (live(h)) h.status = 'released';
                expect(out?.status).toBe(h.status === 'active' ? 'expired' : h.status);
              } else if (step.kind === 'sell') {
                const out = await ledger.sell(h.id, `p_${h.id}`, now);
                if (live(h)) {
                  h.status = 'sold';
                  h.kept = [...h.seats];
                }
                expect(out?.status).toBe(h.status === 'sold' ? 'sold' : 'not_live');
                if (out?.status === 'sold') expect(out.hold.seats).toEqual(h.seats);
              } else if (step.kind === 'extend') {
                // once per hold: max(expiresAt, now + grace), a second call changes nothing
                expect((await ledger.extend(h.id, TTL, now)) !== undefined).toBe(live(h));
                if (live(h) && !h.extended) {
                  h.expiresAt = Math.max(h.expiresAt, now + TTL);
                  h.extended = true;
                }
              } else if (step.kind === 'return') {
                const quantity = Math.min(step.quantity, h.kept.length);
                const ok = h.status === 'sold' && quantity > 0;
                const start = ok ? step.offset % (h.kept.length - quantity + 1) : 0;
                const seats = h.kept.slice(start, start + quantity);
                const out = ok ? await ledger.returnUnits(h.id, `r${++n}`, quantity, now, seats) : false;
                expect(out).toBe(ok);
                if (ok) h.kept = h.kept.filter((seat) => !seats.includes(seat));
              }
            }
            for (const h of holds) if (h.status === 'active' && h.expiresAt <= now) h.status = 'expired';
            const after = owners();
            const held = holds.filter(live).reduce((s, h) => s + h.seats.length, 0);
            const sold = holds.reduce((s, h) => s + h.kept.length, 0);
            expect(after.size).toBe(held + sold);
            expect(await ledger.counts('e', now)).toEqual({
              capacity: SEATS.length,
              sold,
              held,
              pooled: 0,
              available: SEATS.length - sold - held,
            });
          }
          const stored = [];
          for (const h of holds) stored.push((await ledger.getHold(h.id, now))!);
          expect(await ledger.check('e', stored)).toEqual([]);
        }),
        { numRuns: runs, seed: 15 },
      );
    }, 120_000);
  });
}

describeSeatedModel('memory backend', () => memoryLedgerBackend(), 150);
describeSeatedModel('MongoDB backend over the fake driver', () => mongoLedgerBackend(fakeDb(), 's_'), 30);
