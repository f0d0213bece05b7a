import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLcaIndex, type LcaIndex, LcaIndex as LcaIndexClass, lowestCommonAncestor } from '../src/index.js';
import { AncestorOracle } from './ancestor-oracle.js';
import { anyTree, type InputForm, inputForms, type LabeledTree } from './tree-arbitraries.js';

function build(form: InputForm): LcaIndex<unknown> {
  return buildLcaIndex(form.children as never, form.options as never) as unknown as LcaIndex<unknown>;
}

function oneShot(form: InputForm, a: unknown, b: unknown): unknown {
  return lowestCommonAncestor(form.children as never, a as never, b as never, form.options as never);
}

/** A tree plus query nodes drawn from it. */
const treeWithQueries = (maxNodes: number) =>
  anyTree(maxNodes).chain((tree) => {
    const node = fc.nat(tree.parent.length - 1);
    return fc.record({
      tree: fc.constant(tree),
      pairs: fc.array(fc.tuple(node, node), { minLength: 1, maxLength: 40 }),
      groups: fc.array(fc.array(node, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }),
      ks: fc.array(fc.tuple(node, fc.nat(tree.parent.length + 1)), { minLength: 1, maxLength: 20 }),
    });
  });

function checkAgainstOracle(
  tree: LabeledTree,
  pairs: [number, number][],
  groups: number[][],
  ks: [number, number][],
): void {
  const oracle = new AncestorOracle(tree.parent);
  for (const form of inputForms(tree)) {
    const index = build(form);
    const { id, label } = form;
    expect(index.size, form.form).toBe(tree.parent.length);
    expect(label(index.root), form.form).toBe(tree.root);
    for (const [a, b] of pairs) {
      const want = oracle.lca(a, b);
      expect(label(index.lca(id(a), id(b))), `${form.form} lca(${a}, ${b})`).toBe(want);
      expect(label(oneShot(form, id(a), id(b))), `${form.form} one-shot(${a}, ${b})`).toBe(want);
      expect(index.distance(id(a), id(b)), `${form.form} distance(${a}, ${b})`).toBe(oracle.distance(a, b));
      expect(index.path(id(a), id(b)).map(label), `${form.form} path(${a}, ${b})`).toEqual(oracle.path(a, b));
      expect(index.isAncestor(id(a), id(b)), `${form.form} isAncestor(${a}, ${b})`).toBe(oracle.isAncestor(a, b));
      expect(index.depth(id(a))).toBe(oracle.depth(a));
      const parent = index.parent(id(a));
      expect(parent === undefined ? -1 : label(parent)).toBe(tree.parent[a]);
      expect(index.has(id(a))).toBe(true);
    }
    expect(index.lcaBatch(pairs.map(([a, b]) => [id(a), id(b)] as const)).map(label)).toEqual(
      pairs.map(([a, b]) => oracle.lca(a, b)),
    );
    for (const group of groups) {
      expect(label(index.lcaOf(group.map(id))), `${form.form} lcaOf(${group})`).toBe(oracle.lcaOf(group));
    }
    for (const [node, k] of ks) {
      const got = index.kthAncestor(id(node), k);
      expect(got === undefined ? undefined : label(got), `${form.form} kthAncestor(${node}, ${k})`).toBe(
        oracle.kthAncestor(node, k),
      );
    }
  }
}

describe('every query against the ancestor-set oracle, in every input form', () => {
  it('small trees of every shape (random parent arrays, chains, stars, caterpillars, deep binary, preorder-numbered)', () => {
    fc.assert(
      fc.property(treeWithQueries(40), ({ tree, pairs, groups, ks }) => checkAgainstOracle(tree, pairs, groups, ks)),
      { numRuns: 150 },
    );
  }, 60_000);

  it('larger trees, so queries span many 32-node blocks of the range-minimum table', () => {
    fc.assert(
      fc.property(treeWithQueries(3000), ({ tree, pairs, groups, ks }) => checkAgainstOracle(tree, pairs, groups, ks)),
      { numRuns: 40 },
    );
  }, 60_000);
});

describe('all pairs on small trees', () => {
  it('lca, distance and isAncestor for every pair agree with the oracle and with the one-shot function', () => {
    fc.assert(
      fc.property(anyTree(24), (tree) => {
        const oracle = new AncestorOracle(tree.parent);
        const [dense] = inputForms(tree);
        const children = dense?.children as number[][];
        const index = buildLcaIndex(children);
        const viaClass = new LcaIndexClass<number>(children);
        const n = tree.parent.length;
        for (let a = 0; a < n; a++) {
          for (let b = 0; b < n; b++) {
            const want = oracle.lca(a, b);
            expect(index.lca(a, b)).toBe(want);
            expect(viaClass.lca(a, b)).toBe(want);
            expect(lowestCommonAncestor(children, a, b)).toBe(want);
            expect(index.isAncestor(a, b)).toBe(oracle.isAncestor(a, b));
            expect(index.distance(a, b)).toBe(oracle.distance(a, b));
          }
        }
      }),
      { numRuns: 100 },
    );
  }, 60_000);
});

describe('a root inside a bigger input', () => {
  it('the tree is what is reachable from the given root; the rest is not a node', () => {
    fc.assert(
      fc.property(
        anyTree(60).chain((tree) => fc.tuple(fc.constant(tree), fc.nat(tree.parent.length - 1))),
        ([tree, subRoot]) => {
          const oracle = new AncestorOracle(tree.parent);
          for (const form of inputForms(tree)) {
            const index = buildLcaIndex(form.children as never, {
              root: form.id(subRoot) as never,
            }) as LcaIndex<unknown>;
            const inside = tree.parent.map((_, node) => oracle.isAncestor(subRoot, node));
            expect(index.size).toBe(inside.filter(Boolean).length);
            expect(form.label(index.root)).toBe(subRoot);
            tree.parent.forEach((_, node) => {
              expect(index.has(form.id(node)), `${form.form} has(${node})`).toBe(inside[node]);
              if (inside[node]) {
                expect(index.depth(form.id(node))).toBe(oracle.depth(node) - oracle.depth(subRoot));
                expect(form.label(index.lca(form.id(node), form.id(subRoot)))).toBe(subRoot);
              }
            });
          }
        },
      ),
      { numRuns: 100 },
    );
  }, 60_000);
});
