import fc from 'fast-check';

/** A tree as a parent array over labels `0 … n-1` (`-1` for the root). */
export interface LabeledTree {
  readonly shape: string;
  readonly parent: number[];
  readonly root: number;
}

/** Shapes by "parent of node i" over i = 1 … n-1 in creation order (node 0 is the root). */
function randomRecursive(maxNodes: number): fc.Arbitrary<number[]> {
  return fc
    .array(fc.nat(), { minLength: 0, maxLength: maxNodes - 1 })
    .map((picks) => [-1, ...picks.map((pick, i) => pick % (i + 1))]);
}

function chain(maxNodes: number): fc.Arbitrary<number[]> {
  return fc.integer({ min: 1, max: maxNodes }).map((n) => Array.from({ length: n }, (_, i) => i - 1));
}

function star(maxNodes: number): fc.Arbitrary<number[]> {
  return fc.integer({ min: 1, max: maxNodes }).map((n) => Array.from({ length: n }, (_, i) => (i === 0 ? -1 : 0)));
}

/** A spine (a path) with legs: every other node hangs off a spine node. */
function caterpillar(maxNodes: number): fc.Arbitrary<number[]> {
  return fc
    .tuple(fc.integer({ min: 1, max: Math.max(1, maxNodes >> 1) }), fc.array(fc.nat(), { maxLength: maxNodes >> 1 }))
    .map(([spine, legs]) => [...Array.from({ length: spine }, (_, i) => i - 1), ...legs.map((pick) => pick % spine)]);
}

/** Binary trees that grow deep: each new node hangs off one of the few most recent free nodes. */
function deepBinary(maxNodes: number): fc.Arbitrary<number[]> {
  return fc.array(fc.nat(3), { maxLength: maxNodes - 1 }).map((picks) => {
    const parent = [-1];
    const childCount = [0];
    const open = [0]; // nodes with fewer than two children, most recent last
    for (const pick of picks) {
      const at = Math.max(0, open.length - 1 - pick);
      const p = open[at] as number;
      const node = parent.length;
      parent.push(p);
      childCount.push(0);
      childCount[p] = (childCount[p] as number) + 1;
      if (childCount[p] === 2) open.splice(at, 1);
      open.push(node);
    }
    return parent;
  });
}

/**
 * Random recursive trees renumbered in depth-first preorder (children in creation order), so that,
 * unrelabeled, every node's preorder position is its own id: the index summarizes each block of
 * positions as it places them.
 */
function preorderNumbered(maxNodes: number): fc.Arbitrary<number[]> {
  return randomRecursive(maxNodes).map((created) => {
    const kids: number[][] = created.map(() => []);
    for (let i = 1; i < created.length; i++) (kids[created[i] as number] as number[]).push(i);
    const number = new Array<number>(created.length);
    const stack = [0];
    let next = 0;
    while (stack.length > 0) {
      const node = stack.pop() as number;
      number[node] = next++;
      const list = kids[node] as number[];
      for (let j = list.length - 1; j >= 0; j--) stack.push(list[j] as number);
    }
    const parent = new Array<number>(created.length).fill(-1);
    for (let i = 1; i < created.length; i++) parent[number[i] as number] = number[created[i] as number] as number;
    return parent;
  });
}

/** Relabels a creation-order tree with a random permutation, so parents need not precede children. */
function relabel(shape: string, parents: fc.Arbitrary<number[]>): fc.Arbitrary<LabeledTree> {
  return parents.chain((created) => {
    const n = created.length;
    const identity = Array.from({ length: n }, (_, i) => i);
    return fc
      .oneof(fc.constant(identity), fc.shuffledSubarray(identity, { minLength: n, maxLength: n }))
      .map((label) => {
        const parent = new Array<number>(n).fill(-1);
        for (let i = 1; i < n; i++) parent[label[i] as number] = label[created[i] as number] as number;
        return { shape, parent, root: label[0] as number };
      });
  });
}

/** Every shape the issue asks for, random sizes up to `maxNodes`. */
export function anyTree(maxNodes = 200): fc.Arbitrary<LabeledTree> {
  return fc.oneof(
    relabel('random parent array', randomRecursive(maxNodes)),
    relabel('chain', chain(maxNodes)),
    relabel('star', star(maxNodes)),
    relabel('caterpillar', caterpillar(maxNodes)),
    relabel('deep binary', deepBinary(maxNodes)),
    relabel('numbered in preorder', preorderNumbered(maxNodes)),
  );
}

/** Children lists by label, in label order. */
export function childrenLists(tree: LabeledTree): number[][] {
  const lists: number[][] = tree.parent.map(() => []);
  tree.parent.forEach((p, node) => {
    if (p >= 0) (lists[p] as number[]).push(node);
  });
  return lists;
}

export const name = (label: number): string => `n${label}`;
export const label = (id: string): number => Number(id.slice(1));

/** One input form of a tree: the `children` argument, options, and how labels map to ids. */
export interface InputForm {
  readonly form: string;
  readonly children: unknown;
  readonly options: { readonly root?: unknown };
  id(label: number): unknown;
  label(id: unknown): number;
}

/** The tree in every input form. */
export function inputForms(tree: LabeledTree): InputForm[] {
  const lists = childrenLists(tree);
  const root = tree.root;
  // leaves are listed with [] in some forms and left out in others: both must work
  const stringMap = new Map<string, string[]>();
  lists.forEach((kids, node) => {
    if (kids.length > 0 || node % 2 === 0) stringMap.set(name(node), kids.map(name));
  });
  const record: Record<string, string[]> = Object.fromEntries(stringMap);
  const objects = tree.parent.map((_, node) => ({ node }));
  const objectMap = new Map(lists.map((kids, node) => [objects[node], kids.map((k) => objects[k])]));
  const numberMap = new Map(lists.map((kids, node) => [node, kids] as const));
  const numeric = { id: (l: number) => l, label: (id: unknown) => id as number };
  const named = { id: name, label: (id: unknown) => label(id as string) };
  const sparse = sparseIds(tree, lists);
  return [
    { form: 'dense arrays', children: lists, options: {}, ...numeric },
    { form: 'dense arrays, sparse ids', children: sparse.children, options: {}, ...sparse.ids },
    { form: 'dense arrays, sparse ids, root given', children: sparse.children, options: { root: 0 }, ...sparse.ids },
    { form: 'dense arrays, root given', children: lists, options: { root }, ...numeric },
    { form: 'Map<number>', children: numberMap, options: {}, ...numeric },
    { form: 'Map<string>', children: stringMap, options: {}, ...named },
    { form: 'Map<string>, root given', children: stringMap, options: { root: name(root) }, ...named },
    {
      form: 'Map<object>',
      children: objectMap,
      options: {},
      id: (l: number) => objects[l],
      label: (id: unknown) => (id as { node: number }).node,
    },
    { form: 'Record', children: record, options: {}, ...named },
    { form: 'Record, root given', children: record, options: { root: name(root) }, ...named },
    { form: 'function', children: (id: string) => stringMap.get(id), options: { root: name(root) }, ...named },
  ];
}

/**
 * The tree as dense arrays whose leaves have ids near 2^31 (the compact path): the root and the
 * other inner nodes are numbered 0 … m-1 (every index of a dense array is a node), each leaf
 * `2^31 - 2 - 7919 × k`.
 */
function sparseIds(
  tree: LabeledTree,
  lists: number[][],
): { children: number[][]; ids: Pick<InputForm, 'id' | 'label'> } {
  const idOf = new Map<number, number>();
  const inner = [tree.root, ...lists.flatMap((kids, node) => (kids.length > 0 && node !== tree.root ? [node] : []))];
  for (const [i, node] of inner.entries()) idOf.set(node, i);
  let leaves = 0;
  lists.forEach((kids, node) => {
    if (kids.length === 0 && node !== tree.root) idOf.set(node, 2 ** 31 - 2 - 7919 * leaves++);
  });
  const labelOf = new Map([...idOf].map(([node, id]) => [id, node]));
  const children = inner.map((node) => (lists[node] as number[]).map((kid) => idOf.get(kid) as number));
  return { children, ids: { id: (l) => idOf.get(l), label: (id) => labelOf.get(id as number) as number } };
}
