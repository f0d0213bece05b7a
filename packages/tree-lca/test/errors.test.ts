import { describe, expect, it } from 'vitest';
import {
  buildLcaIndex,
  DuplicateChildError,
  EmptyTreeError,
  InvalidArgumentError,
  LcaIndex,
  lowestCommonAncestor,
  MultipleParentsError,
  MultipleRootsError,
  NodeNotFoundError,
  TreeCycleError,
  TreeLcaError,
} from '../src/index.js';

/** Both entry points must reject the same input with the same error. */
function rejections(children: unknown, options?: { root?: unknown }): unknown[] {
  const errors: unknown[] = [];
  for (const attempt of [
    () => buildLcaIndex(children as never, options as never),
    () => new LcaIndex(children as never, options as never),
    () => lowestCommonAncestor(children as never, 0 as never, 0 as never, options as never),
  ]) {
    try {
      attempt();
      errors.push(undefined);
    } catch (error) {
      errors.push(error);
    }
  }
  return errors;
}

function expectRejected<E>(
  children: unknown,
  options: { root?: unknown } | undefined,
  type: abstract new (...args: never[]) => E,
  check: (error: E) => void,
): void {
  for (const error of rejections(children, options)) {
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(TreeLcaError);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe(type.name);
    check(error as E);
  }
}

const cycleOfThree = (node: number) => [(node + 1) % 3];

describe('TreeCycleError', () => {
  it.each([
    ['dense, every node on one cycle', [[1], [2], [0]], undefined, [1, 2, 0], '`1` → `2` → `0` → `1`'],
    ['dense, a node that is its own child', [[0]], undefined, [0], '`0` → `0`'],
    ['dense, a cycle apart from the tree', [[1], [], [3], [2]], undefined, [3, 2], '`3` → `2` → `3`'],
    ['dense, root given, back edge to the root', [[1], [2], [0]], { root: 0 }, [0, 1, 2], '`0` → `1` → `2` → `0`'],
    ['dense, root given, self loop below', [[1], [1]], { root: 0 }, [1], '`1` → `1`'],
    [
      'Map, no root',
      new Map([
        ['a', ['b']],
        ['b', ['a']],
      ]),
      undefined,
      ['b', 'a'],
      '`b` → `a` → `b`',
    ],
    [
      'Map, root given, cycle below it',
      new Map([
        ['r', ['a']],
        ['a', ['b']],
        ['b', ['a']],
      ]),
      { root: 'r' },
      ['a', 'b'],
      '`a` → `b` → `a`',
    ],
    ['Record, cycle apart from the root', { r: ['x'], a: ['b'], b: ['a'] }, undefined, ['b', 'a'], '`b` → `a` → `b`'],
    ['function, root given', cycleOfThree, { root: 0 }, [0, 1, 2], '`0` → `1` → `2` → `0`'],
  ])('%s', (_, children, options, cycle, shown) => {
    expectRejected(children, options, TreeCycleError, (error) => {
      expect(error.cycle).toEqual(cycle);
      expect(error.message).toBe(`Expected a tree without cycles, got the cycle ${shown}`);
    });
  });

  it('a cycle of a million nodes is reported without recursion and with a short message', () => {
    const n = 1_000_000;
    const ring = Array.from({ length: n }, (_, i) => [(i + 1) % n]);
    expectRejected(ring, undefined, TreeCycleError, (error) => {
      expect(error.cycle).toHaveLength(n);
      expect(error.message.length).toBeLessThan(300);
      // the count of left-out nodes is the cycle's, not the preview's (issue #17, item 4)
      expect(error.message).toMatch(
        new RegExp(
          `^Expected a tree without cycles, got the cycle (\`\\d+\` → ){10}… \\(${n - 10} more\\) → \`\\d+\` \\(a cycle of ${n} nodes\\)$`,
        ),
      );
      const shown = [...error.message.matchAll(/`(\d+)`/g)].map((match) => Number(match[1]));
      expect(shown.slice(0, 10)).toEqual(error.cycle.slice(0, 10));
      expect(shown[10]).toBe(error.cycle[0]);
    });
  }, 60_000);
});

describe('MultipleParentsError', () => {
  it.each([
    ['dense, no root', [[1, 2], [3], [3]], undefined, 3, [1, 2]],
    ['dense, root given', [[1, 2], [3], [3]], { root: 0 }, 3, [1, 2]],
    [
      'Map, no root',
      new Map([
        ['r', ['a', 'b']],
        ['a', ['c']],
        ['b', ['c']],
      ]),
      undefined,
      'c',
      ['a', 'b'],
    ],
    [
      'Map, root given',
      new Map([
        ['r', ['a', 'b']],
        ['a', ['c']],
        ['b', ['c']],
      ]),
      { root: 'r' },
      'c',
      ['a', 'b'],
    ],
    ['Record, a child listed under the root and below it', { r: ['a', 'c'], a: ['c'] }, undefined, 'c', ['r', 'a']],
    ['function', (n: number) => (n === 0 ? [1, 2] : n < 3 ? [3] : []), { root: 0 }, 3, [1, 2]],
  ])('%s', (_, children, options, node, parents) => {
    expectRejected(children, options, MultipleParentsError, (error) => {
      expect(error.node).toBe(node);
      expect(error.parents).toEqual(parents);
      expect(error.message).toBe(
        `Expected node \`${node}\` to have one parent, got \`${parents[0]}\` and \`${parents[1]}\``,
      );
    });
  });
});

describe('DuplicateChildError', () => {
  it.each([
    ['dense, no root', [[1, 1]], undefined, 0, 1],
    ['dense, root given', [[1], [2, 3, 2]], { root: 0 }, 1, 2],
    ['Map, no root', new Map([['r', ['a', 'a']]]), undefined, 'r', 'a'],
    ['Map, root given', new Map([['r', ['a', 'a']]]), { root: 'r' }, 'r', 'a'],
    ['Record', { r: ['a', 'b', 'a'] }, undefined, 'r', 'a'],
    ['function', (n: string) => (n === 'r' ? ['x', 'x'] : undefined), { root: 'r' }, 'r', 'x'],
  ])('%s', (_, children, options, parent, child) => {
    expectRejected(children, options, DuplicateChildError, (error) => {
      expect(error.parent).toBe(parent);
      expect(error.child).toBe(child);
      expect(error.message).toBe(`Expected the children of \`${parent}\` to be distinct, got \`${child}\` twice`);
    });
  });
});

describe('MultipleRootsError', () => {
  it.each([
    ['dense', [[1], [], [3], []], [0, 2], '2: `0`, `2`'],
    ['dense, isolated nodes', [[], [], []], [0, 1, 2], '3: `0`, `1`, `2`'],
    [
      'Map',
      new Map([
        ['a', ['b']],
        ['c', ['d']],
      ]),
      ['a', 'c'],
      '2: `a`, `c`',
    ],
    ['Record', { a: [], b: [] }, ['a', 'b'], '2: `a`, `b`'],
  ])('%s', (_, children, roots, shown) => {
    expectRejected(children, undefined, MultipleRootsError, (error) => {
      expect(error.roots).toEqual(roots);
      expect(error.message).toBe(
        `Expected one root (a node that is nobody's child), got ${shown}; pass \`options.root\` to choose one`,
      );
    });
  });

  it('a forest of many roots keeps them all but names only a few', () => {
    const children = Array.from({ length: 50 }, () => []);
    expectRejected(children, undefined, MultipleRootsError, (error) => {
      expect(error.roots).toEqual(children.map((_, i) => i));
      expect(error.message).toContain('got 50: `0`, `1`');
      expect(error.message).toContain('… (40 more), `49`');
    });
  });

  it('choosing a root resolves it: the other trees are not part of the index', () => {
    const index = buildLcaIndex([[1], [], [3], []], { root: 2 });
    expect([index.root, index.size, index.has(0), index.lca(3, 2)]).toEqual([2, 2, false, 2]);
  });
});

describe('EmptyTreeError', () => {
  it.each([
    ['dense', []],
    ['Map', new Map()],
    ['Record', {}],
  ])('%s', (_, children) => {
    expectRejected(children, undefined, EmptyTreeError, (error) => {
      expect(error.message).toBe('Expected `children` to describe at least one node, got an empty input');
    });
  });
});

describe('NodeNotFoundError', () => {
  const dense = buildLcaIndex([[1, 2], [3]]);
  const named = buildLcaIndex(new Map([['r', ['a', 'b']]]));
  const rooted = buildLcaIndex({ top: ['r'], r: ['a'] }, { root: 'r' });
  it.each([
    ['dense lca, id past the end', () => dense.lca(0, 9), 'b', 9, '`9` (number)'],
    ['dense lca, negative id', () => dense.lca(-1, 0), 'a', -1, '`-1` (number)'],
    ['dense lca, fractional id', () => dense.lca(0, 1.5), 'b', 1.5, '`1.5` (number)'],
    ['dense lca, a string for a number', () => dense.lca('1' as never, 0), 'a', '1', '`"1"` (string)'],
    ['Map lca', () => named.lca('a', 'zz'), 'b', 'zz', '`"zz"` (string)'],
    ['outside the given root', () => rooted.lca('a', 'top'), 'b', 'top', '`"top"` (string)'],
    ['depth', () => named.depth('zz'), 'node', 'zz', '`"zz"` (string)'],
    ['parent', () => named.parent('zz'), 'node', 'zz', '`"zz"` (string)'],
    ['isAncestor, first', () => named.isAncestor('zz', 'a'), 'ancestor', 'zz', '`"zz"` (string)'],
    ['isAncestor, second', () => named.isAncestor('a', 'zz'), 'node', 'zz', '`"zz"` (string)'],
    ['distance', () => named.distance('zz', 'a'), 'a', 'zz', '`"zz"` (string)'],
    ['path', () => named.path('a', 'zz'), 'b', 'zz', '`"zz"` (string)'],
    ['kthAncestor', () => named.kthAncestor('zz', 1), 'node', 'zz', '`"zz"` (string)'],
    ['lcaOf', () => named.lcaOf(['a', 'zz']), 'nodes', 'zz', '`"zz"` (string)'],
    [
      'lcaBatch',
      () =>
        named.lcaBatch([
          ['a', 'b'],
          ['zz', 'a'],
        ]),
      'a',
      'zz',
      '`"zz"` (string)',
    ],
    ['one-shot', () => lowestCommonAncestor(new Map([['r', ['a']]]), 'a', 'zz'), 'b', 'zz', '`"zz"` (string)'],
    ['one-shot dense', () => lowestCommonAncestor([[1]], 7, 0), 'a', 7, '`7` (number)'],
    [
      'one-shot, outside the given root',
      () => lowestCommonAncestor([[1], [2]], 0, 2, { root: 1 }),
      'a',
      0,
      '`0` (number)',
    ],
  ])('%s', (_, query, argument, node, shown) => {
    let caught: unknown;
    try {
      query();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NodeNotFoundError);
    expect(caught).toBeInstanceOf(TreeLcaError);
    const error = caught as NodeNotFoundError;
    expect(error.node).toBe(node);
    expect(error.argument).toBe(argument);
    expect(error.message).toBe(`Expected \`${argument}\` to be a node of the tree, got ${shown}`);
  });

  it('has() answers false for the same nodes instead of throwing', () => {
    expect([dense.has(9), dense.has(-1), dense.has(1.5), dense.has('1' as never), dense.has(3)]).toEqual([
      false,
      false,
      false,
      false,
      true,
    ]);
    expect([named.has('zz'), rooted.has('top'), rooted.has('a')]).toEqual([false, false, true]);
  });
});

describe('InvalidArgumentError', () => {
  it.each([
    ['children of no supported form', 42, undefined, 'children', '`42` (number)'],
    ['children null', null, undefined, 'children', '`null` (null)'],
    ['a function without a root', () => [], undefined, 'options.root', '`undefined` (undefined)'],
    ['a negative dense child', [[-1]], undefined, 'children[0][0]', '`-1` (number)'],
    ['a fractional dense child', [[1], [0.5]], undefined, 'children[1][0]', '`0.5` (number)'],
    ['a string dense child', [['1']], undefined, 'children[0][0]', '`"1"` (string)'],
    ['NaN as a dense child', [[Number.NaN]], undefined, 'children[0][0]', '`NaN` (number)'],
    ['a dense child too large', [[2 ** 31]], undefined, 'children[0][0]', '`2147483648` (number)'],
    ['a dense entry that is not an array', [5], undefined, 'children[0]', '`5` (number)'],
    ['a dense entry that is not an array, root given', [[1], 5], { root: 0 }, 'children[1]', '`5` (number)'],
    ['a dense root that is not an id', [[1]], { root: 'x' }, 'options.root', '`"x"` (string)'],
    ['a Map value that is not iterable', new Map([['a', 3]]), undefined, 'children.get("a")', '`3` (number)'],
    ['a Map value that is a string', new Map([['a', 'bc']]), undefined, 'children.get("a")', '`"bc"` (string)'],
    ['a Record child that is not a string', { a: [1] }, undefined, 'children["a"] item', '`1` (number)'],
    ['a Record root that is not a string', { a: ['b'] }, { root: 1 }, 'options.root', '`1` (number)'],
    ['a function returning a number', () => 3, { root: 0 }, 'children(0)', '`3` (number)'],
    ['options that are not an object', [[1]], 5, 'options', '`5` (number)'],
  ])('%s', (_, children, options, argument, shown) => {
    expectRejected(children, options as never, InvalidArgumentError, (error) => {
      expect(error.argument).toBe(argument);
      expect(error.message).toMatch(
        new RegExp(`^Expected \`${escapeRegExp(argument)}\` to be .+, got ${escapeRegExp(shown)}$`),
      );
    });
  });

  const index = buildLcaIndex([[1], [2]]);
  it.each([
    [
      'kthAncestor with a negative k',
      () => index.kthAncestor(2, -1),
      'k',
      'Expected `k` to be an integer from 0 and up, got `-1` (number)',
    ],
    [
      'kthAncestor with a fractional k',
      () => index.kthAncestor(2, 0.5),
      'k',
      'Expected `k` to be an integer from 0 and up, got `0.5` (number)',
    ],
    [
      'lcaOf with no nodes',
      () => index.lcaOf([]),
      'nodes',
      'Expected `nodes` to be at least one node, got `[]` (array)',
    ],
    [
      'lcaOf with a non-iterable',
      () => index.lcaOf(3 as never),
      'nodes',
      'Expected `nodes` to be an iterable of nodes, got `3` (number)',
    ],
    [
      'lcaBatch with a bad pair',
      () => index.lcaBatch([[0, 1], [0] as never]),
      'pairs[1]',
      'Expected `pairs[1]` to be an [a, b] pair, got `[0]` (array)',
    ],
  ])('%s', (_, call, argument, message) => {
    expect(call).toThrow(InvalidArgumentError);
    try {
      call();
    } catch (error) {
      expect((error as InvalidArgumentError).argument).toBe(argument);
      expect((error as Error).message).toBe(message);
    }
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
