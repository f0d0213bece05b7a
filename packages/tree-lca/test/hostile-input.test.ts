// Issue #17 (@x/tree-lca items 1-4) and issue #16 (strict options), through the public API.
import { describe, expect, it } from 'vitest';
import {
  buildLcaIndex,
  InputReadError,
  InvalidArgumentError,
  LcaIndex,
  lowestCommonAncestor,
  MultipleParentsError,
  TreeCycleError,
  TreeLcaError,
  UnknownOptionError,
} from '../src/index.js';

/** Every entry point on the same input: the errors (or `undefined` for success) in order. */
function outcomes(children: unknown, options?: unknown): unknown[] {
  return [
    () => buildLcaIndex(children as never, options as never),
    () => new LcaIndex(children as never, options as never),
    () => lowestCommonAncestor(children as never, 0 as never, 0 as never, options as never),
  ].map((attempt) => {
    try {
      attempt();
      return undefined;
    } catch (error) {
      return error;
    }
  });
}

/** Typed-array bytes held while `build` runs and its result is kept. */
function arrayBufferBytes(build: () => unknown): number {
  const before = process.memoryUsage().arrayBuffers;
  const kept = build();
  const after = process.memoryUsage().arrayBuffers;
  expect(kept).toBeDefined();
  return after - before;
}

describe('item 1: a dense children list with an invalid length', () => {
  it.each([
    ['-3', -3],
    ['NaN', Number.NaN],
    ['1.5', 1.5],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['2^32', 2 ** 32],
    ['a string', '2'],
  ])('length %s is an InvalidArgumentError naming the entry, with and without a root', (_, length) => {
    for (const options of [undefined, { root: 0 }]) {
      for (const error of outcomes([{ length }], options)) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect((error as InvalidArgumentError).argument).toBe('children[0]');
        expect((error as Error).message).toMatch(/^Expected `children\[0\]` to be an array of child ids/);
      }
    }
  });

  it('an invalid top-level length names `children.length`', () => {
    for (const length of [-1, Number.NaN, 2 ** 31 + 5, 0.5]) {
      for (const error of outcomes({ length })) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect((error as InvalidArgumentError).argument).toBe('children.length');
      }
    }
  });

  it('no index is ever built with a size that is not a node count', () => {
    expect(() => buildLcaIndex([{ length: Number.NaN } as never])).toThrow(InvalidArgumentError);
    expect(buildLcaIndex([{ length: 1, 0: 1 } as never]).size).toBe(2);
  });
});

describe('item 2: sparse numeric ids cost what the tree costs', () => {
  it.each([
    ['[[2^31 - 2]]', [[2 ** 31 - 2]], 2 ** 31 - 2],
    ['[[2^27]]', [[2 ** 27]], 2 ** 27],
  ])('%s builds a 2-node index holding under 64 KB of typed arrays', (_, children, leaf) => {
    let index: LcaIndex<number> | undefined;
    const bytes = arrayBufferBytes(() => {
      index = buildLcaIndex(children);
      return index;
    });
    expect(bytes).toBeLessThan(64 * 1024);
    const built = index as LcaIndex<number>;
    expect([built.size, built.root, built.lca(leaf, 0), built.depth(leaf), built.parent(leaf)]).toEqual([
      2, 0, 0, 1, 0,
    ]);
    expect([built.has(leaf), built.has(1), built.has(leaf - 1), built.has(String(leaf) as never)]).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(built.path(leaf, 0)).toEqual([leaf, 0]);
    expect(built.kthAncestor(leaf, 1)).toBe(0);
  });

  it('with a root, sparse children and a sparse root cost what the tree costs too', () => {
    const bytes = arrayBufferBytes(() => {
      const index = buildLcaIndex([[2 ** 31 - 2, 2 ** 30], [], [5]], { root: 0 });
      expect([index.size, index.lca(2 ** 31 - 2, 2 ** 30), index.has(2)]).toEqual([3, 0, false]);
      const lone = buildLcaIndex([[1]], { root: 2 ** 31 - 2 });
      expect([lone.size, lone.root]).toEqual([1, 2 ** 31 - 2]);
      return index;
    });
    expect(bytes).toBeLessThan(64 * 1024);
    expect(lowestCommonAncestor([[1, 2 ** 31 - 2], [2 ** 29]], 2 ** 29, 2 ** 31 - 2)).toBe(0);
  });

  it('the compact path reports the same structural errors as the dense one', () => {
    const twoParents = outcomes([[2 ** 31 - 2], [2 ** 31 - 2]]);
    for (const error of twoParents) {
      expect(error).toBeInstanceOf(MultipleParentsError);
      expect((error as MultipleParentsError<number>).parents).toEqual([0, 1]);
    }
    for (const error of outcomes([[2 ** 31 - 2, 1], [0]], { root: 0 })) expect(error).toBeInstanceOf(TreeCycleError);
    for (const error of outcomes([[2 ** 31 - 2, 1.5]])) {
      expect((error as InvalidArgumentError).argument).toBe('children[0][1]');
    }
  });

  it('a big dense tree whose leaves are left out past the end is read right', () => {
    // 10,000 nodes numbered 0 … 9,999 listed in 5,000 entries: dense ids, leaves left out
    const children = Array.from({ length: 5000 }, (_, i) => [2 * i + 1, 2 * i + 2].filter((id) => id < 10_000));
    const index = buildLcaIndex(children);
    expect([index.size, index.lca(9998, 9997), index.depth(9999)]).toEqual([10_000, 4998, 13]);
  });
});

describe('item 3: `null` children follow one rule, with or without a root', () => {
  const forms: [string, unknown, unknown][] = [
    [
      'Map',
      new Map<string, unknown>([
        ['r', ['a']],
        ['a', null],
      ]),
      'r',
    ],
    ['Record', { r: ['a'], a: null }, 'r'],
    ['dense', [[1], null], 0],
  ];
  it.each(forms)('%s: a null list is an InvalidArgumentError either way', (_, children, root) => {
    for (const options of [undefined, { root }]) {
      for (const error of outcomes(children, options)) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect((error as Error).message).toMatch(/\(or undefined for none\), got `null` \(null\)$/);
      }
    }
  });

  it('a function returning null is rejected the same way; undefined means a leaf everywhere', () => {
    expect(() => buildLcaIndex((node: string) => (node === 'r' ? ['a'] : (null as never)), { root: 'r' })).toThrow(
      InvalidArgumentError,
    );
    expect(buildLcaIndex((node: string) => (node === 'r' ? ['a'] : undefined), { root: 'r' }).size).toBe(2);
    expect(
      buildLcaIndex(
        new Map([
          ['r', ['a']],
          ['a', undefined as never],
        ]),
      ).size,
    ).toBe(2);
    expect(buildLcaIndex([[1], undefined]).size).toBe(2);
  });
});

describe('item 4: a long cycle says how long it is, not how long the preview is', () => {
  it('a 25-node cycle shows 10 nodes, 15 more, and the first again', () => {
    const ring = new Map(Array.from({ length: 25 }, (_, i) => [`n${i}`, [`n${(i + 1) % 25}`]] as const));
    const [error] = outcomes(ring) as [TreeCycleError<string>];
    expect(error).toBeInstanceOf(TreeCycleError);
    const first = error.cycle[0] as string;
    expect(error.message).toMatch(/→ … \(15 more\) → `n\d+` \(a cycle of 25 nodes\)$/);
    expect(error.message.endsWith(`\`${first}\` (a cycle of 25 nodes)`)).toBe(true);
  });

  it('a cycle of long ids keeps the message under 1 KB', () => {
    const ids = Array.from({ length: 30 }, (_, i) => `${i}-${'x'.repeat(10_000)}`);
    const ring = new Map(ids.map((id, i) => [id, [ids[(i + 1) % ids.length] as string]] as const));
    const [error] = outcomes(ring) as [TreeCycleError<string>];
    expect(error.cycle).toHaveLength(30);
    expect(error.message.length).toBeLessThan(1024);
    expect(error.message).toContain('(a cycle of 30 nodes)');
  });
});

describe('strict options (issue #16)', () => {
  it.each([
    ['buildLcaIndex', () => buildLcaIndex({ r: ['a'] }, { rooot: 'r' } as never)],
    ['LcaIndex', () => new LcaIndex({ r: ['a'] } as never, { rooot: 'r' } as never)],
    ['lowestCommonAncestor', () => lowestCommonAncestor({ r: ['a'] }, 'a', 'r', { rooot: 'r' } as never)],
  ])('%s rejects an unknown key, naming itself and the valid keys', (where, call) => {
    expect(call).toThrow(UnknownOptionError);
    try {
      call();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toBeInstanceOf(TreeLcaError);
      expect((error as UnknownOptionError).unknownKeys).toEqual(['rooot']);
      expect((error as UnknownOptionError).validKeys).toEqual(['root']);
      expect((error as Error).message).toBe(
        `Unknown option \`rooot\` (did you mean \`root\`?) in \`${where}\` options; valid options are \`root\``,
      );
    }
  });

  it('`root: undefined` and an empty object are fine; getters are read once', () => {
    expect(buildLcaIndex({ r: ['a'] }, { root: undefined }).root).toBe('r');
    expect(buildLcaIndex({ r: ['a'] }, {}).root).toBe('r');
    let reads = 0;
    const options = {
      get root() {
        reads++;
        return reads === 1 ? 'a' : 'r';
      },
    };
    expect(buildLcaIndex({ r: ['a'], a: ['b'] }, options).root).toBe('a');
    expect(reads).toBe(1);
  });
});

describe('input that throws while it is read', () => {
  it('a throwing getter, proxy trap, iterator or children function is an InputReadError with the cause', () => {
    const boom = new Error('boom');
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const cases: [unknown, unknown, string][] = [
      [
        {
          get r() {
            throw boom;
          },
        },
        undefined,
        'children',
      ],
      [revoked, undefined, 'children'],
      [
        new Proxy([[1]], {
          get() {
            throw boom;
          },
        }),
        undefined,
        'children',
      ],
      [
        (node: string) => {
          if (node === 'a') throw boom;
          return ['a'];
        },
        { root: 'r' },
        'children',
      ],
      [
        new Map([
          [
            'r',
            {
              *[Symbol.iterator]() {
                yield 'a';
                throw boom;
              },
            },
          ],
        ]),
        undefined,
        'children',
      ],
      [
        { r: ['a'] },
        {
          get root() {
            throw boom;
          },
        },
        'options',
      ],
      [{ r: ['a'] }, revoked, 'options'],
    ];
    for (const [children, options, argument] of cases) {
      for (const error of outcomes(children, options)) {
        expect(error).toBeInstanceOf(InputReadError);
        expect((error as InputReadError).argument).toBe(argument);
        expect((error as Error).message.length).toBeLessThan(1024);
      }
    }
    const [first] = outcomes(cases[0]?.[0]);
    expect((first as Error).cause).toBe(boom);
  });

  it('lcaOf and lcaBatch turn a throwing iterable into an InputReadError', () => {
    const index = buildLcaIndex([[1, 2]]);
    const failing = {
      *[Symbol.iterator]() {
        yield 1;
        throw new Error('gone');
      },
    };
    expect(() => index.lcaOf(failing as never)).toThrow(InputReadError);
    const failingPairs = {
      *[Symbol.iterator]() {
        yield [1, 2];
        throw new Error('gone');
      },
    };
    expect(() => index.lcaBatch(failingPairs as never)).toThrow(InputReadError);
    const pair = {
      length: 2,
      get 0() {
        throw new Error('gone');
      },
      1: 2,
    };
    expect(() => index.lcaBatch([pair as never])).toThrow(InputReadError);
  });
});

describe('-0 names node 0, and answers are +0 (found by the arbitrary-input property)', () => {
  it.each([
    ['lca(-0, 0)', (i: LcaIndex<number>) => i.lca(-0, 0)],
    ['lca(0, -0)', (i: LcaIndex<number>) => i.lca(0, -0)],
    ['lcaOf([-0, 0])', (i: LcaIndex<number>) => i.lcaOf([-0, 0])],
    ['kthAncestor(-0, 0)', (i: LcaIndex<number>) => i.kthAncestor(-0, 0)],
    ['path(-0, 0)[0]', (i: LcaIndex<number>) => i.path(-0, 0)[0]],
  ])('%s is +0', (_, call) => {
    expect(Object.is(call(buildLcaIndex([[1], []])), 0)).toBe(true);
  });
});
