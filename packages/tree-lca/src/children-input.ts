/**
 * A function returning a node's children, or `undefined` (or an empty iterable) for a leaf;
 * `null` is an error. Anything it throws becomes an `InputReadError` with the thrown error as
 * its `cause`.
 * Only nodes reachable from `options.root` are ever asked for, so this form needs a `root`.
 *
 * @example
 * ```ts
 * import type { ChildrenFunction } from '@x/tree-lca';
 * // the complete binary tree on 1 … 15, heap-numbered
 * const children: ChildrenFunction<number> = (node) => (node < 8 ? [2 * node, 2 * node + 1] : undefined);
 * ```
 */
export type ChildrenFunction<Id> = (node: Id) => Iterable<Id> | undefined;

/**
 * Dense numeric trees, the fast path: entry `i` lists the children of node `i`. Node ids are
 * integers from 0 to 2^31 - 2; a missing (`undefined`) entry or one past the end means no
 * children, so leaves at the end may be left out (`null` is an error, as in every form). At most
 * 2^26 entries. No `Map` is used internally while ids stay near the node count; ids far larger
 * (`[[2 ** 31 - 2]]`) are read compactly, like a `Map`, so memory follows the tree, not the
 * largest id.
 *
 * @example
 * ```ts
 * import type { DenseChildren } from '@x/tree-lca';
 * const children: DenseChildren = [[1, 2], [3], [], []]; // 0 → 1, 2 and 1 → 3
 * ```
 */
export type DenseChildren = ArrayLike<ArrayLike<number> | undefined>;

/**
 * String-keyed trees as a plain object: `record[node]` lists the children of `node`. Only own
 * enumerable keys count; children must be strings.
 *
 * @example
 * ```ts
 * import type { ChildrenRecord } from '@x/tree-lca';
 * const children: ChildrenRecord = { root: ['left', 'right'], left: ['a', 'b'] };
 * ```
 */
export type ChildrenRecord = Readonly<Record<string, Iterable<string>>>;

/**
 * Every form of input each entry point accepts: a `Map` from node to children (any id type compared
 * with `SameValueZero`, like `Map` keys), a plain object of string ids ({@link ChildrenRecord}), a
 * function ({@link ChildrenFunction}, with `options.root`), or dense numeric arrays
 * ({@link DenseChildren}). The id type is inferred from the input.
 *
 * @example
 * ```ts
 * import type { ChildrenInput } from '@x/tree-lca';
 * const asMap: ChildrenInput<string> = new Map([['root', ['a', 'b']]]);
 * const asRecord: ChildrenInput<string> = { root: ['a', 'b'] };
 * const asFunction: ChildrenInput<string> = (node) => (node === 'root' ? ['a', 'b'] : undefined);
 * const asArrays: ChildrenInput<number> = [[1, 2]];
 * ```
 */
export type ChildrenInput<Id> =
  | ReadonlyMap<Id, Iterable<Id>>
  | ChildrenFunction<Id>
  | Readonly<Record<string, Iterable<Id & string>>>
  | ArrayLike<ArrayLike<Id & number> | undefined>;

/**
 * Options of every entry point.
 *
 * @example
 * ```ts
 * import { buildLcaIndex } from '@x/tree-lca';
 * // only what is reachable from 'b' is the tree; the rest of the map is not read
 * const index = buildLcaIndex(new Map([['a', ['b']], ['b', ['c', 'd']]]), { root: 'b' });
 * index.has('a'); // false
 * ```
 */
export interface TreeOptions<Id> {
  /**
   * The root of the tree. When given, the tree is exactly what is reachable from it (a node reached
   * twice, or a cycle reachable from it, is still an error; the rest of the input is not read).
   * When left out, the root is the unique node that is nobody's child.
   * Required for a {@link ChildrenFunction} input. `undefined` means "not given".
   *
   * @default the unique node that is nobody's child
   */
  readonly root?: Id | undefined;
}
