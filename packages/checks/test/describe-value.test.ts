import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeValue, isDate, MAX_QUOTED_CHARS, quoteInput, typeName } from '../src/index.js';

describe('describeValue', () => {
  it.each([
    [0, '`0` (number)'],
    [-0, '`-0` (number)'],
    [Number.NaN, '`NaN` (number)'],
    ['3:60', '`"3:60"` (string)'],
    [null, '`null` (null)'],
    [undefined, '`undefined` (undefined)'],
    [true, '`true` (boolean)'],
    [10n, '`10n` (bigint)'],
    [Symbol('s'), '`Symbol(s)` (symbol)'],
    [[1, 'a'], '`[1,"a"]` (array)'],
    [{ a: 1 }, '`{"a":1}` (object)'],
    [new Map(), '`{}` (Map)'],
    [new Date(Number.NaN), '`Invalid Date` (Date)'],
    [new Date(0), '`1970-01-01T00:00:00.000Z` (Date)'],
  ])('renders %s', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });

  it('names functions', () => {
    expect(describeValue(function foo() {})).toBe('`function foo` (function)');
  });

  it('cuts long strings and says how long they were, without quoting the rest', () => {
    const text = describeValue('7'.repeat(1_000_000));
    expect(text.length).toBeLessThan(120);
    expect(text).toContain('(string of 1000000 characters)');
  });

  it('renders cycles, sparse arrays, BigInt inside objects, throwing getters and revoked proxies', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(describeValue(cyclic)).toBe('`{"a":1,"self":[…]}` (object)');
    // biome-ignore lint/suspicious/noSparseArray: the point of the test
    expect(describeValue([1, , 3])).toBe('`[1,<empty>,3]` (array)');
    expect(describeValue({ n: 1n })).toBe('`{"n":1n}` (object)');
    const getter = Object.defineProperty({}, 'x', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(describeValue(getter)).toBe('`{…}` (object)');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(() => describeValue(proxy)).not.toThrow();
    const revokedFunction = Proxy.revocable(() => 0, {});
    revokedFunction.revoke();
    expect(describeValue(revokedFunction.proxy)).toBe('`function` (function)');
    const named = Object.defineProperty(() => 0, 'name', { value: 'n'.repeat(500) });
    expect(describeValue(named).length).toBeLessThan(120);
  });

  it('recognises a Date from another realm', () => {
    const date = runInNewContext('new Date(0)');
    expect(isDate(date)).toBe(true);
    expect(typeName(date)).toBe('Date');
    expect(describeValue(date)).toBe('`1970-01-01T00:00:00.000Z` (Date)');
  });

  it('is bounded for huge arrays and objects', () => {
    const big = Array.from({ length: 1_000_000 }, (_, i) => i);
    expect(describeValue(big).length).toBeLessThan(100);
  });

  it('never throws and stays short for any value (property)', () => {
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withSparseArray: true }),
        (v) => {
          const text = describeValue(v);
          expect(text.length).toBeLessThanOrEqual(MAX_QUOTED_CHARS + 40);
        },
      ),
    );
  });
});

describe('quoteInput', () => {
  it('quotes short input whole and long input cut with its length', () => {
    expect(quoteInput('3:45')).toBe('`3:45`');
    expect(quoteInput('1'.repeat(100_000))).toMatch(/…` \(100000 characters\)$/);
  });
});
