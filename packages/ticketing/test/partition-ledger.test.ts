import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type LedgerBackend, PartitionLedger } from '../src/partition-ledger.js';
import { allHolds, crashingBackend, describeOnLedgerBackends } from './partition-ledger-fixtures.js';
import { interleaved, seeded } from './store-wrappers.js';

const TTL = 60_000;

function describeLedger(name: string, makeBackend: () => Promise<LedgerBackend> | LedgerBackend, concurrency = 64) {
  describe(`PartitionLedger on ${name}`, () => {
    async function setup(capacity: number, perUserLimit: number | null = null, partitionSize = 10) {
      const { backend, plan } = crashingBackend(await makeBackend());
      const ledger = new PartitionLedger(backend, { partitionSize, reservingTimeoutMs: 5_000 });
      const eventId = `e${randomBytes(4).toString('hex')}`;
      await ledger.createEvent({ eventId, capacity, perUserLimit });
      return { ledger, eventId, plan, backend };
    }
    const hold = (eventId: string, id: string, userId: string, quantity: number, now: number) => ({
      id,
      eventId,
      userId,
      quantity,
      expiresAt: now + TTL,
    });

    it('a hold takes units from one partition; release gives them back', async () => {
      const { ledger, eventId } = await setup(35);
      const out = await ledger.reserve(hold(eventId, 'h1', 'ada', 3, 0), 0);
      expect(out.status).toBe('ok');
      expect(out.status === 'ok' && out.hold.parts).toHaveLength(1);
      expect(await ledger.counts(eventId, 0)).toEqual({ capacity: 35, sold: 0, held: 3, pooled: 0, available: 32 });
      expect((await ledger.release('h1', 1))?.status).toBe('released');
      expect(await ledger.counts(eventId, 1)).toEqual({ capacity: 35, sold: 0, held: 0, pooled: 0, available: 35 });
      expect(await ledger.check(eventId, await allHolds(ledger, ['h1'], 1))).toEqual([]);
    });

    it('a hold larger than a partition spans partitions; all or nothing when short', async () => {
      const { ledger, eventId } = await setup(35);
      const big = await ledger.reserve(hold(eventId, 'big', 'ada', 25, 0), 0);
      expect(big.status).toBe('ok');
      expect(big.status === 'ok' && big.hold.parts.length).toBeGreaterThanOrEqual(3);
      const short = await ledger.reserve(hold(eventId, 'short', 'bob', 11, 0), 0);
      expect(short).toMatchObject({ status: 'sold_out', free: 10 });
      expect((await ledger.getHold('short', 0))?.status).toBe('rejected');
      expect(await ledger.counts(eventId, 0)).toMatchObject({ held: 25, available: 10 });
      expect(await ledger.check(eventId, await allHolds(ledger, ['big', 'short'], 0))).toEqual([]);
    });

    it('expiry is judged at read time: expired units are reserved again without a sweeper', async () => {
      const { ledger, eventId } = await setup(20);
      await ledger.reserve(hold(eventId, 'a', 'ada', 20, 0), 0);
      expect((await ledger.reserve(hold(eventId, 'b', 'bob', 1, 1), 1)).status).toBe('sold_out');
      expect(await ledger.counts(eventId, TTL)).toMatchObject({ held: 0, available: 20 });
      expect((await ledger.reserve(hold(eventId, 'c', 'cy', 15, TTL), TTL)).status).toBe('ok');
      expect((await ledger.getHold('a', TTL))?.status).toBe('expired');
      expect(await ledger.check(eventId, await allHolds(ledger, ['a', 'b', 'c'], TTL))).toEqual([]);
    });

    it('an extended hold survives the repair that looks at its stale cached expiry', async () => {
      const { ledger, eventId } = await setup(10);
      await ledger.reserve(hold(eventId, 'a', 'ada', 10, 0), 0);
      expect((await ledger.extend('a', TTL + 1, TTL - 1))?.expiresAt).toBe(TTL * 2);
      expect((await ledger.reserve(hold(eventId, 'b', 'bob', 1, TTL), TTL)).status).toBe('sold_out');
      expect((await ledger.getHold('a', TTL))?.status).toBe('active');
      expect(await ledger.extend('a', TTL, TTL * 2)).toBeUndefined(); // no longer live at 2 TTL
    });

    it('selling: once per hold, idempotent per payment, never after expiry', async () => {
      const { ledger, eventId } = await setup(30);
      await ledger.reserve(hold(eventId, 'a', 'ada', 12, 0), 0);
      await ledger.reserve(hold(eventId, 'b', 'bob', 2, 0), 0);
      expect((await ledger.sell('a', 'p1', 1))?.status).toBe('sold');
      expect((await ledger.sell('a', 'p1', 2))?.status).toBe('sold');
      expect((await ledger.sell('a', 'p2', 2))?.status).toBe('already_paid');
      expect((await ledger.sell('b', 'p3', TTL))?.status).toBe('not_live');
      expect(await ledger.counts(eventId, TTL)).toEqual({ capacity: 30, sold: 12, held: 0, pooled: 0, available: 18 });
      expect(await ledger.check(eventId, await allHolds(ledger, ['a', 'b'], TTL))).toEqual([]);
    });

    it('per-user limit: a conditional counter; expired holds give their units back', async () => {
      const { ledger, eventId } = await setup(100, 4);
      expect((await ledger.reserve(hold(eventId, 'a', 'ada', 3, 0), 0)).status).toBe('ok');
      expect((await ledger.reserve(hold(eventId, 'b', 'ada', 2, 0), 0)).status).toBe('per_user_limit');
      expect((await ledger.reserve(hold(eventId, 'c', 'ada', 1, 0), 0)).status).toBe('ok');
      expect((await ledger.reserve(hold(eventId, 'd', 'ada', 4, TTL), TTL)).status).toBe('ok');
      expect(await ledger.check(eventId, await allHolds(ledger, ['a', 'b', 'c', 'd'], TTL))).toEqual([]);
    });

    it(`${concurrency} concurrent holds, releases and sales over 10 partitions never oversell or break a per-user limit`, async () => {
      const { ledger, eventId } = await setup(100, 6);
      const random = seeded(7);
      const ids: string[] = [];
      const ops = Array.from({ length: concurrency }, async (_, i) => {
        const id = `h${i}`;
        ids.push(id);
        const quantity = 1 + Math.floor(random() * 14);
        const out = await ledger.reserve(hold(eventId, id, `u${i % 9}`, quantity, 0), 0);
        if (out.status !== 'ok') return;
        if (random() < 0.3) await ledger.release(id, 1);
        else if (random() < 0.5) await ledger.sell(id, `p${i}`, 1);
      });
      await Promise.all(ops);
      const holds = await allHolds(ledger, ids, 1);
      expect(await ledger.check(eventId, holds)).toEqual([]);
      const counts = await ledger.counts(eventId, 1);
      const live = holds.filter((h) => h.status === 'active').reduce((s, h) => s + h.quantity, 0);
      const sold = holds.filter((h) => h.status === 'sold').reduce((s, h) => s + h.quantity, 0);
      expect(counts).toEqual({ capacity: 100, sold, held: live, pooled: 0, available: 100 - sold - live });
      const perUser = new Map<string, number>();
      for (const h of holds.filter((x) => x.status === 'active' || x.status === 'sold')) {
        perUser.set(h.userId, (perUser.get(h.userId) ?? 0) + h.quantity);
      }
      for (const units of perUser.values()) expect(units).toBeLessThanOrEqual(6);
    });

    it('two servers reserving one hold id at once (a retried idempotency key; two pumps serving one offer), every backend call interleaved: the hold ends with exactly its units, whatever the other call took is freed', async () => {
      const runs = concurrency >= 400 ? 300 : 60;
      for (let seed = 1; seed <= runs; seed++) {
        const random = seeded(seed);
        const backend = interleaved(await makeBackend(), random);
        const [a, b] = [0, 1].map(() => new PartitionLedger(backend, { partitionSize: 3, reservingTimeoutMs: 5_000 }));
        const event = { eventId: `e${seed}_${randomBytes(3).toString('hex')}`, capacity: 30, perUserLimit: 10 };
        await a!.createEvent(event);
        b!.knowEvent(event);
        const { eventId } = event;
        // Partitions partly taken, so the two calls' first guesses and plans can differ.
        const ids: string[] = [];
        for (let i = 0; i < 6; i++) {
          ids.push(`f${i}`);
          await a!.reserve(hold(eventId, `f${i}`, `u${i}`, 1 + Math.floor(random() * 3), 0), 0);
        }
        const quantity = 1 + Math.floor(random() * 7);
        const [x, y] = await Promise.all(
          [a!, b!].map((ledger) => ledger.reserve(hold(eventId, 'x', 'ada', quantity, 0), 0)),
        );
        ids.push('x');
        const context = { seed, quantity, a: x!.status, b: y!.status };
        const holds = await allHolds(a!, ids, 0);
        expect({ ...context, problems: await a!.check(eventId, holds) }).toEqual({ ...context, problems: [] });
        const live = holds.filter((h) => h.status === 'active').reduce((s, h) => s + h.quantity, 0);
        expect({ ...context, counts: await a!.counts(eventId, 0) }).toEqual({
          ...context,
          counts: { capacity: 30, sold: 0, held: live, pooled: 0, available: 30 - live },
        });
        // Sold or released, every unit is accounted for.
        if (random() < 0.5) await b!.sell('x', 'pay', 1);
        for (const id of ids) await a!.release(id, 1);
        const after = await allHolds(a!, ids, 1);
        const sold = after.filter((h) => h.status === 'sold').reduce((s, h) => s + h.quantity, 0);
        expect({ ...context, problems: await a!.check(eventId, after) }).toEqual({ ...context, problems: [] });
        expect({ ...context, counts: await a!.counts(eventId, 1) }).toEqual({
          ...context,
          counts: { capacity: 30, sold, held: 0, pooled: 0, available: 30 - sold },
        });
      }
    }, 120_000);

    it('one of two calls reserving one hold id crashes at any step (fault mix with interleaving): the sweep after expiry frees whatever it left, the event ends whole', async () => {
      const seeds = concurrency >= 400 ? 100 : 10;
      let crashes = 0;
      for (let seed = 1; seed <= seeds; seed++) {
        for (let failAt = 1; ; failAt++) {
          const random = seeded(seed * 31 + failAt);
          const shared = interleaved(await makeBackend(), random);
          const { backend: crashing, plan } = crashingBackend(shared);
          const a = new PartitionLedger(shared, { partitionSize: 3, reservingTimeoutMs: 5_000 });
          const b = new PartitionLedger(crashing, { partitionSize: 3, reservingTimeoutMs: 5_000 });
          const event = {
            eventId: `e${seed}_${failAt}_${randomBytes(3).toString('hex')}`,
            capacity: 30,
            perUserLimit: 10,
          };
          await a.createEvent(event);
          b.knowEvent(event);
          const { eventId } = event;
          const ids = ['x'];
          for (let i = 0; i < 5; i++) {
            ids.push(`f${i}`);
            await a.reserve(hold(eventId, `f${i}`, `u${i}`, 1 + Math.floor(random() * 3), 0), 0);
          }
          const quantity = 2 + Math.floor(random() * 6);
          Object.assign(plan, { armed: true, failAt, mode: random() < 0.5 ? 'before' : 'after', calls: 0 });
          const [, crashed] = await Promise.all([
            a.reserve(hold(eventId, 'x', 'ada', quantity, 0), 0),
            b.reserve(hold(eventId, 'x', 'ada', quantity, 0), 0).then(
              () => false,
              () => true,
            ),
          ]);
          plan.armed = false;
          if (!crashed) break;
          crashes++;
          const context = { seed, failAt, quantity };
          // Whatever was live is expired now; the sweep settles it and frees any stray.
          const expired = await a.expireDue(eventId, TTL);
          for (const h of expired) expect(h.status).toBe('expired');
          const holds = await allHolds(a, ids, TTL);
          expect({ ...context, problems: await a.check(eventId, holds) }).toEqual({ ...context, problems: [] });
          expect({ ...context, counts: await a.counts(eventId, TTL) }).toEqual({
            ...context,
            counts: { capacity: 30, sold: 0, held: 0, pooled: 0, available: 30 },
          });
        }
      }
      expect(crashes).toBeGreaterThan(seeds * 5);
    }, 120_000);

    it('waitlist: FIFO offers from freed units, a notice per offer, the line moves on when an offer expires', async () => {
      const { ledger, eventId } = await setup(10, null, 4);
      await ledger.reserve(hold(eventId, 'a', 'ada', 10, 0), 0);
      const b = await ledger.join({ eventId, userId: 'bob', quantity: 3 }, 1);
      const c = await ledger.join({ eventId, userId: 'cy', quantity: 2 }, 2);
      const d = await ledger.join({ eventId, userId: 'dee', quantity: 6 }, 3);
      expect([b.seq, c.seq, d.seq]).toEqual([1, 2, 3]);
      expect((await ledger.join({ eventId, userId: 'bob', quantity: 3 }, 4)).seq).toBe(1); // idempotent per user
      await ledger.release('a', 5);
      const offered = await Promise.all([b, c, d].map((e) => ledger.entry(eventId, e.id)));
      expect(offered.map((e) => e?.status)).toEqual(['offered', 'offered', 'waiting']);
      // The 5 units left wait for dee (who wants 6): reserved ahead of the public.
      expect(await ledger.counts(eventId, 5)).toMatchObject({ held: 5, pooled: 5, available: 0 });
      expect((await ledger.reserve(hold(eventId, 'pub', 'eve', 1, 6), 6)).status).toBe('sold_out');
      const notices = await ledger.pendingNotices(10);
      expect(notices.map((n) => [n.userId, n.quantity])).toEqual([
        ['bob', 3],
        ['cy', 2],
      ]);
      // cy's offer expires unused: its 2 units join the pool, which now covers dee's 6.
      const later = 5 + 900_000;
      await ledger.getHold(offered[1]!.holdId!, later);
      expect((await ledger.entry(eventId, c.id))?.status).toBe('expired');
      expect((await ledger.entry(eventId, d.id))?.status).toBe('offered');
      expect((await ledger.pendingNotices(10)).map((n) => n.userId)).toContain('dee');
      await ledger.getHold(offered[0]!.holdId!, later); // bob's offer expired too: nobody waits, back to the public
      const counts = await ledger.counts(eventId, later);
      expect(counts).toMatchObject({ held: 6, pooled: 0, available: 4 });
      const holds = await allHolds(ledger, ['a', 'pub', offered[0]!.holdId!, offered[1]!.holdId!], later);
      const dee = (await ledger.entry(eventId, d.id))!;
      holds.push((await ledger.getHold(dee.holdId!, later))!);
      expect(await ledger.check(eventId, holds)).toEqual([]);
    });

    it('waitlist: 40 calls serving one line at once in one process (late payments, sweeps) share one pass: each offer is reserved once, no call returns before the line is served', async () => {
      for (const seed of [1, 2, 3]) {
        const inner = await makeBackend();
        const calls = new Map<string, number>();
        const counted = new Proxy(inner, {
          get(target, property, receiver) {
            const value = Reflect.get(target, property, receiver);
            if (typeof value !== 'function') return value;
            return (...args: unknown[]) => {
              calls.set(String(property), (calls.get(String(property)) ?? 0) + 1);
              return value.apply(target, args);
            };
          },
        });
        // every backend call yields to the other calls, as a network round trip does
        let offers = 0;
        const ledger = new PartitionLedger(interleaved(counted, seeded(seed)), {
          partitionSize: 4,
          observer: { offered: () => offers++ },
        });
        const eventId = `e${randomBytes(4).toString('hex')}`;
        await ledger.createEvent({ eventId, capacity: 12, perUserLimit: null });
        await ledger.reserve(hold(eventId, 'a', 'ada', 12, 0), 0);
        const entries = [];
        for (let i = 0; i < 12; i++) entries.push(await ledger.join({ eventId, userId: `u${i}`, quantity: 1 }, 1));
        // ada's hold expires; the call that settles it crashes before serving the line (another
        // process, whose backend fails when its pump reads the queue), so the 12 units wait
        let queueReads = 0;
        const crashing = new Proxy(inner, {
          get(target, property, receiver) {
            if (property === 'readQueue' && ++queueReads > 1) {
              return () => Promise.reject(new Error('injected crash before readQueue'));
            }
            const value = Reflect.get(target, property, receiver);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
        const other = new PartitionLedger(crashing, { partitionSize: 4 });
        other.knowEvent({ eventId, capacity: 12, perUserLimit: null });
        await expect(other.getHold('a', TTL + 1)).rejects.toThrow('injected crash');
        calls.clear();
        // 40 calls (late payments, sweeps) each serve the same line
        const offersWhenReturned: number[] = [];
        await Promise.all(
          Array.from({ length: 40 }, () => ledger.pump(eventId, TTL + 1).then(() => offersWhenReturned.push(offers))),
        );
        // no call returns before the line is served (a call that joins a running pass waits for it)
        expect(offersWhenReturned).toEqual(Array.from({ length: 40 }, () => 12));
        const after = await Promise.all(entries.map((e) => ledger.entry(eventId, e.id)));
        expect(after.map((e) => e?.status)).toEqual(entries.map(() => 'offered'));
        // one reservation per offer (the herd made each pump repeat every offer's steps)
        expect(calls.get('insertHold')).toBe(12);
        expect(calls.get('insertNotice')).toBe(12);
        expect((await ledger.pendingNotices(20)).map((n) => n.userId).sort()).toEqual(
          entries.map((e) => e.userId).sort(),
        );
        const holds = await allHolds(ledger, ['a', ...after.map((e) => e!.holdId!)], TTL + 1);
        expect(await ledger.check(eventId, holds)).toEqual([]);
      }
    });

    it('waitlist: an offer beyond the per-user limit is skipped; a sold offer marks the entry purchased', async () => {
      const { ledger, eventId } = await setup(4, 2, 4);
      await ledger.reserve(hold(eventId, 'a', 'ada', 2, 0), 0);
      await ledger.reserve(hold(eventId, 'b', 'bob', 2, 0), 0);
      const ada = await ledger.join({ eventId, userId: 'ada', quantity: 1 }, 1); // would make 3 > 2
      const cy = await ledger.join({ eventId, userId: 'cy', quantity: 2 }, 1);
      await ledger.release('b', 2);
      expect((await ledger.entry(eventId, ada.id))?.status).toBe('skipped');
      const offer = (await ledger.entry(eventId, cy.id))!;
      expect(offer.status).toBe('offered');
      expect((await ledger.sell(offer.holdId!, 'p1', 3))?.status).toBe('sold');
      expect((await ledger.entry(eventId, cy.id))?.status).toBe('purchased');
      expect(await ledger.counts(eventId, 3)).toMatchObject({ sold: 2, held: 2, pooled: 0, available: 0 });
    });

    it('waitlist: a release whose offer-making crashed at any step ends with exactly one offer and its notice', async () => {
      for (let failAt = 1; ; failAt++) {
        let crashedAtAll = false;
        for (const mode of ['before', 'after'] as const) {
          const { ledger, eventId, plan } = await setup(8, null, 4);
          await ledger.reserve(hold(eventId, 'a', 'ada', 6, 0), 0);
          await ledger.reserve(hold(eventId, 'b', 'bob', 2, 0), 0);
          const w1 = await ledger.join({ eventId, userId: 'w1', quantity: 5 }, 1);
          const w2 = await ledger.join({ eventId, userId: 'w2', quantity: 1 }, 1);
          Object.assign(plan, { armed: true, failAt, mode, calls: 0 });
          crashedAtAll ||= await ledger.release('a', 2).then(
            () => false,
            () => true,
          );
          plan.armed = false;
          await ledger.release('a', 3); // the next access (a retried release) finishes the work
          await ledger.pump(eventId, 3);
          const entries = [(await ledger.entry(eventId, w1.id))!, (await ledger.entry(eventId, w2.id))!];
          expect(entries.map((e) => e.status)).toEqual(['offered', 'offered']);
          const notices = await ledger.pendingNotices(10);
          expect(notices.map((n) => n.userId)).toEqual(['w1', 'w2']);
          expect(notices.map((n) => n.holdId)).toEqual(entries.map((e) => e.holdId));
          const ids = ['a', 'b', ...entries.map((e) => e.holdId!)];
          for (let attempt = 1; attempt <= entries[0]!.attempt; attempt++) ids.push(`o_${w1.id}_${attempt}`);
          expect(await ledger.counts(eventId, 3)).toMatchObject({ held: 8, pooled: 0, available: 0 });
          expect(await ledger.check(eventId, await allHolds(ledger, new Set(ids), 3))).toEqual([]);
        }
        if (!crashedAtAll) break;
      }
    }, 120_000);

    it('a return crashed at any step gives the units back exactly once (to the waitlist first)', async () => {
      for (let failAt = 1; ; failAt++) {
        let crashedAtAll = false;
        for (const mode of ['before', 'after'] as const) {
          const { ledger, eventId, plan } = await setup(12, 10, 4);
          await ledger.reserve(hold(eventId, 'a', 'ada', 6, 0), 0);
          await ledger.reserve(hold(eventId, 'b', 'bob', 6, 0), 0);
          await ledger.sell('a', 'pa', 1);
          const w = await ledger.join({ eventId, userId: 'w', quantity: 2 }, 1);
          Object.assign(plan, { armed: true, failAt, mode, calls: 0 });
          crashedAtAll ||= await ledger.returnUnits('a', 'r1', 5, 2).then(
            () => false,
            () => true,
          );
          plan.armed = false;
          expect(await ledger.returnUnits('a', 'r1', 5, 3)).toBe(true); // the retry
          expect(await ledger.returnUnits('a', 'r1', 5, 3)).toBe(true); // and a duplicate
          const offer = (await ledger.entry(eventId, w.id))!;
          expect(offer.status).toBe('offered');
          // 1 sold, 6 held by bob, 2 offered to w, 3 back to the public once nobody waits
          expect(await ledger.counts(eventId, 3)).toMatchObject({ sold: 1, held: 8, pooled: 0, available: 3 });
          const holds = await allHolds(ledger, ['a', 'b', offer.holdId!], 3);
          expect(await ledger.check(eventId, holds)).toEqual([]);
          // ada may buy again up to the limit: 1 kept + 9 = 10
          expect((await ledger.reserve(hold(eventId, 'a2', 'ada', 3, 3), 3)).status).toBe('ok');
        }
        if (!crashedAtAll) break;
      }
    }, 120_000);

    // Crash injection: the backend throws before or after EACH call of the operation, then the
    // operation is retried, or nobody retries and the hold is read after the reserving timeout.
    it('a multi-partition hold crashed at any step is either completed by a retry or fully released', async () => {
      let steps = 0;
      for (let failAt = 1; ; failAt++) {
        let crashedAtAll = false;
        for (const mode of ['before', 'after'] as const) {
          for (const recovery of ['retry', 'abandon'] as const) {
            const { ledger, eventId, plan } = await setup(35, 30);
            await ledger.reserve(hold(eventId, 'other', 'bob', 6, 0), 0);
            Object.assign(plan, { armed: true, failAt, mode, calls: 0 });
            const crashed = await ledger.reserve(hold(eventId, 'big', 'ada', 25, 0), 0).then(
              () => false,
              () => true,
            );
            plan.armed = false;
            crashedAtAll ||= crashed;
            if (recovery === 'retry') {
              const out = await ledger.reserve(hold(eventId, 'big', 'ada', 25, 0), 1);
              const state = (await ledger.getHold('big', 1))!;
              // Completed, or (when the crash came after the rejection was decided) fully released.
              expect(out.status === 'ok' ? state.status : 'released-or-rejected').toMatch(
                /active|released-or-rejected/,
              );
              const counts = await ledger.counts(eventId, 1);
              expect(counts.held).toBe(6 + (state.status === 'active' ? 25 : 0));
            } else {
              // Crashed before the hold document was written: there is nothing to release.
              const state = await ledger.getHold('big', 5_000);
              expect(['active', 'rejected', undefined]).toContain(state?.status);
              const counts = await ledger.counts(eventId, 5_000);
              expect(counts.held).toBe(6 + (state?.status === 'active' ? 25 : 0));
            }
            const now = recovery === 'retry' ? 1 : 5_000;
            expect(await ledger.check(eventId, await allHolds(ledger, ['other', 'big'], now))).toEqual([]);
            // Everything left over is released by expiry: the event ends whole.
            await ledger.getHold('big', TTL);
            await ledger.getHold('other', TTL);
            expect(await ledger.counts(eventId, TTL)).toEqual({
              capacity: 35,
              sold: 0,
              held: 0,
              pooled: 0,
              available: 35,
            });
            expect(await ledger.check(eventId, await allHolds(ledger, ['other', 'big'], TTL))).toEqual([]);
          }
        }
        if (!crashedAtAll) break;
        steps = failAt;
      }
      expect(steps).toBeGreaterThanOrEqual(8); // insert, user, counters, (parts, take) × 3, activate
    }, 120_000);

    it('release and sale crashed at any step end settled on the next access', async () => {
      for (const op of ['release', 'sell'] as const) {
        for (let failAt = 1; ; failAt++) {
          let crashedAtAll = false;
          for (const mode of ['before', 'after'] as const) {
            const { ledger, eventId, plan } = await setup(35, 30);
            await ledger.reserve(hold(eventId, 'big', 'ada', 25, 0), 0);
            Object.assign(plan, { armed: true, failAt, mode, calls: 0 });
            const run = () => (op === 'release' ? ledger.release('big', 1) : ledger.sell('big', 'pay', 1));
            crashedAtAll ||= await run().then(
              () => false,
              () => true,
            );
            plan.armed = false;
            await run(); // the retry (a duplicate confirmation, a repeated release)
            const state = (await ledger.getHold('big', 2))!;
            expect(state.status).toBe(op === 'release' ? 'released' : 'sold');
            expect(state.settled).toBe(true);
            expect(await ledger.counts(eventId, 2)).toMatchObject({ held: 0, sold: op === 'sell' ? 25 : 0 });
            expect(await ledger.check(eventId, [state])).toEqual([]);
          }
          if (!crashedAtAll) break;
        }
      }
    }, 120_000);
  });
}

describeOnLedgerBackends(describeLedger, 'x_ticketing_ledger_');
