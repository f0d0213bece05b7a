import { expect, it, vi } from 'vitest';
import { main as memory } from '../bench/memory.bench.js';
import { main as throughput } from '../bench/throughput.bench.js';

it('benchmarks run (quick sizes) and print their tables', async () => {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.join(' '));
  });
  try {
    await throughput({ quick: true });
    await memory({ quick: true });
  } finally {
    log.mockRestore();
  }
  expect(lines.some((line) => line.includes('| 2,000 | streamed'))).toBe(true);
  expect(lines.some((line) => line.includes('| @x/load-balancer |'))).toBe(true);
}, 30_000);
