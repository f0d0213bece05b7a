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
