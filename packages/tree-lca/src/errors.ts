import { formatNode, formatNodes, formatValue } from './format-value.js';

/**
 * Base class of every error this package throws, so one `instanceof` check catches them all.
 *
 * @example
 * ```ts
 * import { buildLcaIndex, TreeLcaError } from '@x/tree-lca';
 * try {
 *   buildLcaIndex(new Map([['a', ['b']], ['b', ['a']]]));
 * } catch (error) {
 *   if (error instanceof TreeLcaError) console.error(error.message);
 * }
 * ```
 */
export class TreeLcaError extends Error {
  override name = 'TreeLcaError';
}

/**
 * The input is not a tree: following children from some node leads back to it.
 * `cycle` lists the nodes around the loop, each the parent of the next, and the last the parent of
 * the first. A node listing itself as its own child is a cycle of one.
 *
 * @example
 * ```ts
 * import { buildLcaIndex, TreeCycleError } from '@x/tree-lca';
 * try {
 *   buildLcaIndex(new Map([['r', ['a']], ['a', ['b']], ['b', ['a']]]), { root: 'r' });
 * } catch (error) {
 *   if (error instanceof TreeCycleError) error.cycle; // ['a', 'b']
 * }
 * ```
 */
export class TreeCycleError<Id = unknown> extends TreeLcaError {
  override name = 'TreeCycleError';
  /** The nodes on the cycle, in parent → child order. */
  readonly cycle: readonly Id[];

  constructor(cycle: readonly Id[]) {
    super(
      `Expected a tree without cycles, got the cycle ${formatNodes([...cycle.slice(0, 20), cycle[0]], ' → ', 12)}` +
        (cycle.length > 20 ? ` (${cycle.length} nodes)` : ''),
    );
    this.cycle = cycle;
  }
}

/**
 * A node is listed as the child of two different nodes.
 *
 * @example
 * ```ts
 * import { buildLcaIndex, MultipleParentsError } from '@x/tree-lca';
 * try {
 *   buildLcaIndex(new Map([['r', ['a', 'b']], ['a', ['c']], ['b', ['c']]]));
 * } catch (error) {
 *   if (error instanceof MultipleParentsError) [error.node, error.parents]; // ['c', ['a', 'b']]
 * }
 * ```
 */
export class MultipleParentsError<Id = unknown> extends TreeLcaError {
  override name = 'MultipleParentsError';
  /** The node with two parents. */
  readonly node: Id;
  /** The first parent found, then the second. */
  readonly parents: readonly [Id, Id];

  constructor(node: Id, firstParent: Id, secondParent: Id) {
    super(
      `Expected node ${formatNode(node)} to have one parent, got ${formatNode(firstParent)} and ${formatNode(secondParent)}`,
    );
    this.node = node;
    this.parents = [firstParent, secondParent];
  }
}

/**
 * No `root` was given and more than one node is nobody's child: the input is a forest.
 *
 * @example
 * ```ts
 * import { buildLcaIndex, MultipleRootsError } from '@x/tree-lca';
 * try {
 *   buildLcaIndex(new Map([['a', ['b']], ['c', ['d']]]));
 * } catch (error) {
 *   if (error instanceof MultipleRootsError) error.roots; // ['a', 'c']
 * }
 * ```
 */
export class MultipleRootsError<Id = unknown> extends TreeLcaError {
  override name = 'MultipleRootsError';
  /** Every node that is nobody's child, in input order. */
  readonly roots: readonly Id[];

  constructor(roots: readonly Id[]) {
    super(
      `Expected one root (a node that is nobody's child), got ${roots.length}: ${formatNodes(roots, ', ')}; ` +
        'pass `options.root` to choose one',
    );
    this.roots = roots;
  }
}

/**
 * The input has no nodes at all (and no `root` was given).
 *
 * @example
 * ```ts
 * import { buildLcaIndex, EmptyTreeError } from '@x/tree-lca';
 * try {
 *   buildLcaIndex(new Map());
 * } catch (error) {
 *   error instanceof EmptyTreeError; // true
 * }
 * ```
 */
export class EmptyTreeError extends TreeLcaError {
  override name = 'EmptyTreeError';

  constructor() {
    super('Expected `children` to describe at least one node, got an empty input');
  }
}

/**
 * A query names a node that is not in the tree (with `root` given: not reachable from it).
 *
 * @example
 * ```ts
 * import { buildLcaIndex, NodeNotFoundError } from '@x/tree-lca';
 * const index = buildLcaIndex(new Map([['r', ['a']]]));
 * try {
 *   index.lca('a', 'zz');
 * } catch (error) {
 *   if (error instanceof NodeNotFoundError) error.node; // 'zz'
 * }
 * ```
 */
export class NodeNotFoundError<Id = unknown> extends TreeLcaError {
  override name = 'NodeNotFoundError';
  /** The node that was asked for. */
  readonly node: Id;
  /** The name of the argument that held it (`a`, `b`, `node`, …). */
  readonly argument: string;

  constructor(argument: string, node: Id) {
    super(`Expected \`${argument}\` to be a node of the tree, got ${formatValue(node)}`);
    this.argument = argument;
    this.node = node;
  }
}

/**
 * A node lists the same child twice.
 *
 * @example
 * ```ts
 * import { buildLcaIndex, DuplicateChildError } from '@x/tree-lca';
 * try {
 *   buildLcaIndex(new Map([['r', ['a', 'a']]]));
 * } catch (error) {
 *   if (error instanceof DuplicateChildError) [error.parent, error.child]; // ['r', 'a']
 * }
 * ```
 */
export class DuplicateChildError<Id = unknown> extends TreeLcaError {
  override name = 'DuplicateChildError';
  /** The node whose children list repeats a child. */
  readonly parent: Id;
  /** The repeated child. */
  readonly child: Id;

  constructor(parent: Id, child: Id) {
    super(`Expected the children of ${formatNode(parent)} to be distinct, got ${formatNode(child)} twice`);
    this.parent = parent;
    this.child = child;
  }
}

/**
 * An argument has the wrong shape: a `children` input of no supported form, a dense child id that is
 * not a non-negative integer, a function input without `options.root`, a negative `k`, and so on.
 *
 * @example
 * ```ts
 * import { buildLcaIndex, InvalidArgumentError } from '@x/tree-lca';
 * try {
 *   buildLcaIndex([[1, 2.5]]);
 * } catch (error) {
 *   if (error instanceof InvalidArgumentError) error.argument; // 'children[0][1]'
 * }
 * ```
 */
export class InvalidArgumentError extends TreeLcaError {
  override name = 'InvalidArgumentError';
  /** Which argument (or part of it) was wrong, e.g. `options.root` or `children[3][0]`. */
  readonly argument: string;
  /** The value that came in. */
  readonly value: unknown;

  constructor(argument: string, expected: string, value: unknown) {
    super(`Expected \`${argument}\` to be ${expected}, got ${formatValue(value)}`);
    this.argument = argument;
    this.value = value;
  }
}
