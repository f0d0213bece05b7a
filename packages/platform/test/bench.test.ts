import { expect, it, vi } from 'vitest';
import { main } from '../bench/fleet-overhead.bench.js';

it('the fleet benchmark runs in quick mode and prints its figures', async () => {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.join(' '));
  });
  try {
    await main({ quick: true });
  } finally {
    log.mockRestore();
  }
  const text = lines.join('\n');
  expect(text).toMatch(/through the fleet\s+[\d.]+ µs\/request/);
  expect(text).toMatch(/fleet of 3 × 4\s+\d+ ms\s+[\d.]+× ideal\s+\(300 succeeded\)/);
});
