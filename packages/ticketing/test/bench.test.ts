import { expect, it, vi } from 'vitest';
import { main } from '../bench/ticketing.bench.js';

it('the benchmark runs (quick) and prints its table', async () => {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    lines.push(String(line));
  });
  try {
    await main({ quick: true });
  } finally {
    spy.mockRestore();
  }
  const out = lines.join('\n');
  expect(out).toMatch(/\| holds \(5,000 requests/);
  expect(out).toMatch(/\| confirmed purchases \(2,000 holds/);
  expect(out).toMatch(/0 violations, final ok/);
  expect(out).toMatch(
    /memory \(memoryStore, retention .*heap after GC at 10k: \d+ MB, 20k: \d+ MB, 30k: \d+ MB, 40k: \d+ MB/,
  );
}, 60_000);
