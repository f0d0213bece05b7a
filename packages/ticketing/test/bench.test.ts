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

it('the partitioned-ledger benchmark runs (quick): bytes per operation stay under 4 KB sent over the wire', async () => {
  const { main: ledgerMain } = await import('../bench/partition-ledger.bench.js');
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    lines.push(String(line));
  });
  try {
    await ledgerMain({ quick: true });
  } finally {
    spy.mockRestore();
  }
  const out = lines.join('\n');
  expect(out).toMatch(/holds\/s, 5,000 holds/);
  const largest = Number(/partition ([\d,]+) B/.exec(out)![1]!.replaceAll(',', ''));
  expect(largest).toBeLessThan(256 * 1024);
  const seatedLargest = /largest seated document.*: partition ([\d,]+) B/.exec(out)![1]!;
  expect(Number(seatedLargest.replaceAll(',', ''))).toBeLessThan(256 * 1024);
  if (out.includes('skipped (MONGODB_URI not set)')) return;
  const rows = [...out.matchAll(/^\| ([^|]+) \| ([\d,]+) \| (\d+) \| ([\d,]+) \| ([\d,]+) \|$/gm)];
  expect(rows.length).toBe(10);
  for (const row of rows) expect(Number(row[4]!.replaceAll(',', ''))).toBeLessThan(4096);
  const seated = [...out.matchAll(/^\| ([^|]+) \| (\d+) \| ([\d,]+) \| (\d+) \| ([\d,]+) \| ([\d,]+) \|$/gm)];
  expect(seated.length).toBe(14);
  for (const row of seated) expect(Number(row[5]!.replaceAll(',', ''))).toBeLessThan(4096);
  expect(out).toMatch(/oversold 0$/m);
}, 300_000);

it('the mongoStore benchmark runs (quick): every API call sends under 4 KB, the same at both sizes, and the wire sale keeps every invariant', async () => {
  const { main: storeMain } = await import('../bench/mongo-store.bench.js');
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    lines.push(String(line));
  });
  try {
    await storeMain({ quick: true });
  } finally {
    spy.mockRestore();
  }
  const out = lines.join('\n');
  if (out.includes('skipped (MONGODB_URI not set)')) return;
  const rows = [...out.matchAll(/^\| ([^|]+) \| ([\d,]+) \| (\d+) \| ([\d,]+) \| ([\d,]+) \| ([\d,]+) \|$/gm)];
  expect(rows.length).toBe(14);
  const sent = (row: RegExpMatchArray) => Number(row[4]!.replaceAll(',', ''));
  for (const row of rows) expect(sent(row)).toBeLessThan(4096);
  // constant bytes: each operation sends the same at 1,000 and at 3,000 sold
  for (let i = 0; i < 7; i++)
    expect({ op: rows[i]![1], sent: sent(rows[i]!) }).toEqual({ op: rows[i + 7]![1], sent: sent(rows[i + 7]!) });
  expect(out).toMatch(/seated flash sale over the wire: 10 seats, 40 buyers/);
  expect(out).toMatch(/oversold 0/);
}, 300_000);
