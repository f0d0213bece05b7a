import { describe, expect, it } from 'vitest';
import { buildLcaIndex, LcaIndex, lowestCommonAncestor } from '../src/index.js';

//        r
//      /   \
//     a     b
//    / \     \
//   c   d     e
describe('the same tree in every input form', () => {
  const map = new Map([
    ['r', ['a', 'b']],
    ['a', ['c', 'd']],
    ['b', ['e']],
  ]);
  const record = { r: ['a', 'b'], a: ['c', 'd'], b: ['e'] };
  const lookup = (node: string) => map.get(node);
  // dense: r=0 a=1 b=2 c=3 d=4 e=5
  const dense = [[1, 2], [3, 4], [5]];

  it.each([
    ['Map', buildLcaIndex(map)],
    ['Map, root given', buildLcaIndex(map, { root: 'r' })],
    ['Record', buildLcaIndex(record)],
    ['function', buildLcaIndex(lookup, { root: 'r' })],
    ['new LcaIndex', new LcaIndex(map)],
  ])('%s', (_, index) => {
    expect([index.lca('c', 'd'), index.lca('c', 'e'), index.lca('a', 'd'), index.lca('e', 'e')]).toEqual([
      'a',
      'r',
      'a',
      'e',
    ]);
    expect([index.root, index.size, index.depth('e'), index.parent('c'), index.parent('r')]).toEqual([
      'r',
      6,
      2,
      'a',
      undefined,
    ]);
    expect(index.path('c', 'e')).toEqual(['c', 'a', 'r', 'b', 'e']);
    expect(index.distance('c', 'e')).toBe(4);
    expect(index.lcaOf(['c', 'd', 'e'])).toBe('r');
    expect(
      index.lcaBatch([
        ['c', 'd'],
        ['d', 'e'],
      ]),
    ).toEqual(['a', 'r']);
    expect([index.kthAncestor('d', 1), index.kthAncestor('d', 2), index.kthAncestor('d', 3)]).toEqual([
      'a',
      'r',
      undefined,
    ]);
    expect([index.isAncestor('a', 'd'), index.isAncestor('d', 'a'), index.isAncestor('b', 'd')]).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('dense arrays', () => {
    const index = buildLcaIndex(dense);
    expect([index.lca(3, 4), index.lca(3, 5), index.path(3, 5), index.size]).toEqual([1, 0, [3, 1, 0, 2, 5], 6]);
  });

  it('dense arrays accept typed arrays, holes and leaves past the end', () => {
    const index = buildLcaIndex([Int32Array.of(1, 2), undefined, [3, 4]]);
    expect([index.size, index.lca(3, 1), index.lca(3, 4), index.has(5)]).toEqual([5, 0, 2, false]);
  });

  it('dense ids far past the end are leaves, with or without a root (arrays grow as needed)', () => {
    for (const options of [{}, { root: 0 }]) {
      const index = buildLcaIndex([[100, 5000]], options);
      expect([index.size, index.lca(100, 5000), index.has(99), index.depth(5000), index.path(100, 5000)]).toEqual([
        3,
        0,
        false,
        1,
        [100, 0, 5000],
      ]);
      expect(lowestCommonAncestor([[100, 5000]], 100, 5000, options)).toBe(0);
    }
  });

  it('a Map-like object (not a Map) works like a Map', () => {
    const mapLike: ReadonlyMap<string, string[]> = {
      get: (key) => map.get(key),
      has: (key) => map.has(key),
      entries: () => map.entries(),
      keys: () => map.keys(),
      values: () => map.values(),
      forEach: () => {
        throw new Error('not used');
      },
      size: map.size,
      [Symbol.iterator]: () => map[Symbol.iterator](),
    };
    expect(buildLcaIndex(mapLike).lca('c', 'e')).toBe('r');
    expect(buildLcaIndex(mapLike, { root: 'a' }).lca('c', 'd')).toBe('a');
  });

  it('one-shot, every form', () => {
    expect(lowestCommonAncestor(map, 'c', 'e')).toBe('r');
    expect(lowestCommonAncestor(record, 'c', 'd')).toBe('a');
    expect(lowestCommonAncestor(lookup, 'd', 'c', { root: 'r' })).toBe('a');
    expect(lowestCommonAncestor(dense, 5, 2)).toBe(2);
  });

  it('ids compared like Map keys: objects by identity, NaN equal to itself', () => {
    const top = { name: 'top' };
    const left = { name: 'left' };
    const right = { name: 'right' };
    const index = buildLcaIndex(new Map([[top, [left, right]]]));
    expect(index.lca(left, right)).toBe(top);
    expect(index.has({ name: 'left' })).toBe(false);
    expect(buildLcaIndex(new Map([[Number.NaN, [1, 2]]])).lca(1, 2)).toBeNaN();
  });

  it('a root that lists no children is a one-node tree', () => {
    const index = buildLcaIndex(map, { root: 'zz' });
    expect([index.size, index.root, index.lca('zz', 'zz'), index.has('r')]).toEqual([1, 'zz', 'zz', false]);
    expect(buildLcaIndex([[1]], { root: 7 }).size).toBe(1);
  });

  it('the function form is only asked about reachable nodes', () => {
    const asked: number[] = [];
    const index = buildLcaIndex(
      (node: number) => {
        asked.push(node);
        return node < 4 ? [2 * node, 2 * node + 1] : [];
      },
      { root: 1 },
    );
    expect(index.size).toBe(7);
    expect(asked.sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});
