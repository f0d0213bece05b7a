import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFlashSaleReport, InvalidArgumentError, memoryStore, simulateFlashSale } from '../src/index.js';
import { roundTripStore } from './store-wrappers.js';

/** Any small sale: seeds, sizes, rates, seats or not, with or without the sweeper. */
const saleOptions = {
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  capacity: fc.integer({ min: 1, max: 40 }),
  buyers: fc.integer({ min: 1, max: 250 }),
  paymentFailureRate: fc.double({ min: 0, max: 1, noNaN: true }),
  abandonRate: fc.double({ min: 0, max: 1, noNaN: true }),
  returnRate: fc.double({ min: 0, max: 0.5, noNaN: true }),
  lateConfirmRate: fc.double({ min: 0, max: 0.5, noNaN: true }),
  seated: fc.boolean(),
  sweepIntervalMs: fc.constantFrom(0, 5_000),
  holdTtlMs: fc.integer({ min: 2_000, max: 60_000 }),
};

describe('simulateFlashSale', () => {
  it('is deterministic for a seed (every count; only timings differ)', async () => {
    const options = {
      capacity: 100,
      buyers: 2_000,
      holdTtlMs: 30_000,
      paymentFailureRate: 0.1,
      abandonRate: 0.2,
      seed: 42,
    };
    const a = await simulateFlashSale(options);
    const b = await simulateFlashSale(options);
    const counts = (r: typeof a) => {
      const { wallMs, throughput, holdLatencyMs, ...rest } = r;
      return rest;
    };
    expect(counts(b)).toEqual(counts(a));
    const c = await simulateFlashSale({ ...options, seed: 43 });
    expect(counts(c)).not.toEqual(counts(a));
  }, 30_000);

  it('a store whose calls take real round trips (over the wire) keeps virtual time: with every buyer paying in time, no hold expires and nothing is refunded', async () => {
    for (const layout of ['inventory', 'partitioned'] as const) {
      const report = await simulateFlashSale({
        capacity: 60,
        buyers: 400,
        holdTtlMs: 30_000,
        abandonRate: 0,
        lateConfirmRate: 0,
        paymentFailureRate: 0,
        returnRate: 0.1,
        seed: 8,
        store: roundTripStore(memoryStore(layout === 'inventory' ? {} : { layout, partitionSize: 8 }), 20),
      });
      // an operation that saw the clock move on while its round trips ran would find its hold expired
      expect({ layout, expired: report.expiredHolds, refunded: report.refunded }).toEqual({
        layout,
        expired: 0,
        refunded: 0,
      });
      expect(report.sold).toBe(60);
      expect(report.invariants.final.ok).toBe(true);
    }
  }, 30_000);

  it('reports sales, refunds, expiries, waitlist offers, oversold = 0 and the invariant checks', async () => {
    const report = await simulateFlashSale({
      capacity: 200,
      buyers: 4_000,
      holdTtlMs: 60_000,
      paymentFailureRate: 0.1,
      abandonRate: 0.2,
      seed: 5,
    });
    expect(report.oversold).toBe(0);
    expect(report.sold).toBeGreaterThan(150);
    expect(report.sold).toBeLessThanOrEqual(200);
    expect(report.finalAvailable).toBe(report.expectedAvailable);
    expect(report.expiredHolds).toBeGreaterThan(0);
    expect(report.waitlist.offers).toBeGreaterThan(0);
    expect(report.invariants.violations).toEqual([]);
    expect(report.invariants.final.ok).toBe(true);
    expect(report.invariants.final.checks.map((c) => c.name)).toEqual([
      'capacity',
      'seats',
      'per_user_limit',
      'payments',
      'orders',
      'waitlist_order',
      'settled',
    ]);
    expect(report.invariants.continuousChecks).toBe(report.steps);
    expect(report.throughput.operationsPerSecond).toBeGreaterThan(0);
    expect(report.holdLatencyMs.p99).toBeGreaterThanOrEqual(report.holdLatencyMs.p50);
    const text = formatFlashSaleReport(report);
    expect(text).toContain(`flash sale: 4,000 buyers, 200 tickets, seed 5`);
    expect(text).toContain('oversold 0;');
    expect(text).toMatch(/ok {3}capacity {8}sold \d+ \+ held 0 \+ offered 0/);
    expect(text.split('\n').filter((line) => line.includes('FAIL'))).toEqual([]);
  }, 30_000);

  it('property: any seed and rates, with or without the sweeper, keep every invariant', async () => {
    await fc.assert(
      fc.asyncProperty(fc.record(saleOptions), async (options) => {
        const report = await simulateFlashSale({ ...options, fullCheckEvery: 10 });
        expect(report.invariants.violations).toEqual([]);
        expect(report.oversold).toBe(0);
        expect(report.finalAvailable).toBe(options.capacity - report.sold);
      }),
      { numRuns: 40 },
    );
  }, 60_000);

  it('property, partitioned layout (small partitions, so holds span them): any seed and rates keep every invariant', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          ...saleOptions,
          duplicateConfirmRate: fc.double({ min: 0, max: 0.5, noNaN: true }),
          waitlistRate: fc.double({ min: 0, max: 1, noNaN: true }),
          partitionSize: fc.integer({ min: 1, max: 8 }),
        }),
        async ({ partitionSize, ...options }) => {
          const store = memoryStore({ layout: 'partitioned', partitionSize });
          const report = await simulateFlashSale({ ...options, store, fullCheckEvery: 10 });
          expect(report.invariants.violations).toEqual([]);
          expect(report.invariants.final.checks.filter((c) => !c.ok)).toEqual([]);
          expect(report.oversold).toBe(0);
          expect(report.finalAvailable).toBe(options.capacity - report.sold);
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);

  it('capacityCheckEvery spaces the per-step capacity check', async () => {
    const report = await simulateFlashSale({ capacity: 50, buyers: 1_000, seed: 3, capacityCheckEvery: 10 });
    expect(report.invariants.continuousChecks).toBe(Math.floor(report.steps / 10));
    expect(report.invariants.violations).toEqual([]);
    expect(report.oversold).toBe(0);
    await expect(simulateFlashSale({ capacity: 1, buyers: 1, capacityCheckEvery: 0 })).rejects.toThrow(
      'Expected `capacityCheckEvery` to be an integer from 1 and up, got `0` (number)',
    );
  });

  it('rejects bad options', async () => {
    await expect(simulateFlashSale({ capacity: 0, buyers: 1 })).rejects.toThrow(
      'Expected `capacity` to be an integer from 1 and up, got `0` (number)',
    );
    await expect(simulateFlashSale({ capacity: 1, buyers: 1, abandonRate: 2 })).rejects.toThrow(InvalidArgumentError);
    await expect(simulateFlashSale({ capacity: 1, buyers: 1, abandonRate: 2 })).rejects.toThrow(
      'Expected `abandonRate` to be a number from 0 to 1, got `2` (number)',
    );
  });
});
