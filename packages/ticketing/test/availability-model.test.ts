import fc from 'fast-check';
import { expect, it } from 'vitest';
import { createTicketing, type Hold, SoldOutError } from '../src/index.js';
import { ManualClock } from './fixtures.js';

const command = fc.oneof(
  fc.record({
    kind: fc.constant('hold' as const),
    user: fc.integer({ min: 0, max: 5 }),
    quantity: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({ kind: fc.constant('release' as const), index: fc.nat() }),
  fc.record({ kind: fc.constant('begin' as const), index: fc.nat() }),
  fc.record({ kind: fc.constant('confirm' as const), index: fc.nat() }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 700 }) }),
);

it('property: availability matches a simple model of live holds (expiry judged at read time, no sweeper)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 8 }),
      fc.array(command, { maxLength: 60 }),
      async (capacity, commands) => {
        const clock = new ManualClock(0);
        const tix = createTicketing({ clock, holdTtlMs: 1_000, paymentGraceMs: 500, latePaymentPolicy: 'refund' });
        await tix.createEvent({ id: 'e', name: 'E', capacity });
        // The model: every hold with its expiry and fate.
        const model: {
          hold: Hold;
          expiresAt: number;
          state: 'live' | 'released' | 'sold' | 'refunded';
          extended: boolean;
        }[] = [];
        const liveUnits = () =>
          model.filter((m) => m.state === 'live' && m.expiresAt > clock.time).reduce((s, m) => s + m.hold.quantity, 0);
        const soldUnits = () => model.filter((m) => m.state === 'sold').reduce((s, m) => s + m.hold.quantity, 0);
        let payments = 0;
        for (const c of commands) {
          if (c.kind === 'advance') clock.advance(c.ms);
          else if (c.kind === 'hold') {
            const free = capacity - soldUnits() - liveUnits();
            try {
              const hold = await tix.hold({
                eventId: 'e',
                userId: `u${c.user}`,
                quantity: Math.min(c.quantity, capacity),
              });
              expect(free).toBeGreaterThanOrEqual(hold.quantity);
              model.push({ hold, expiresAt: hold.expiresAt, state: 'live', extended: false });
            } catch (error) {
              expect(error).toBeInstanceOf(SoldOutError);
              expect(free).toBeLessThan(Math.min(c.quantity, capacity));
            }
          } else if (model.length > 0) {
            const m = model[c.index % model.length]!;
            const live = m.state === 'live' && m.expiresAt > clock.time;
            if (c.kind === 'release') {
              await tix.releaseHold(m.hold.id).catch(() => undefined);
              if (live) m.state = 'released';
            } else if (c.kind === 'begin') {
              const result = await tix.beginPayment(m.hold.id).catch(() => null);
              expect(result !== null).toBe(live);
              if (live && !m.extended) {
                m.extended = true;
                m.expiresAt = Math.max(m.expiresAt, clock.time + 500);
              }
              if (result) expect(result.expiresAt).toBe(m.expiresAt);
            } else {
              const result = await tix.confirmPayment({ holdId: m.hold.id, paymentId: `p${++payments}`, amount: 1 });
              if (m.state === 'sold')
                expect(result).toMatchObject({ outcome: 'refunded', reason: 'hold_already_paid' });
              else if (m.state === 'refunded') expect(result.outcome).toBe('refunded');
              else {
                expect(result.outcome).toBe(live ? 'issued' : 'refunded');
                m.state = live ? 'sold' : 'refunded';
              }
            }
          }
          const a = await tix.availability('e');
          expect(a.sold).toBe(soldUnits());
          expect(a.held).toBe(liveUnits());
          expect(a.available).toBe(capacity - soldUnits() - liveUnits());
        }
      },
    ),
    { numRuns: 150 },
  );
});
