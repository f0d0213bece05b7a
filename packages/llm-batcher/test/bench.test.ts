import { expect, it, vi } from 'vitest';
import { main } from '../bench/batch-makespan.bench.js';

it('the makespan benchmark runs (quick) and prints its table', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await main({ quick: true });
    const printed = log.mock.calls.map((call) => String(call[0])).join('\n');
    expect(printed).toMatch(/measured \/ ideal/);
    expect(printed).toMatch(/\| @x\/llm-batcher \| \d+ ms \| [\d.]+ \| [\d.]+ µs \| 320 \|/);
    expect(printed).toMatch(/naive p-limit/);
  } finally {
    log.mockRestore();
  }
}, 30_000);
