import { expect, it, vi } from 'vitest';
import { main } from '../bench/lca.bench.js';

it('the benchmark runs end to end in quick mode and prints its tables', async () => {
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
  expect(text).toContain('## random recursive tree');
  expect(text).toContain('## chain');
  expect(text).toContain('@x/tree-lca, dense arrays');
  expect(text).toContain('binary lifting');
  expect(text).toContain('targets (dense)');
}, 60_000);
