import { describeValue, quoteInput } from '@x/checks';

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
  /** The class name, `'TreeLcaError'`, so that logs and `error.name` checks can tell the errors apart. */
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
  /** The class name, `'TreeCycleError'`, so that logs and `error.name` checks can tell the errors apart. */
  override name = 'TreeCycleError';
  /** The nodes on the cycle, in parent → child order. */
  readonly cycle: readonly Id[];

  constructor(cycle: readonly Id[]) {
    super(`Expected a tree without cycles, got the cycle ${formatCycle(cycle)}`);
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
  /** The class name, `'MultipleParentsError'`, so that logs and `error.name` checks can tell the errors apart. */
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
  /** The class name, `'MultipleRootsError'`, so that logs and `error.name` checks can tell the errors apart. */
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
  /** The class name, `'EmptyTreeError'`, so that logs and `error.name` checks can tell the errors apart. */
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
  /** The class name, `'NodeNotFoundError'`, so that logs and `error.name` checks can tell the errors apart. */
  override name = 'NodeNotFoundError';
  /** The node that was asked for. */
  readonly node: Id;
  /** The name of the argument that held it (`a`, `b`, `node`, …). */
  readonly argument: string;

  constructor(argument: string, node: Id) {
    super(`Expected \`${argument}\` to be a node of the tree, got ${describeValue(node)}`);
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
  /** The class name, `'DuplicateChildError'`, so that logs and `error.name` checks can tell the errors apart. */
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
  /** The class name, `'InvalidArgumentError'`, so that logs and `error.name` checks can tell the errors apart. */
  override name = 'InvalidArgumentError';
  /** Which argument (or part of it) was wrong, e.g. `options.root` or `children[3][0]`. */
  readonly argument: string;
  /** The value that came in. */
  readonly value: unknown;

  constructor(argument: string, expected: string, value: unknown) {
    super(`Expected \`${argument}\` to be ${expected}, got ${describeValue(value)}`);
    this.argument = argument;
    this.value = value;
  }
}

/**
 * An option key that no entry point knows, e.g. a misspelled `rooot`. The message lists the
 * valid options and suggests the nearest one.
 *
 * @example
 * ```ts
 * import { buildLcaIndex, UnknownOptionError } from '@x/tree-lca';
 * try {
 *   buildLcaIndex({ r: ['a'] }, { rooot: 'r' } as never);
 * } catch (error) {
 *   if (error instanceof UnknownOptionError) error.message;
 *   // Unknown option `rooot` (did you mean `root`?) in `buildLcaIndex` options; valid options are `root`
 * }
 * ```
 */
export class UnknownOptionError extends InvalidArgumentError {
  /** The class name, `'UnknownOptionError'`, so that logs and `error.name` checks can tell the errors apart. */
  override name = 'UnknownOptionError';
  /** The option names that were given but are not known. */
  readonly unknownKeys: readonly string[];
  /** The option names the entry point knows. */
  readonly validKeys: readonly string[];

  constructor(message: string, options: object, unknownKeys: readonly string[], validKeys: readonly string[]) {
    super('options', 'an object of known options', options);
    this.message = message;
    this.unknownKeys = unknownKeys;
    this.validKeys = validKeys;
  }
}

/**
 * Reading an argument threw: a getter, a proxy trap, an iterator or a `children` function threw,
 * or a revoked proxy was passed. The original error is kept as `cause`; `argument` names what was
 * being read.
 *
 * @example
 * ```ts
 * import { buildLcaIndex, InputReadError } from '@x/tree-lca';
 * const children = (node: string) => {
 *   if (node === 'b') throw new Error('lookup failed');
 *   return node === 'r' ? ['b'] : undefined;
 * };
 * try {
 *   buildLcaIndex(children, { root: 'r' });
 * } catch (error) {
 *   if (error instanceof InputReadError) error.cause; // Error: lookup failed
 * }
 * ```
 */
export class InputReadError extends TreeLcaError {
  /** The class name, `'InputReadError'`, so that logs and `error.name` checks can tell the errors apart. */
  override name = 'InputReadError';
  /** What was being read when it threw: `children`, `options`, `nodes` or `pairs`. */
  readonly argument: string;

  constructor(argument: string, cause: unknown) {
    super(`Reading \`${argument}\` threw ${describeThrown(cause)}`, { cause });
    this.argument = argument;
  }
}

/**
 * Runs `read` (which reads user-supplied input) and turns anything it throws that is not one of
 * this package's errors into an {@link InputReadError} naming `argument`.
 */
export function readingInput<T>(argument: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof TreeLcaError) throw error;
    throw new InputReadError(argument, error);
  }
}

/** `TypeError: message` of a thrown value, bounded, without touching anything that could throw. */
function describeThrown(error: unknown): string {
  try {
    if (error instanceof Error) {
      return quoteInput(`${String(error.name)}: ${String(error.message)}`.replace(/\s*\n\s*/g, ' '));
    }
  } catch {
    return 'an error that cannot be read';
  }
  return describeValue(error);
}

/**
 * A node's id inside a message: strings and numbers bare in backticks (`` `a` ``, `` `7` ``), cut
 * and measured when long; anything else as {@link describeValue} renders it. Never throws.
 */
function formatNode(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quoteInput(value);
    case 'number':
    case 'boolean':
    case 'undefined':
      return `\`${String(value)}\``;
    case 'bigint':
      return `\`${value}n\``;
    default:
      return value === null ? '`null`' : describeValue(value);
  }
}

/** The most characters a list of nodes takes in a message (each node is cut to 60 already). */
const LIST_BUDGET = 480;

/**
 * A list of nodes for a message: the first ones up to `limit` (and {@link LIST_BUDGET}
 * characters), then how many were left out, then the last: `` `0`, `1`, … (40 more), `49` ``.
 */
function formatNodes(values: readonly unknown[], separator: string, limit = 10): string {
  if (values.length === 0) return '';
  const last = formatNode(values[values.length - 1]);
  const shown: string[] = [];
  let used = last.length;
  for (let i = 0; i < values.length - 1 && shown.length < limit - 1; i++) {
    const text = formatNode(values[i]);
    if (used + text.length > LIST_BUDGET) break;
    shown.push(text);
    used += text.length + separator.length;
  }
  const left = values.length - 1 - shown.length;
  const more = left === 0 ? [] : [`… (${left} more)`];
  return [...shown, ...more, last].join(separator);
}

/**
 * A cycle for a message, closed on its first node: `` `a` → `b` → `a` ``, or for a long one the
 * first nodes, how many more there are, and back to the first, with the cycle's length:
 * `` `1` → `2` → … (999990 more) → `1` (a cycle of 1000000 nodes) ``.
 */
function formatCycle(cycle: readonly unknown[]): string {
  const first = formatNode(cycle[0]);
  const shown: string[] = [];
  let used = first.length;
  for (let i = 0; i < cycle.length && shown.length < 10; i++) {
    const text = formatNode(cycle[i]);
    if (used + text.length > LIST_BUDGET) break;
    shown.push(text);
    used += text.length + 3;
  }
  const left = cycle.length - shown.length;
  if (left === 0) return [...shown, first].join(' → ');
  return `${[...shown, `… (${left} more)`, first].join(' → ')} (a cycle of ${cycle.length} nodes)`;
}
