import { describe, expect, it } from 'vitest';
import { buildLcaIndex, lowestCommonAncestor } from '../src/index.js';

// Nothing recurses: a path-shaped tree of a million nodes would overflow any recursive walk.
const n = 1_000_000;
const last = n - 1;

describe('a chain of 1,000,000 nodes', () => {
  const dense = Array.from({ length: n }, (_, i) => (i < last ? [i + 1] : []));
  // the same chain, numbered from the bottom up, so child ids are smaller than parent ids
  const reversed = Array.from({ length: n }, (_, i) => (i > 0 ? [i - 1] : []));

  it('builds from dense arrays and answers every kind of query', () => {
    const index = buildLcaIndex(dense);
    expect(index.size).toBe(n);
    expect(index.root).toBe(0);
    expect(index.lca(last, 500_000)).toBe(500_000);
    expect(index.lca(123_456, 654_321)).toBe(123_456);
    expect(index.lcaOf([last, 999_000, 42])).toBe(42);
    expect(index.depth(last)).toBe(last);
    expect(index.distance(0, last)).toBe(last);
    expect(index.isAncestor(1, last)).toBe(true);
    expect(index.isAncestor(last, 1)).toBe(false);
    expect(index.kthAncestor(last, last)).toBe(0);
    expect(index.kthAncestor(last, 10)).toBe(last - 10);
    expect(index.path(last, last - 3)).toEqual([last, last - 1, last - 2, last - 3]);
    expect(index.path(0, last)).toHaveLength(n);
  }, 60_000);

  it('builds with child ids below parent ids, and with the root given', () => {
    const index = buildLcaIndex(reversed);
    expect(index.root).toBe(last);
    expect(index.lca(0, 10)).toBe(10);
    const rooted = buildLcaIndex(dense, { root: 0 });
    expect(rooted.lca(last, 7)).toBe(7);
    const inner = buildLcaIndex(dense, { root: 900_000 });
    expect([inner.size, inner.has(899_999), inner.lca(last, 900_001)]).toEqual([100_000, false, 900_001]);
  }, 60_000);

  it('one-shot lowestCommonAncestor climbs it', () => {
    expect(lowestCommonAncestor(dense, last, 400_000)).toBe(400_000);
    expect(lowestCommonAncestor(reversed, 0, 999_998, { root: last })).toBe(999_998);
  }, 60_000);

  it('builds from a Map, a Record and a function', () => {
    const map = new Map(dense.map((kids, i) => [i, kids] as const));
    expect(buildLcaIndex(map).lca(last, 3)).toBe(3);
    const record: Record<string, string[]> = {};
    for (let i = 0; i < last; i++) record[`v${i}`] = [`v${i + 1}`];
    expect(buildLcaIndex(record).lca(`v${last}`, 'v5')).toBe('v5');
    const next = (i: number) => (i < last ? [i + 1] : undefined);
    expect(buildLcaIndex(next, { root: 0 }).depth(last)).toBe(last);
    expect(lowestCommonAncestor(next, last, 77, { root: 0 })).toBe(77);
  }, 60_000);
});
