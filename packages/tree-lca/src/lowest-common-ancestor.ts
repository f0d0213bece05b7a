/**
 * The lowest common ancestor of `a` and `b` in a tree given as a map from each node to its children.
 * The root is the unique node that is nobody's child. Iterative: deep trees do not overflow the stack.
 *
 * @example
 * ```ts
 * import { lowestCommonAncestor } from '@x/tree-lca';
 * const tree = new Map([['r', ['a', 'b']], ['a', ['c', 'd']]]);
 * lowestCommonAncestor(tree, 'c', 'd'); // 'a'
 * ```
 */
export function lowestCommonAncestor<Id>(children: ReadonlyMap<Id, Iterable<Id>>, a: Id, b: Id): Id {
  const parent = new Map<Id, Id>();
  for (const [node, kids] of children) {
    for (const kid of kids) parent.set(kid, node);
  }
  const ancestorsOfA = new Set<Id>();
  for (let node: Id | undefined = a; node !== undefined; node = parent.get(node)) ancestorsOfA.add(node);
  for (let node: Id | undefined = b; node !== undefined; node = parent.get(node)) {
    if (ancestorsOfA.has(node)) return node;
  }
  throw new RangeError(`Expected \`${String(a)}\` and \`${String(b)}\` to be nodes of one tree`);
}
