import fc from 'fast-check';
import { expect, it } from 'vitest';
import { ThroughputMeter } from '../src/throughput-meter.js';

it('is the plain average early on and follows a change of pace later', () => {
  const meter = new ThroughputMeter(0, 1000);
  expect(meter.perSecond).toBe(0);
  expect(meter.etaMs(10)).toBeNull();
  for (let t = 10; t <= 100; t += 10) meter.record(1, t); // 100 tasks/s
  expect(meter.perSecond).toBeCloseTo(100, 0);
  expect(meter.etaMs(50)).toBeCloseTo(500, -1);
  for (let t = 110; t <= 10_000; t += 10) meter.record(5, t); // now 500 tasks/s
  expect(meter.perSecond).toBeCloseTo(500, 0);
  expect(meter.etaMs(0)).toBe(0);
});

it('a steady rate is measured exactly, whatever the sampling (fast-check)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 50 }),
      fc.integer({ min: 1, max: 200 }),
      fc.integer({ min: 100, max: 20_000 }),
      (perStep, stepMs, tauMs) => {
        const meter = new ThroughputMeter(0, tauMs);
        for (let i = 1; i <= 200; i++) meter.record(perStep, i * stepMs);
        expect(meter.perSecond).toBeCloseTo((perStep * 1000) / stepMs, 6);
      },
    ),
  );
});
