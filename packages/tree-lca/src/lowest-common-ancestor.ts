import type { ChildrenFunction, ChildrenInput, ChildrenRecord, DenseChildren, TreeOptions } from './children-input.js';
import { InvalidArgumentError, NodeNotFoundError } from './errors.js';
import { ABSENT, NO_PARENT, type ParentTable, readTree } from './parent-table.js';

/**
 * The lowest common ancestor of `a` and `b`, in one shot: O(n) to read and validate the tree into
 * parent pointers, then the classic parent/depth climb (measure both depths, lift the deeper node
 * to the other's depth, climb both until they meet). Iterative throughout. For many queries on
 * one tree, build an {@link LcaIndex} instead.
 *
 * Throws the same errors as {@link buildLcaIndex} for input that is not one tree, and
 * {@link NodeNotFoundError} when `a` or `b` is not in it.
 *
 * @example
 * ```ts
 * import { lowestCommonAncestor } from '@x/tree-lca';
 * const tree = new Map([['r', ['a', 'b']], ['a', ['c', 'd']]]);
 * lowestCommonAncestor(tree, 'c', 'd'); // 'a'
 * lowestCommonAncestor({ r: ['a', 'b'], a: ['c'] }, 'c', 'b'); // 'r'
 * lowestCommonAncestor([[1, 2], [3]], 3, 1); // 1
 * lowestCommonAncestor((n: number) => (n < 4 ? [2 * n, 2 * n + 1] : undefined), 4, 7, { root: 1 }); // 1
 * ```
 */
export function lowestCommonAncestor(
  children: DenseChildren,
  a: number,
  b: number,
  options?: TreeOptions<number>,
): number;
export function lowestCommonAncestor(
  children: ChildrenRecord,
  a: string,
  b: string,
  options?: TreeOptions<string>,
): string;
export function lowestCommonAncestor<Id>(
  children: ReadonlyMap<Id, Iterable<Id>>,
  a: Id,
  b: Id,
  options?: TreeOptions<Id>,
): Id;
export function lowestCommonAncestor<Id>(
  children: ChildrenFunction<Id>,
  a: Id,
  b: Id,
  options: TreeOptions<Id> & { readonly root: Id },
): Id;
export function lowestCommonAncestor<Id>(children: ChildrenInput<Id>, a: Id, b: Id, options?: TreeOptions<Id>): Id;
export function lowestCommonAncestor<Id>(children: ChildrenInput<Id>, a: Id, b: Id, options: TreeOptions<Id> = {}): Id {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', 'an object', options);
  }
  const table = readTree<Id>(children, options.root);
  const parent = table.parent;
  let x = slotIn(table, a, 'a');
  let y = slotIn(table, b, 'b');
  let depthX = depthOf(parent, x);
  let depthY = depthOf(parent, y);
  for (; depthX > depthY; depthX--) x = parent[x] as number;
  for (; depthY > depthX; depthY--) y = parent[y] as number;
  while (x !== y) {
    x = parent[x] as number;
    y = parent[y] as number;
  }
  return table.ids === undefined ? (x as Id) : (table.ids[x] as Id);
}

function depthOf(parent: Int32Array, slot: number): number {
  let depth = 0;
  for (let x = parent[slot] as number; x !== NO_PARENT; x = parent[x] as number) depth++;
  return depth;
}

function slotIn<Id>(table: ParentTable<Id>, node: Id, argument: string): number {
  if (table.slotOf !== undefined) {
    const slot = table.slotOf.get(node);
    if (slot !== undefined) return slot;
  } else if (typeof node === 'number' && node >>> 0 === node && node < table.slots && table.parent[node] !== ABSENT) {
    return node;
  }
  throw new NodeNotFoundError(argument, node);
}
