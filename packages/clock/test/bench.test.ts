import { expect, it, vi } from 'vitest';
import { main } from '../bench/clock-angle.bench.js';

it('bench/clock-angle.bench.ts runs in quick mode and prints the ratios', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const table = vi.spyOn(console, 'table').mockImplementation(() => {});
  try {
    await main({ quick: true });
    const lines = log.mock.calls.map((call) => String(call[0]));
    expect(lines.some((line) => /^ClockTime: naive is \d+\.\d\d× the speed of exact/.test(line))).toBe(true);
    expect(lines.some((line) => /^string: {4}naive is \d+\.\d\d× the speed of exact/.test(line))).toBe(true);
    expect(table).toHaveBeenCalledTimes(1);
  } finally {
    log.mockRestore();
    table.mockRestore();
  }
}, 30_000);
