import type { ChildrenFunction, ChildrenInput, ChildrenRecord, DenseChildren, TreeOptions } from './children-input.js';
import { NodeNotFoundError, readingInput } from './errors.js';
import {
  INFO_FIELDS as LAYOUT_INFO_FIELDS,
  NOT_A_NODE as LAYOUT_NOT_A_NODE,
  PARENT_BIAS as LAYOUT_PARENT_BIAS,
  type ParentTable,
  readTree,
} from './parent-table.js';
import { checkTreeOptions, readRoot } from './tree-options.js';

// Module-local copies of the cell layout: plain constants in the hot loops, whatever the module
// format (an imported binding can compile to a property read on every use).
const INFO_FIELDS = LAYOUT_INFO_FIELDS;
const NOT_A_NODE = LAYOUT_NOT_A_NODE;
const PARENT_BIAS = LAYOUT_PARENT_BIAS;

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
export function lowestCommonAncestor<Id>(children: ChildrenInput<Id>, a: Id, b: Id, options?: TreeOptions<Id>): Id {
  checkTreeOptions(options, 'lowestCommonAncestor');
  const root = readRoot(options);
  const table = readingInput('children', () => readTree<Id>(children, root));
  const info = table.info;
  const up = (slot: number): number => (info[INFO_FIELDS * slot] as number) - PARENT_BIAS;
  let x = slotIn(table, a, 'a');
  let y = slotIn(table, b, 'b');
  let depthX = 0;
  let depthY = 0;
  for (let z = up(x); z >= 0; z = up(z)) depthX++;
  for (let z = up(y); z >= 0; z = up(z)) depthY++;
  for (; depthX > depthY; depthX--) x = up(x);
  for (; depthY > depthX; depthY--) y = up(y);
  while (x !== y) {
    x = up(x);
    y = up(y);
  }
  return table.ids === undefined ? (x as Id) : (table.ids[x] as Id);
}

function slotIn<Id>(table: ParentTable<Id>, node: Id, argument: string): number {
  if (table.slotOf !== undefined) {
    const slot = table.slotOf.get(node);
    if (slot !== undefined) return slot;
  } else if (
    typeof node === 'number' &&
    node >>> 0 === node &&
    node < table.slots &&
    table.info[INFO_FIELDS * node] !== NOT_A_NODE
  ) {
    return node;
  }
  throw new NodeNotFoundError(argument, node);
}
