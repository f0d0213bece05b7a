import type { ChildrenFunction, ChildrenInput, ChildrenRecord, DenseChildren, TreeOptions } from './children-input.js';
import { InvalidArgumentError, NodeNotFoundError, readingInput } from './errors.js';
import { LevelAncestors } from './level-ancestors.js';
import {
  INFO_FIELDS as LAYOUT_INFO_FIELDS,
  NOT_A_NODE as LAYOUT_NOT_A_NODE,
  PARENT_BIAS as LAYOUT_PARENT_BIAS,
  readTree,
} from './parent-table.js';
import {
  fillBlock,
  RMQ_BLOCK_BITS as LAYOUT_RMQ_BLOCK_BITS,
  RMQ_FIELDS as LAYOUT_RMQ_FIELDS,
  RMQ_PAYLOAD as LAYOUT_RMQ_PAYLOAD,
  RMQ_VALUE as LAYOUT_RMQ_VALUE,
  RangeMinimum,
  rangeMinimumCells,
} from './range-minimum.js';
import { checkTreeOptions, readRoot } from './tree-options.js';

// Module-local copies of the cell layout: plain constants in the hot loops, whatever the module
// format (an imported binding can compile to a property read on every use).
const INFO_FIELDS = LAYOUT_INFO_FIELDS;
const PARENT_BIAS = LAYOUT_PARENT_BIAS;
const NOT_A_NODE = LAYOUT_NOT_A_NODE;
const RMQ_FIELDS = LAYOUT_RMQ_FIELDS;
const RMQ_VALUE = LAYOUT_RMQ_VALUE;
const RMQ_PAYLOAD = LAYOUT_RMQ_PAYLOAD;
const BLOCK_BITS = LAYOUT_RMQ_BLOCK_BITS;
const BLOCK_LOW = (1 << BLOCK_BITS) - 1;

/**
 * Fields of a slot's cell in `#info`. While building, field 0 holds the parent (see
 * {@link INFO_FIELDS}) until the slot is placed, which replaces it with the slot's preorder
 * position + 1 (`NOT_A_NODE`, 0, still means "not a node"); the parent is then kept in the range
 * minimum's cell at that position.
 */
const PRE = 0;
const END = 1;

/**
 * A tree preprocessed for O(1) lowest-common-ancestor queries. Build it once in O(n) (one pass over
 * the input plus typed-array passes, no recursion), then ask as many questions as you like.
 *
 * Internally nodes are numbered in depth-first preorder. For `u ≠ v` with `u` first in preorder,
 * the LCA is the parent of the shallowest node in the preorder range `(u, v]`; that range-minimum
 * query is answered in O(1) by blocks of 32 (bit masks) and a sparse table over block minima.
 * About 24 bytes per node for dense input.
 *
 * Every query validates its nodes and throws {@link NodeNotFoundError} for one that is not in the
 * tree. A node counts as its own ancestor (and descendant), as usual for LCA.
 *
 * {@link buildLcaIndex} infers the id type from every input form; with `new`, `Map` and function
 * inputs infer it too, while dense arrays and plain objects take it explicitly:
 * `new LcaIndex<number>(arrays)`, `new LcaIndex<string>(record)`.
 *
 * @typeParam Id - the node id type
 *
 * @example
 * ```ts
 * import { LcaIndex } from '@x/tree-lca';
 * const index = new LcaIndex(new Map([['root', ['a', 'b']], ['a', ['c', 'd']]]));
 * index.lca('c', 'd'); // 'a'
 * index.lca('c', 'b'); // 'root'
 * index.distance('c', 'b'); // 3
 * index.path('c', 'b'); // ['c', 'a', 'root', 'b']
 * ```
 */
export class LcaIndex<Id> {
  /**
   * Per slot, `INFO_FIELDS` int32: [preorder position + 1 (0: not a node), end of its preorder
   * range (position + subtree size)].
   */
  readonly #info: Int32Array;
  /**
   * Per preorder position, `RMQ_FIELDS` int32 of the range minimum: [depth, parent slot, mask],
   * then its sparse table. A node's depth and parent are read here, at its position.
   */
  readonly #cells: Int32Array;
  readonly #size: number;
  readonly #slots: number;
  readonly #rootSlot: number;
  /** Slot → id, for every form but dense. */
  readonly #ids: Id[] | undefined;
  /** Id → slot, for every form but dense. */
  readonly #slotOf: Map<Id, number> | undefined;
  readonly #minimum: RangeMinimum;
  /** Built on the first `kthAncestor` that needs it. */
  #levels: LevelAncestors | undefined;
  /** Preorder position → slot, built with `#levels`. */
  #order: Int32Array | undefined;

  /**
   * Builds the index. Throws {@link TreeCycleError}, {@link MultipleParentsError},
   * {@link DuplicateChildError}, {@link MultipleRootsError}, {@link EmptyTreeError} or
   * {@link InvalidArgumentError} when the input is not one tree.
   *
   * @param children - the tree, as any {@link ChildrenInput} form
   * @param options - {@link TreeOptions}: the optional `root`
   */
  constructor(children: ChildrenInput<Id>, options?: TreeOptions<Id>) {
    checkTreeOptions(options, 'LcaIndex');
    const root = readRoot(options);
    const table = readingInput('children', () => readTree<Id>(children, root));
    const { info, slots, topo, nodes: n } = table;
    const rootSlot = table.root;
    // Preorder positions without a depth-first walk: a subtree is a contiguous preorder range, so
    // once subtree sizes are known (children first), each child starts at its parent's next free
    // position. Two passes over a parents-first order whose random reads do not wait on each other
    // (a walk would chase one pointer at a time); a node's fields share one small cell.
    // Field END holds size - 1 in the first pass, the next free position in the second, and the
    // end of the node's range once all its children are placed.
    const count = topo === undefined ? slots : topo.length;
    if (!table.sized) addSubtreeSizes(info, topo, count);
    const cells = rangeMinimumCells(n);
    // the root: position 0, depth 0, no parent (never an answer: ranges start after it)
    cells[RMQ_PAYLOAD] = -1;
    info[INFO_FIELDS * rootSlot + PRE] = 1;
    info[INFO_FIELDS * rootSlot + END] = 1;
    const filled = placeAll(info, cells, topo, count, n);
    this.#info = info;
    this.#cells = cells;
    this.#size = n;
    this.#slots = slots;
    this.#rootSlot = rootSlot;
    this.#ids = table.ids;
    this.#slotOf = table.slotOf;
    this.#minimum = new RangeMinimum(cells, n, filled);
  }

  /**
   * The root of the tree.
   *
   * @example
   * ```ts
   * import { buildLcaIndex } from '@x/tree-lca';
   * buildLcaIndex({ r: ['a', 'b'] }).root; // 'r'
   * ```
   */
  get root(): Id {
    return this.#slotId(this.#rootSlot);
  }

  /**
   * The number of nodes in the tree.
   *
   * @example
   * ```ts
   * import { buildLcaIndex } from '@x/tree-lca';
   * buildLcaIndex({ r: ['a', 'b'] }).size; // 3
   * ```
   */
  get size(): number {
    return this.#size;
  }

  /**
   * Whether `node` is in the tree. O(1).
   *
   * @example
   * ```ts
   * import { buildLcaIndex } from '@x/tree-lca';
   * const index = buildLcaIndex([[1, 2]]);
   * [index.has(2), index.has(3), index.has('1')]; // [true, false, false]
   * ```
   */
  has(node: Id): boolean {
    return this.#find(node) >= 0;
  }

  /**
   * The lowest common ancestor of `a` and `b`: the deepest node that has both in its subtree. O(1).
   *
   * @example
   * ```ts
   * import { buildLcaIndex } from '@x/tree-lca';
   * const index = buildLcaIndex([[1, 2], [3, 4]]);
   * index.lca(3, 4); // 1
   * index.lca(3, 2); // 0
   * index.lca(1, 4); // 1
   * ```
   */
  lca(a: Id, b: Id): Id {
    return this.#slotId(this.#lcaSlot(this.#slot(a, 'a'), this.#slot(b, 'b')));
  }

  /**
   * The lowest common ancestor of every node in `nodes` (at least one). O(k) for k nodes: it is the
   * LCA of the first and last of them in preorder.
   *
   * @example
   * ```ts
   * import { buildLcaIndex } from '@x/tree-lca';
   * const index = buildLcaIndex([[1, 2], [3, 4], [5]]);
   * index.lcaOf([3, 4]); // 1
   * index.lcaOf([3, 4, 5]); // 0
   * index.lcaOf([5]); // 5
   * ```
   */
  lcaOf(nodes: Iterable<Id>): Id {
    let first = -1;
    let last = -1;
    let firstPre = 0;
    let lastPre = 0;
    readingInput('nodes', () => {
      if (typeof nodes !== 'object' || nodes === null || typeof nodes[Symbol.iterator] !== 'function') {
        throw new InvalidArgumentError('nodes', 'an iterable of nodes', nodes);
      }
      for (const node of nodes) {
        const slot = this.#slot(node, 'nodes');
        const pre = this.#pre(slot);
        if (first < 0 || pre < firstPre) {
          first = slot;
          firstPre = pre;
        }
        if (last < 0 || pre > lastPre) {
          last = slot;
          lastPre = pre;
        }
      }
    });
    if (first < 0) throw new InvalidArgumentError('nodes', 'at least one node', nodes);
    return this.#slotId(this.#lcaSlot(first, last));
  }

  /**
   * `lca` for each `[a, b]` pair, in order.
   *
   * @example
   * ```ts
   * import { buildLcaIndex } from '@x/tree-lca';
   * const index = buildLcaIndex([[1, 2], [3, 4]]);
   * index.lcaBatch([[3, 4], [3, 2]]); // [1, 0]
   * ```
   */
  lcaBatch(pairs: Iterable<readonly [Id, Id]>): Id[] {
    const answers: Id[] = [];
    readingInput('pairs', () => {
      if (typeof pairs !== 'object' || pairs === null || typeof pairs[Symbol.iterator] !== 'function') {
        throw new InvalidArgumentError('pairs', 'an iterable of [a, b] pairs', pairs);
      }
      for (const pair of pairs) {
        if (typeof pair !== 'object' || pair === null || pair.length !== 2) {
          throw new InvalidArgumentError(`pairs[${answers.length}]`, 'an [a, b] pair', pair);
        }
        // each element read once: a getter may answer differently on a second read
        const a = pair[0];
        const b = pair[1];
        answers.push(this.#slotId(this.#lcaSlot(this.#slot(a, 'a'), this.#slot(b, 'b'))));
      }
    });
    return answers;
  }

  /**
   * The number of edges from the root to `node` (the root has depth 0). O(1).
   *
   * @example
   * ```ts
   * import { buildLcaIndex } from '@x/tree-lca';
   * buildLcaIndex([[1], [2]]).depth(2); // 2
   * ```
   */
  depth(node: Id): number {
    return this.#depthOf(this.#slot(node, 'node'));
  }

  /**
   * The parent of `node`, `undefined` for the root. O(1).
   *
   * @example
   * ```ts
   * import { buildLcaIndex } from '@x/tree-lca';
   * const index = buildLcaIndex({ r: ['a'] });
   * [index.parent('a'), index.parent('r')]; // ['r', undefined]
   * ```
   */
  parent(node: Id): Id | undefined {
    const slot = this.#parentOf(this.#slot(node, 'node'));
    return slot < 0 ? undefined : this.#slotId(slot);
  }

  /**
   * Whether `ancestor` is an ancestor of `node`; a node is its own ancestor. O(1): `ancestor`'s
   * subtree is a contiguous preorder range.
   *
   * @example
   * ```ts
   * import { buildLcaIndex } from '@x/tree-lca';
   * const index = buildLcaIndex([[1, 2], [3]]);
   * [index.isAncestor(0, 3), index.isAncestor(2, 3), index.isAncestor(3, 3)]; // [true, false, true]
   * ```
   */
  isAncestor(ancestor: Id, node: Id): boolean {
    const cell = INFO_FIELDS * this.#slot(ancestor, 'ancestor');
    const info = this.#info;
    const p = info[INFO_FIELDS * this.#slot(node, 'node') + PRE] as number;
    // both positions + 1, the end too: `ancestor`'s range is [start, end)
    return (info[cell + PRE] as number) <= p && p <= (info[cell + END] as number);
  }

  /**
   * The number of edges on the path between `a` and `b`. O(1).
   *
   * @example
   * ```ts
   * import { buildLcaIndex } from '@x/tree-lca';
   * buildLcaIndex([[1, 2], [3]]).distance(3, 2); // 3
   * ```
   */
  distance(a: Id, b: Id): number {
    const sa = this.#slot(a, 'a');
    const sb = this.#slot(b, 'b');
    return this.#depthOf(sa) + this.#depthOf(sb) - 2 * this.#depthOf(this.#lcaSlot(sa, sb));
  }

  /**
   * The nodes on the path from `a` to `b`, both included: `a`, up to the LCA, down to `b`.
   * O(length of the path).
   *
   * @example
   * ```ts
   * import { buildLcaIndex } from '@x/tree-lca';
   * buildLcaIndex([[1, 2], [3]]).path(3, 2); // [3, 1, 0, 2]
   * ```
   */
  path(a: Id, b: Id): Id[] {
    const sa = this.#slot(a, 'a');
    const sb = this.#slot(b, 'b');
    const meet = this.#lcaSlot(sa, sb);
    const path: Id[] = [];
    for (let s = sa; s !== meet; s = this.#parentOf(s)) path.push(this.#slotId(s));
    path.push(this.#slotId(meet));
    const start = path.length;
    for (let s = sb; s !== meet; s = this.#parentOf(s)) path.push(this.#slotId(s));
    // the second half was collected from b upward; put it in order
    for (let i = start, j = path.length - 1; i < j; i++, j--) {
      const swap = path[i] as Id;
      path[i] = path[j] as Id;
      path[j] = swap;
    }
    return path;
  }

  /**
   * The ancestor `k` edges above `node` (`k = 0` gives `node`), or `undefined` when `k` exceeds its
   * depth. O(log n); the first call builds a depth-bucketed table (8 bytes per node) once.
   *
   * @example
   * ```ts
   * import { buildLcaIndex } from '@x/tree-lca';
   * const index = buildLcaIndex([[1], [2], [3]]);
   * [index.kthAncestor(3, 0), index.kthAncestor(3, 2), index.kthAncestor(3, 4)]; // [3, 1, undefined]
   * ```
   */
  kthAncestor(node: Id, k: number): Id | undefined {
    const slot = this.#slot(node, 'node');
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 0) {
      throw new InvalidArgumentError('k', 'an integer from 0 and up', k);
    }
    const p = this.#pre(slot);
    const target = (this.#cells[RMQ_FIELDS * p + RMQ_VALUE] as number) - k;
    if (target < 0) return undefined;
    if (k === 0) return this.#slotId(slot); // not `node`: -0 names node 0, and answers are ids
    if (k === 1) return this.#slotId(this.#cells[RMQ_FIELDS * p + RMQ_PAYLOAD] as number);
    if (this.#levels === undefined || this.#order === undefined) {
      const n = this.size;
      const info = this.#info;
      const order = new Int32Array(n);
      for (let s = 0; s < this.#slots; s++) {
        const pre = info[INFO_FIELDS * s + PRE] as number;
        if (pre !== NOT_A_NODE) order[pre - 1] = s;
      }
      this.#order = order;
      const depth = new Int32Array(n);
      for (let q = 0; q < n; q++) depth[q] = this.#cells[RMQ_FIELDS * q + RMQ_VALUE] as number;
      this.#levels = new LevelAncestors(depth);
    }
    return this.#slotId(this.#order[this.#levels.ancestorAt(p, target)] as number);
  }

  /**
   * The slot of the LCA of two slots. With `u` before `v` in preorder, every node in the preorder
   * range `(u, v]` lies below the LCA, and the shallowest of them is a child of it (the one on the
   * way to `v`), so the LCA is that node's parent, stored beside its depth.
   */
  #lcaSlot(sa: number, sb: number): number {
    if (sa === sb) return sa;
    const info = this.#info;
    // positions + 1: (u, v] is [u + 1, v] in positions
    const pa = info[INFO_FIELDS * sa + PRE] as number;
    const pb = info[INFO_FIELDS * sb + PRE] as number;
    return pa < pb ? this.#minimum.minPayload(pa, pb - 1) : this.#minimum.minPayload(pb, pa - 1);
  }

  /** The slot of `node`, -1 when it is not in the tree. */
  #find(node: Id): number {
    const slotOf = this.#slotOf;
    if (slotOf === undefined) {
      return typeof node === 'number' &&
        node >>> 0 === node &&
        node < this.#slots &&
        this.#info[INFO_FIELDS * node] !== NOT_A_NODE
        ? node >>> 0 // -0 names node 0; the slot (and so every answer) is +0
        : -1;
    }
    const slot = slotOf.get(node);
    return slot === undefined ? -1 : slot;
  }

  /** The preorder position of a node's slot. */
  #pre(slot: number): number {
    return (this.#info[INFO_FIELDS * slot + PRE] as number) - 1;
  }

  /** The depth of a node's slot, kept at its preorder position. */
  #depthOf(slot: number): number {
    return this.#cells[RMQ_FIELDS * this.#pre(slot) + RMQ_VALUE] as number;
  }

  /** The parent slot of a node's slot (-1 for the root), kept at its preorder position. */
  #parentOf(slot: number): number {
    return this.#cells[RMQ_FIELDS * this.#pre(slot) + RMQ_PAYLOAD] as number;
  }

  #slot(node: Id, argument: string): number {
    const slot = this.#find(node);
    if (slot < 0) throw new NodeNotFoundError(argument, node);
    return slot;
  }

  #slotId(slot: number): Id {
    return this.#ids === undefined ? (slot as Id) : (this.#ids[slot] as Id);
  }
}

// The build loops live in plain functions of typed arrays and numbers, not in the constructor: run
// once per build, a constructor's optimized code is thrown away whenever a GC drops what it was
// specialized on (its instance map, weak constants), and each build then ran its loops mostly
// unoptimized until on-stack replacement caught up.

/**
 * First pass: adds each node's subtree size into field END of its parent, children first (so
 * field END of a node ends up holding its subtree size minus one). `topo` and `count` as in
 * {@link placeAll}.
 */
function addSubtreeSizes(info: Int32Array, topo: Int32Array | undefined, count: number): void {
  for (let k = count - 1; k > 0; k--) {
    const v = topo === undefined ? k : (topo[k] as number);
    const p = (info[INFO_FIELDS * v] as number) - PARENT_BIAS;
    if (p < 0) continue;
    const at = INFO_FIELDS * p + END;
    info[at] = (info[at] as number) + (info[INFO_FIELDS * v + END] as number) + 1;
  }
}

/**
 * Second pass: {@link place}s every slot but the first of the parents-first order (`topo`, or
 * ascending slots `0 … count - 1` when it is `undefined`), whose first slot, the root, is placed.
 * Returns how many leading blocks of the range minimum it has filled: while ascending slots land
 * on the same positions (ids numbered in preorder, as in a chain or any tree numbered by a
 * depth-first walk), each block of positions is complete as soon as its last slot is placed, and
 * is filled then, while in cache, instead of in a pass of its own.
 */
function placeAll(info: Int32Array, cells: Int32Array, topo: Int32Array | undefined, count: number, n: number): number {
  if (topo !== undefined) {
    for (let k = 1; k < count; k++) place(info, cells, topo[k] as number);
    return 0;
  }
  let v = 1;
  for (; v < count; v++) {
    if (place(info, cells, v) !== v) break;
    if ((v & BLOCK_LOW) === BLOCK_LOW) fillBlock(cells, n, v >>> BLOCK_BITS);
  }
  const filled = v >>> BLOCK_BITS;
  for (v++; v < count; v++) place(info, cells, v);
  return filled;
}

/**
 * Gives slot `v` (not the root; its parent already placed) the next free preorder position in its
 * parent's range, and fills its RMQ cell there (value: its depth, one more than the parent's;
 * payload: the parent). Returns the position, or -1 (doing nothing) for a slot that is not a node.
 */
function place(info: Int32Array, cells: Int32Array, v: number): number {
  const cellV = INFO_FIELDS * v;
  const p = (info[cellV + PRE] as number) - PARENT_BIAS; // still the parent: v is not placed yet
  if (p < 0) return -1;
  const cellP = INFO_FIELDS * p;
  const at = info[cellP + END] as number;
  info[cellP + END] = at + (info[cellV + END] as number) + 1;
  info[cellV + END] = at + 1;
  info[cellV + PRE] = at + 1;
  const cell = RMQ_FIELDS * at;
  cells[cell + RMQ_VALUE] = (cells[RMQ_FIELDS * ((info[cellP + PRE] as number) - 1) + RMQ_VALUE] as number) + 1;
  cells[cell + RMQ_PAYLOAD] = p;
  return at;
}

/**
 * Builds an {@link LcaIndex}: O(n) preprocessing, then `lca`, `isAncestor`, `distance`, `depth`
 * and `parent` in O(1). Same as `new LcaIndex(children, options)`, with sharper type inference.
 *
 * @example
 * ```ts
 * import { buildLcaIndex } from '@x/tree-lca';
 * // dense numeric input: entry i lists node i's children
 * const index = buildLcaIndex([[1, 2], [3, 4], [5]]);
 * index.lca(3, 5); // 0
 * // a million-node chain is fine: nothing recurses
 * const chain = Array.from({ length: 1_000_000 }, (_, i) => (i + 1 < 1_000_000 ? [i + 1] : []));
 * buildLcaIndex(chain).lca(999_999, 500_000); // 500000
 * ```
 */
export function buildLcaIndex(children: DenseChildren, options?: TreeOptions<number>): LcaIndex<number>;
export function buildLcaIndex(children: ChildrenRecord, options?: TreeOptions<string>): LcaIndex<string>;
export function buildLcaIndex<Id>(children: ReadonlyMap<Id, Iterable<Id>>, options?: TreeOptions<Id>): LcaIndex<Id>;
export function buildLcaIndex<Id>(
  children: ChildrenFunction<Id>,
  options: TreeOptions<Id> & { readonly root: Id },
): LcaIndex<Id>;
export function buildLcaIndex<Id>(children: ChildrenInput<Id>, options?: TreeOptions<Id>): LcaIndex<Id> {
  checkTreeOptions(options, 'buildLcaIndex');
  return new LcaIndex(children, options);
}
