import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../src/errors.js';
import { memoryLedgerBackend } from '../src/memory-ledger-backend.js';
import { type LedgerBackend, type LedgerHold, PartitionLedger } from '../src/partition-ledger.js';
import { allHolds, crashingBackend, describeOnLedgerBackends } from './partition-ledger-fixtures.js';
import { seeded } from './store-wrappers.js';

const TTL = 60_000;

/**
 * 20 seats in partitions of 5. Names a MongoDB field name could not hold as they are (dots,
 * dollars, percent signs, NUL), numeric names, and names of `Object.prototype` members.
 */
const SEATS = [
  'A.1',
  '$A2',
  'A%3',
  '4',
  '5',
  '__proto__',
  'constructor',
  'B\u00008',
  'B 9',
  'B.$10',
  'toString',
  'C12',
  'C13',
  'C14',
  'C15',
  'D16',
  'D17',
  'D18',
  'D19',
  'hasOwnProperty',
];

function describeSeats(name: string, makeBackend: () => LedgerBackend, concurrency: number) {
  describe(`PartitionLedger seats on ${name}`, () => {
    async function setup(options: { perUserLimit?: number | null; seats?: readonly string[] } = {}) {
      const { backend, plan } = crashingBackend(makeBackend());
      const ledger = new PartitionLedger(backend, { partitionSize: 5, reservingTimeoutMs: 5_000 });
      const eventId = `s${randomBytes(4).toString('hex')}`;
      const seats = options.seats ?? SEATS;
      await ledger.createEvent({ eventId, capacity: seats.length, perUserLimit: options.perUserLimit ?? null, seats });
      return { ledger, eventId, plan };
    }
    const request = (eventId: string, id: string, userId: string, seats: readonly string[], now: number) => ({
      id,
      eventId,
      userId,
      quantity: seats.length,
      expiresAt: now + TTL,
      seats,
    });
    const quantityOnly = (eventId: string, id: string, userId: string, quantity: number, now: number) => ({
      id,
      eventId,
      userId,
      quantity,
      expiresAt: now + TTL,
    });
    /** Seats of live (`active` at `now`) and sold holds, and whether any seat is in two of them. */
    function owners(holds: readonly LedgerHold[], now: number) {
      const owner = new Map<string, string>();
      const twice: string[] = [];
      for (const h of holds) {
        const live = (h.status === 'active' && h.expiresAt > now) || h.status === 'sold';
        if (!live) continue;
        for (const seat of h.seats ?? []) {
          if (owner.has(seat)) twice.push(seat);
          owner.set(seat, h.id);
        }
      }
      return { owner, twice };
    }

    it('named seats: held, sold (stay taken), released and expired (free again), each in seat-map order', async () => {
      const { ledger, eventId } = await setup();
      const a = await ledger.reserve(request(eventId, 'a', 'ada', ['$A2', 'A.1', '__proto__'], 0), 0);
      expect(a).toMatchObject({ status: 'ok', hold: { seats: ['A.1', '$A2', '__proto__'], quantity: 3 } });
      expect(a.status === 'ok' && [...a.hold.parts].sort()).toEqual([0, 1]);
      expect(await ledger.counts(eventId, 0)).toMatchObject({ held: 3, available: 17 });
      // A taken seat is reported; the free one asked with it is not taken either.
      expect(await ledger.reserve(request(eventId, 'b', 'bob', ['A.1', 'A%3'], 0), 0)).toEqual({
        status: 'seat_taken',
        seats: ['A.1'],
      });
      expect(await ledger.getHold('b', 0)).toBeUndefined(); // refused on reads alone: nothing was written
      expect(await ledger.counts(eventId, 0)).toMatchObject({ held: 3 });
      expect((await ledger.sell('a', 'pay-a', 1))?.status).toBe('sold');
      expect(await ledger.reserve(request(eventId, 'c', 'cy', ['__proto__'], 1), 1)).toEqual({
        status: 'seat_taken',
        seats: ['__proto__'],
      });
      const d = await ledger.reserve(request(eventId, 'd', 'dee', ['B\u00008', 'constructor', '4'], 1), 1);
      expect(d).toMatchObject({ status: 'ok', hold: { seats: ['4', 'constructor', 'B\u00008'] } });
      expect((await ledger.release('d', 2))?.status).toBe('released');
      expect((await ledger.reserve(request(eventId, 'e', 'eve', ['constructor', 'toString'], 2), 2)).status).toBe('ok');
      // e expires unused: its seats are repaired at read time and taken by f.
      const f = await ledger.reserve(request(eventId, 'f', 'fay', ['toString', 'B 9'], TTL + 2), TTL + 2);
      expect(f).toMatchObject({ status: 'ok', hold: { seats: ['B 9', 'toString'] } });
      expect((await ledger.getHold('e', TTL + 2))?.status).toBe('expired');
      expect(await ledger.counts(eventId, TTL + 2)).toMatchObject({ sold: 3, held: 2, available: 15 });
      const holds = await allHolds(ledger, ['a', 'b', 'c', 'd', 'e', 'f'], TTL + 2);
      expect(owners(holds, TTL + 2).twice).toEqual([]);
      expect(await ledger.check(eventId, holds)).toEqual([]);
    }, 60_000);

    it('a seat request spanning partitions is all or nothing: every unavailable seat is listed, no partial take stays', async () => {
      const { ledger, eventId } = await setup();
      await ledger.reserve(request(eventId, 'x', 'xi', ['B.$10', 'D19'], 0), 0);
      await ledger.reserve(request(eventId, 'y', 'yu', ['C13'], 0), 0);
      await ledger.sell('y', 'pay-y', 0);
      const out = await ledger.reserve(
        request(eventId, 'big', 'ada', ['A.1', 'B.$10', 'C12', 'C13', 'D19', 'D16'], 1),
        1,
      );
      expect(out).toEqual({ status: 'seat_taken', seats: ['B.$10', 'C13', 'D19'] });
      expect(await ledger.counts(eventId, 1)).toMatchObject({ sold: 1, held: 2, available: 17 });
      // The free seats it asked for are free: another hold gets them.
      expect((await ledger.reserve(request(eventId, 'z', 'zed', ['A.1', 'C12', 'D16'], 1), 1)).status).toBe('ok');
      expect(await ledger.check(eventId, await allHolds(ledger, ['x', 'y', 'big', 'z'], 1))).toEqual([]);
    }, 60_000);

    it('returns give back exactly the named sold seats, once per return id; a seat not sold to the hold is refused', async () => {
      const { ledger, eventId } = await setup({ perUserLimit: 4 });
      await ledger.reserve(request(eventId, 'a', 'ada', ['4', '5', '__proto__', 'constructor'], 0), 0);
      await ledger.sell('a', 'pay-a', 0);
      expect(await ledger.returnUnits('a', 'r1', 2, 1, ['constructor', '4'])).toBe(true);
      expect(await ledger.returnUnits('a', 'r1', 2, 1, ['constructor', '4'])).toBe(true); // a duplicate
      expect(await ledger.counts(eventId, 1)).toMatchObject({ sold: 2, available: 18 });
      expect(await ledger.returnUnits('a', 'r2', 1, 1, ['4'])).toBe(false); // already returned
      expect(await ledger.returnUnits('a', 'r3', 1, 1, ['A.1'])).toBe(false); // never the hold's
      // The returned seats can be held again, the kept ones cannot; ada may buy 2 more.
      expect((await ledger.reserve(request(eventId, 'b', 'ada', ['4', 'constructor'], 1), 1)).status).toBe('ok');
      expect(await ledger.reserve(request(eventId, 'c', 'cy', ['5'], 1), 1)).toEqual({
        status: 'seat_taken',
        seats: ['5'],
      });
      // Without names: the first of the hold's seats still sold to it.
      expect(await ledger.returnUnits('a', 'r4', 1, 2)).toBe(true);
      expect((await ledger.reserve(request(eventId, 'd', 'dee', ['5'], 2), 2)).status).toBe('ok');
      expect(await ledger.counts(eventId, 2)).toMatchObject({ sold: 1, held: 3 });
      expect(await ledger.check(eventId, await allHolds(ledger, ['a', 'b', 'c', 'd'], 2))).toEqual([]);
    }, 60_000);

    it('quantity-only holds get adjacent seats within a partition when there are, else the first free seats', async () => {
      const { ledger, eventId } = await setup();
      const position = (seat: string) => SEATS.indexOf(seat);
      for (let i = 0; i < 4; i++) {
        const out = await ledger.reserve(quantityOnly(eventId, `q${i}`, `u${i}`, 3, 0), 0);
        expect(out.status).toBe('ok');
        const seats = out.status === 'ok' ? out.hold.seats! : [];
        expect(seats).toHaveLength(3);
        const at = seats.map(position);
        expect(at).toEqual([at[0], at[0]! + 1, at[0]! + 2]);
        expect(Math.floor(at[0]! / 5)).toBe(Math.floor(at[2]! / 5));
      }
      // Fragment one partition (seats 10-14): toString and C13 taken, C12, C14, C15 left; then fill the others.
      const fresh = await setup();
      await fresh.ledger.reserve(request(fresh.eventId, 'f1', 'u1', ['toString', 'C13'], 0), 0);
      await fresh.ledger.reserve(request(fresh.eventId, 'f2', 'u2', [...SEATS.slice(0, 10), ...SEATS.slice(15)], 0), 0);
      const split = await fresh.ledger.reserve(quantityOnly(fresh.eventId, 'q', 'u3', 2, 0), 0);
      expect(split).toMatchObject({ status: 'ok', hold: { seats: ['C14', 'C15'] } });
      await fresh.ledger.release('q', 1);
      const three = await fresh.ledger.reserve(quantityOnly(fresh.eventId, 'q3', 'u3', 3, 1), 1);
      expect(three).toMatchObject({ status: 'ok', hold: { seats: ['C12', 'C14', 'C15'] } });
      expect((await fresh.ledger.reserve(quantityOnly(fresh.eventId, 'q4', 'u4', 1, 1), 1)).status).toBe('sold_out');
      expect(
        await fresh.ledger.check(fresh.eventId, await allHolds(fresh.ledger, ['f1', 'f2', 'q', 'q3', 'q4'], 1)),
      ).toEqual([]);
    }, 60_000);

    it('a quantity-only hold looks in other partitions for adjacent seats before taking scattered ones', async () => {
      const seats = SEATS.slice(0, 15); // partitions 0-4, 5-9, 10-14
      for (let round = 0; round < 4; round++) {
        const { ledger, eventId } = await setup({ seats });
        // Partitions 0 and 1 keep 3 scattered free seats each; partition 2 keeps its last two, adjacent.
        const taken = [seats[1]!, seats[3]!, seats[6]!, seats[8]!, seats[10]!, seats[11]!, seats[12]!];
        await ledger.reserve(request(eventId, 'f', 'u', taken, 0), 0);
        // Hold ids pick different first partitions: every one ends on partition 2's pair.
        const out = await ledger.reserve(quantityOnly(eventId, `pair${round}`, 'v', 2, 0), 0);
        expect(out).toMatchObject({ status: 'ok', hold: { seats: [seats[13], seats[14]] } });
        // With no adjacent pair left anywhere, the next gets the first free seats of a partition.
        const scattered = await ledger.reserve(quantityOnly(eventId, `s${round}`, 'w', 2, 0), 0);
        expect(scattered.status).toBe('ok');
        const at = (scattered.status === 'ok' ? scattered.hold.seats! : []).map((s) => seats.indexOf(s));
        expect([
          [0, 2],
          [5, 7],
        ]).toContainEqual(at);
        expect(await ledger.check(eventId, await allHolds(ledger, ['f', `pair${round}`, `s${round}`], 0))).toEqual([]);
      }
    }, 60_000);

    it('a quantity-only hold larger than a partition spans partitions and gets a seat per unit', async () => {
      const { ledger, eventId } = await setup();
      await ledger.reserve(request(eventId, 'a', 'ada', ['A.1', 'B 9', 'C15'], 0), 0);
      const out = await ledger.reserve(quantityOnly(eventId, 'big', 'bob', 16, 0), 0);
      expect(out.status).toBe('ok');
      const seats = out.status === 'ok' ? out.hold.seats! : [];
      expect(new Set(seats).size).toBe(16);
      expect(seats).not.toContain('A.1');
      expect(seats).toEqual([...seats].sort((x, y) => SEATS.indexOf(x) - SEATS.indexOf(y)));
      expect((await ledger.sell('big', 'pay', 1))?.status).toBe('sold');
      expect(await ledger.returnUnits('big', 'r', 2, 1, seats.slice(5, 7))).toBe(true);
      expect(await ledger.check(eventId, await allHolds(ledger, ['a', 'big'], 1))).toEqual([]);
    }, 60_000);

    it(`${concurrency} concurrent holds race for overlapping seats: exactly one wins each seat, none is in two live holds`, async () => {
      const { ledger, eventId } = await setup({ perUserLimit: 8 });
      const random = seeded(21);
      const ids: string[] = [];
      const pairs = await Promise.all(
        [0, 1].map((k) =>
          ledger.reserve(request(eventId, `pair${k}`, `p${k}`, k === 0 ? ['A.1', '$A2'] : ['$A2', 'C12'], 0), 0),
        ),
      );
      expect(pairs.map((p) => p.status).sort()).toEqual(['ok', 'seat_taken']);
      expect(pairs.find((p) => p.status === 'seat_taken')).toEqual({ status: 'seat_taken', seats: ['$A2'] });
      ids.push('pair0', 'pair1');
      const outcomes = await Promise.all(
        Array.from({ length: concurrency }, async (_, i) => {
          const id = `h${i}`;
          ids.push(id);
          const now = Math.floor(random() * 3) * (TTL / 2);
          const named = random() < 0.6;
          const quantity = 1 + Math.floor(random() * 4);
          const seats = named
            ? [...new Set(Array.from({ length: quantity }, () => SEATS[Math.floor(random() * 20)]!))]
            : null;
          const out = await ledger.reserve(
            seats
              ? request(eventId, id, `u${i % 7}`, seats, now)
              : quantityOnly(eventId, id, `u${i % 7}`, quantity, now),
            now,
          );
          if (out.status === 'ok' && random() < 0.3) await ledger.release(id, now + 1);
          else if (out.status === 'ok' && random() < 0.5) await ledger.sell(id, `pay${i}`, now + 1);
          return out.status;
        }),
      );
      expect(outcomes).toContain('ok');
      expect(outcomes).toContain('seat_taken');
      const now = TTL + 2;
      const holds = await allHolds(ledger, ids, now);
      expect(owners(holds, now).twice).toEqual([]);
      expect(await ledger.check(eventId, holds)).toEqual([]);
      const sold = holds.filter((h) => h.status === 'sold').reduce((s, h) => s + h.quantity, 0);
      const live = holds.filter((h) => h.status === 'active' && h.expiresAt > now).reduce((s, h) => s + h.quantity, 0);
      expect(await ledger.counts(eventId, now)).toMatchObject({ sold, held: live, available: 20 - sold - live });
    }, 60_000);

    it('waitlist offers on a seated event get seats; seats reserved for the line are refused to the public', async () => {
      const { ledger, eventId } = await setup();
      await ledger.reserve(request(eventId, 'a', 'ada', SEATS.slice(0, 18), 0), 0);
      await ledger.reserve(request(eventId, 'b', 'bob', SEATS.slice(18), 0), 0);
      const w = await ledger.join({ eventId, userId: 'wu', quantity: 3 }, 1);
      await ledger.release('b', 2); // 2 seats free, the line wants 3: both reserved for it
      expect((await ledger.entry(eventId, w.id))?.status).toBe('waiting');
      expect(await ledger.reserve(request(eventId, 'pub', 'eve', ['D19'], 3), 3)).toMatchObject({ status: 'sold_out' });
      await ledger.returnUnits('a', 'nothing', 1, 3); // not sold: nothing happens
      await ledger.sell('a', 'pay-a', 3);
      expect(await ledger.returnUnits('a', 'ra', 1, 4, ['C14'])).toBe(true);
      const offer = (await ledger.entry(eventId, w.id))!;
      expect(offer.status).toBe('offered');
      const hold = (await ledger.getHold(offer.holdId!, 4))!;
      expect(hold.seats).toEqual(['C14', 'D19', 'hasOwnProperty']);
      expect((await ledger.sell(offer.holdId!, 'pay-w', 5))?.status).toBe('sold');
      expect(await ledger.counts(eventId, 5)).toMatchObject({ sold: 20, held: 0, pooled: 0, available: 0 });
      expect(await ledger.check(eventId, await allHolds(ledger, ['a', 'b', 'pub', offer.holdId!], 5))).toEqual([]);
    }, 60_000);

    // Crash injection: the backend throws before or after EACH call of the operation, then the
    // operation is retried, or nobody retries and the hold is read after the reserving timeout.
    for (const kind of ['named', 'quantity-only'] as const) {
      it(`a ${kind} seat hold over three partitions crashed at any step leaves no half-held seat after the next access`, async () => {
        let steps = 0;
        const seats = ['A%3', '4', '5', '__proto__', 'constructor', 'B\u00008', 'C12', 'C13'];
        for (let failAt = 1; ; failAt++) {
          let crashedAtAll = false;
          for (const mode of ['before', 'after'] as const) {
            for (const recovery of ['retry', 'abandon'] as const) {
              const { ledger, eventId, plan } = await setup({ perUserLimit: 19 });
              await ledger.reserve(request(eventId, 'other', 'bob', ['A.1', 'B 9', 'D16', 'D17'], 0), 0);
              const big = () =>
                ledger.reserve(
                  kind === 'named'
                    ? request(eventId, 'big', 'ada', seats, 0)
                    : quantityOnly(eventId, 'big', 'ada', 14, 0),
                  0,
                );
              Object.assign(plan, { armed: true, failAt, mode, calls: 0 });
              crashedAtAll ||= await big().then(
                () => false,
                () => true,
              );
              plan.armed = false;
              const now = recovery === 'retry' ? 1 : 5_000;
              if (recovery === 'retry') await big();
              const state = await ledger.getHold('big', now);
              const counts = await ledger.counts(eventId, now);
              const size = kind === 'named' ? seats.length : 14;
              expect(counts.held).toBe(4 + (state?.status === 'active' ? size : 0));
              if (state?.status === 'active') {
                expect(state.seats).toHaveLength(size);
                if (kind === 'named') expect(state.seats).toEqual(seats);
              }
              const holds = await allHolds(ledger, ['other', 'big'], now);
              expect(owners(holds, now).twice).toEqual([]);
              expect(await ledger.check(eventId, holds)).toEqual([]);
              // What the crash left is gone by expiry: every seat can be held again.
              const all = await ledger.reserve(request(eventId, 'all', 'cy', SEATS.slice(0, 19), TTL), TTL);
              expect(all.status).toBe('ok');
              expect(await ledger.check(eventId, await allHolds(ledger, ['other', 'big', 'all'], TTL))).toEqual([]);
            }
          }
          if (!crashedAtAll) break;
          steps = failAt;
        }
        expect(steps).toBeGreaterThanOrEqual(kind === 'named' ? 6 : 8);
      }, 120_000);
    }

    for (const crash of [false, true]) {
      it(`a named hold decided by another process mid-reservation leaves no seat behind${crash ? ', even when it crashes right after its late takes' : ''}`, async () => {
        const inner = makeBackend();
        let hook: (() => Promise<unknown>) | null = null;
        let crashOnActivate = false;
        // Before the second take of `big`, another process reads it past its reserving timeout
        // (rejects and settles it); the takes after that land late.
        const backend = new Proxy(inner, {
          get(target, property, receiver) {
            const value = Reflect.get(target, property, receiver);
            if (typeof value !== 'function') return value;
            return async (...args: unknown[]) => {
              if (property === 'take' && args[2] === 'big' && args[1] === 1 && hook) {
                const run = hook;
                hook = null;
                await run();
              }
              if (property === 'transitionHold' && args[0] === 'big' && crashOnActivate) {
                throw new Error('injected crash before activation');
              }
              return value.apply(target, args);
            };
          },
        });
        const ledger = new PartitionLedger(backend, { partitionSize: 5, reservingTimeoutMs: 5_000 });
        const other = new PartitionLedger(backend, { partitionSize: 5, reservingTimeoutMs: 5_000 });
        const eventId = `s${randomBytes(4).toString('hex')}`;
        const event = { eventId, capacity: SEATS.length, perUserLimit: 8, seats: SEATS };
        await ledger.createEvent(event);
        other.knowEvent(event);
        hook = async () => {
          expect((await other.getHold('big', 6_000))?.status).toBe('rejected');
          crashOnActivate = crash;
        };
        const seats = ['A.1', '__proto__', 'B 9', 'C12', 'D16'];
        const out = await ledger.reserve(request(eventId, 'big', 'ada', seats, 0), 0).catch((e: Error) => e);
        if (crash) expect(out).toBeInstanceOf(Error);
        else expect(out).toMatchObject({ status: 'not_live', hold: { status: 'rejected' } });
        crashOnActivate = false;
        // Freed at once by the call itself, or (after the crash) by read-time repair once the late entries' cached expiry passes.
        const later = crash ? TTL : 6_000;
        const again = await other.reserve(request(eventId, 'again', 'bob', SEATS.slice(0, 8), later), later);
        expect(again.status).toBe('ok');
        const more = await other.reserve(request(eventId, 'more', 'cy', SEATS.slice(8, 15), later), later);
        expect(more.status).toBe('ok');
        // ada's units were given back too: 5 more stay within her limit of 8.
        const ada = await other.reserve(request(eventId, 'ada2', 'ada', SEATS.slice(15), later), later);
        expect(ada.status).toBe('ok');
        expect(await other.check(eventId, await allHolds(other, ['big', 'again', 'more', 'ada2'], later))).toEqual([]);
      }, 60_000);
    }

    it('release and sale of a seat hold crashed at any step end settled, seats unmapped or kept, on the next access', async () => {
      for (const op of ['release', 'sell'] as const) {
        for (let failAt = 1; ; failAt++) {
          let crashedAtAll = false;
          for (const mode of ['before', 'after'] as const) {
            const { ledger, eventId, plan } = await setup({ perUserLimit: 20 });
            await ledger.reserve(request(eventId, 'big', 'ada', ['A.1', '__proto__', 'B.$10', 'C15', 'D16'], 0), 0);
            Object.assign(plan, { armed: true, failAt, mode, calls: 0 });
            const run = () => (op === 'release' ? ledger.release('big', 1) : ledger.sell('big', 'pay', 1));
            crashedAtAll ||= await run().then(
              () => false,
              () => true,
            );
            plan.armed = false;
            await run();
            const state = (await ledger.getHold('big', 2))!;
            expect(state).toMatchObject({ status: op === 'release' ? 'released' : 'sold', settled: true });
            expect(await ledger.check(eventId, [state])).toEqual([]);
            const again = await ledger.reserve(request(eventId, 'again', 'bob', ['__proto__', 'C15'], 2), 2);
            expect(again.status).toBe(op === 'release' ? 'ok' : 'seat_taken');
          }
          if (!crashedAtAll) break;
        }
      }
    }, 120_000);

    it('a seat return crashed at any step unmaps exactly its seats once', async () => {
      for (let failAt = 1; ; failAt++) {
        let crashedAtAll = false;
        for (const mode of ['before', 'after'] as const) {
          const { ledger, eventId, plan } = await setup({ perUserLimit: 10 });
          await ledger.reserve(request(eventId, 'a', 'ada', ['4', '5', '__proto__', 'C12', 'C13'], 0), 0);
          await ledger.sell('a', 'pay', 0);
          Object.assign(plan, { armed: true, failAt, mode, calls: 0 });
          crashedAtAll ||= await ledger.returnUnits('a', 'r', 3, 1, ['5', '__proto__', 'C13']).then(
            () => false,
            () => true,
          );
          plan.armed = false;
          expect(await ledger.returnUnits('a', 'r', 3, 2, ['5', '__proto__', 'C13'])).toBe(true);
          expect(await ledger.counts(eventId, 2)).toMatchObject({ sold: 2, held: 0, available: 18 });
          const back = await ledger.reserve(request(eventId, 'b', 'bob', ['4', '5', '__proto__', 'C13'], 2), 2);
          expect(back).toEqual({ status: 'seat_taken', seats: ['4'] });
          expect(await ledger.check(eventId, await allHolds(ledger, ['a', 'b'], 2))).toEqual([]);
        }
        if (!crashedAtAll) break;
      }
    }, 120_000);
  });
}

describeOnLedgerBackends(describeSeats, 'seats_ledger_');

describe('PartitionLedger seat input', () => {
  it('rejects a malformed seat map and malformed seat requests with InvalidArgumentError', async () => {
    const ledger = new PartitionLedger(memoryLedgerBackend(), { partitionSize: 2 });
    await expect(
      ledger.createEvent({ eventId: 'e', capacity: 3, perUserLimit: null, seats: ['a', 'b'] }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(
      ledger.createEvent({ eventId: 'e', capacity: 2, perUserLimit: null, seats: ['a', 'a'] }),
    ).rejects.toThrow(/seats\[1\]/);
    await expect(
      ledger.createEvent({ eventId: 'e', capacity: 2, perUserLimit: null, seats: ['a', ''] }),
    ).rejects.toThrow(/non-empty string/);
    await ledger.createEvent({ eventId: 'ga', capacity: 3, perUserLimit: null });
    await ledger.createEvent({ eventId: 'seated', capacity: 3, perUserLimit: null, seats: ['a', 'b', 'c'] });
    const base = { id: 'h', userId: 'u', expiresAt: 10 };
    for (const [eventId, quantity, seats] of [
      ['ga', 1, ['a']],
      ['seated', 2, ['a']],
      ['seated', 1, ['z']],
      ['seated', 2, ['a', 'a']],
    ] as const) {
      await expect(ledger.reserve({ ...base, eventId, quantity, seats }, 0)).rejects.toThrow(InvalidArgumentError);
    }
    // Nothing was written by the refused requests: the seats are all there.
    expect(await ledger.reserve({ ...base, eventId: 'seated', quantity: 3, seats: ['c', 'b', 'a'] }, 0)).toMatchObject({
      status: 'ok',
      hold: { seats: ['a', 'b', 'c'] },
    });
  });
});
