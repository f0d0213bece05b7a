import { typeName } from '@x/checks';
import {
  DuplicateChildError,
  EmptyTreeError,
  InvalidArgumentError,
  MultipleParentsError,
  MultipleRootsError,
  TreeCycleError,
} from './errors.js';

/** Largest dense node id: slots must fit an `Int32Array` index and `id + 1` must stay an int32. */
const MAX_DENSE_ID = 2 ** 31 - 2;
/**
 * Most entries a dense input may have (2^26, about 67 million). Every entry is a node, and the
 * working arrays (a root list, a queue) must stay within V8's fast-array limit (about 2^27), which
 * a longer array-like would overflow with a fatal error rather than an exception. Ids up to
 * {@link MAX_DENSE_ID} still work past the end, as leaves.
 */
const MAX_DENSE_LENGTH = 2 ** 26;

/**
 * Int32 fields per slot in {@link ParentTable.info}. Field 0 (the parent) is written here, field 1
 * holds the subtree size minus one when `sized` (else 0); the index reuses both, so everything it
 * needs about one node while building shares one 8-byte cell.
 */
export const INFO_FIELDS = 2;
/** Field 0 holds the parent slot plus this bias, so that a zero-filled array means "no nodes". */
export const PARENT_BIAS = 2;
/** Field 0 of a slot that is not a node of the tree. */
export const NOT_A_NODE = 0;
/** Field 0 of the root. */
export const IS_ROOT = 1;

/**
 * A validated tree as flat integer arrays. Nodes live in "slots": for dense input the slot is the
 * node id itself, for every other form the slot is the order of first sight and `ids`/`slotOf`
 * translate.
 *
 * invariant: the slots whose `info[INFO_FIELDS * s]` is not `NOT_A_NODE` form one tree of `nodes`
 * nodes rooted at `root` (field `IS_ROOT`): every other node's parent is a node, and there are no
 * cycles. `topo` lists those slots parents-first (breadth-first); `undefined` means ascending slot
 * order already is parents-first (every child's slot exceeds its parent's, so `root` is slot 0).
 */
export interface ParentTable<Id> {
  /** `INFO_FIELDS` int32 per slot; field 0 is the parent slot + `PARENT_BIAS` (see the constants). */
  readonly info: Int32Array;
  /** Number of slots in use (`info` may be longer). */
  readonly slots: number;
  /** The root's slot. */
  readonly root: number;
  /** Number of nodes in the tree. */
  readonly nodes: number;
  /** The tree's slots, each parent before its children; `undefined`: ascending slot order is. */
  readonly topo: Int32Array | undefined;
  /** Whether field 1 of every node already holds its subtree size minus one (else it is 0). */
  readonly sized: boolean;
  /** Slot → node id, for every form but dense (where slot and id coincide). */
  readonly ids: Id[] | undefined;
  /** Node id → slot, for every form but dense. */
  readonly slotOf: Map<Id, number> | undefined;
}

interface KidsSource<Id> {
  /** The children of `node` (a node, in the input), `undefined` for none. */
  kidsOf(node: Id): unknown;
  /** How to name `node`'s children in messages, e.g. ``children.get("a")``. */
  describe(node: Id): string;
  /**
   * What a child id must be: anything (`Map` and function inputs), a string (plain objects), or a
   * dense id (dense arrays read by the compact path, whose lists are array-likes).
   */
  readonly ids: 'any' | 'string' | 'dense';
}

/**
 * How far past the input a dense id may reach before the dense path gives way to the compact one:
 * the dense path keeps a cell per id up to the largest, so it is used while that is at most
 * `SPARSE_SLACK + SPARSE_FACTOR × (nodes known so far + input length)` cells.
 */
const SPARSE_SLACK = 1024;
const SPARSE_FACTOR = 4;

/** Thrown inside the dense readers when ids turn out sparse; caught to restart on the compact path. */
class SparseIds {}

/**
 * Reads any supported `children` input into a validated {@link ParentTable}: one pass over the
 * input, then typed-array work only. Throws the first structural problem met.
 */
export function readTree<Id>(children: unknown, root: Id | undefined): ParentTable<Id> {
  if (typeof children === 'function') {
    if (root === undefined) {
      throw new InvalidArgumentError(
        'options.root',
        'given when `children` is a function (a function cannot list its nodes)',
        root,
      );
    }
    const lookup = children as (node: Id) => unknown;
    return readKeyedFromRoot<Id>(
      { kidsOf: (node) => lookup(node), describe: (node) => `children(${short(node)})`, ids: 'any' },
      root,
    );
  }
  if (isMapLike(children)) {
    const map = children as ReadonlyMap<Id, unknown>;
    const source: KidsSource<Id> = {
      kidsOf: (node) => map.get(node),
      describe: (node) => `children.get(${short(node)})`,
      ids: 'any',
    };
    if (root !== undefined) return readKeyedFromRoot(source, root);
    const reader = new KeyedReader(source);
    if (map instanceof Map) {
      // forEach: no [key, value] array per entry
      map.forEach((kids, node) => {
        reader.add(node, kids);
      });
    } else {
      for (const [node, kids] of map.entries()) reader.add(node, kids);
    }
    return readKeyedAll(reader);
  }
  if (typeof children === 'object' && children !== null) {
    const length = (children as { length?: unknown }).length;
    if (typeof length === 'number') {
      if (!(length >>> 0 === length && length <= MAX_DENSE_LENGTH)) {
        throw new InvalidArgumentError(
          'children.length',
          `an integer from 0 to ${MAX_DENSE_LENGTH} (a Map takes sparse or larger trees)`,
          length,
        );
      }
      const dense = children as ArrayLike<unknown>;
      if (root !== undefined && !isDenseId(root)) {
        throw new InvalidArgumentError('options.root', `an integer from 0 to ${MAX_DENSE_ID} for dense input`, root);
      }
      // `-0` names node 0, and every id the index answers with is `+0` (an id is a slot here)
      const denseRoot = root === undefined ? undefined : (root as number) + 0;
      try {
        return (denseRoot === undefined ? readDenseAll(dense) : readDenseFromRoot(dense, denseRoot)) as ParentTable<Id>;
      } catch (error) {
        if (!(error instanceof SparseIds)) throw error;
      }
      // Ids far larger than the tree: number the nodes by first sight, as for a Map, so the cost
      // follows the tree, not the largest id.
      const source: KidsSource<number> = {
        kidsOf: (node) => (node < length ? dense[node] : undefined),
        describe: (node) => `children[${node}]`,
        ids: 'dense',
      };
      if (denseRoot !== undefined) return readKeyedFromRoot(source, denseRoot) as unknown as ParentTable<Id>;
      const reader = new KeyedReader(source);
      for (let i = 0; i < length; i++) reader.add(i, dense[i]);
      return readKeyedAll(reader) as unknown as ParentTable<Id>;
    }
    const record = children as Readonly<Record<string, unknown>>;
    if (root !== undefined && typeof root !== 'string') {
      throw new InvalidArgumentError('options.root', 'a string for a plain-object input', root);
    }
    const source: KidsSource<string> = {
      kidsOf: (node) => (Object.hasOwn(record, node) ? record[node] : undefined),
      describe: (node) => `children[${short(node)}]`,
      ids: 'string',
    };
    if (root !== undefined) return readKeyedFromRoot(source, root as string) as unknown as ParentTable<Id>;
    const reader = new KeyedReader(source);
    for (const key of Object.keys(record)) reader.add(key, record[key]);
    return readKeyedAll(reader) as unknown as ParentTable<Id>;
  }
  throw new InvalidArgumentError(
    'children',
    'a Map, a plain object, a function, or an array of children arrays',
    children,
  );
}

function isMapLike(value: unknown): boolean {
  if (value instanceof Map) return true;
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<ReadonlyMap<unknown, unknown>>;
  return (
    typeof candidate.get === 'function' &&
    typeof candidate.has === 'function' &&
    typeof candidate.entries === 'function' &&
    typeof candidate.size === 'number'
  );
}

function isDenseId(value: unknown): value is number {
  return typeof value === 'number' && value >>> 0 === value && value <= MAX_DENSE_ID;
}

/** A node inside an argument name (`children.get("a")`): short, and never throws. */
function short(node: unknown): string {
  switch (typeof node) {
    case 'string': {
      const text = JSON.stringify(node.length > 40 ? `${node.slice(0, 39)}…` : node);
      return text;
    }
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(node);
    case 'bigint':
      return `${node}n`;
    default:
      return node === null ? 'null' : `<${typeName(node)}>`;
  }
}

/** The message part for a children list of the wrong shape. */
const KIDS_EXPECTED = 'an iterable of child nodes (or undefined for none)';
const DENSE_KIDS_EXPECTED = 'an array of child ids (or undefined for none)';

/**
 * The children of `node` as an array-like, checked: `undefined` is none; `null` and anything not
 * iterable (not an array-like, for dense ids) is an {@link InvalidArgumentError}. One rule for
 * every input form, with or without `root`.
 */
function listKids<Id>(source: KidsSource<Id>, node: Id, kids: unknown): ArrayLike<unknown> {
  if (kids === undefined) return NO_KIDS;
  if (typeof kids !== 'object' || kids === null) {
    throw new InvalidArgumentError(
      source.describe(node),
      source.ids === 'dense' ? DENSE_KIDS_EXPECTED : KIDS_EXPECTED,
      kids,
    );
  }
  if (Array.isArray(kids)) return kids;
  if (source.ids === 'dense') {
    const count = (kids as ArrayLike<unknown>).length;
    if (!(count >>> 0 === count)) throw new InvalidArgumentError(source.describe(node), DENSE_KIDS_EXPECTED, kids);
    return kids as ArrayLike<unknown>;
  }
  if (typeof (kids as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function') {
    throw new InvalidArgumentError(source.describe(node), KIDS_EXPECTED, kids);
  }
  return [...(kids as Iterable<unknown>)];
}

const NO_KIDS: ArrayLike<unknown> = [];

/** Checks the `j`th child of `node` against the source's id rule and returns it. */
function checkKid<Id>(source: KidsSource<Id>, node: Id, j: number, kid: unknown): Id {
  if (source.ids === 'string' && typeof kid !== 'string') {
    throw new InvalidArgumentError(`${source.describe(node)} item`, 'a string node id', kid);
  }
  if (source.ids === 'dense' && !isDenseId(kid)) {
    throw new InvalidArgumentError(`${source.describe(node)}[${j}]`, `an integer from 0 to ${MAX_DENSE_ID}`, kid);
  }
  return kid as Id;
}

function growInt32(array: Int32Array, minLength: number): Int32Array {
  const grown = new Int32Array(Math.max(minLength, array.length * 2, 64));
  grown.set(array);
  return grown;
}

/** The parent of a slot as a plain slot number: -1 for the root, -2 for a slot that is not a node. */
type ParentOf = (slot: number) => number;

function infoParent(info: Int32Array): ParentOf {
  return (slot) => (info[INFO_FIELDS * slot] as number) - PARENT_BIAS;
}

/**
 * The error for `child` met again while listing the children of `node`: the same list twice
 * (duplicate), an ancestor of `node` (cycle), or a node that already has another parent.
 */
function structureError<Id>(parentOf: ParentOf, child: number, node: number, idOf: (slot: number) => Id): Error {
  if (parentOf(child) === node) return new DuplicateChildError(idOf(node), idOf(child));
  const upward: number[] = [];
  for (let x = node; x >= 0; x = parentOf(x)) {
    upward.push(x);
    if (x === child) return new TreeCycleError(upward.reverse().map(idOf));
  }
  return new MultipleParentsError(idOf(child), idOf(parentOf(child)), idOf(node));
}

/** Follows parents from `start` (which is not reachable from the root) until they loop. */
function cycleFrom<Id>(parentOf: ParentOf, slots: number, start: number, idOf: (slot: number) => Id): Error {
  const seen = new Uint8Array(slots);
  const upward: number[] = [];
  let x = start;
  while (seen[x] === 0) {
    seen[x] = 1;
    upward.push(x);
    x = parentOf(x);
  }
  const loop = upward.slice(upward.indexOf(x));
  return new TreeCycleError(loop.reverse().map(idOf));
}

/**
 * Breadth-first order from `root` over the child lists implied by the parents (built as a
 * compressed sparse row). Breadth-first rather than depth-first on purpose: the next node comes
 * from a queue filled long before, so the random reads of consecutive steps do not wait on each
 * other. Returns fewer than `nodes` slots when some nodes are not reachable from the root, which
 * (each node having one parent) means they sit on cycles.
 */
function breadthFirstFromParents(info: Int32Array, slots: number, root: number, nodes: number): Int32Array {
  // end[p] becomes the end of p's range in `kids`; p's range starts at end[p - 1] (0 for p = 0).
  const end = new Int32Array(slots + 1);
  for (let s = 0; s < slots; s++) {
    const p = (info[INFO_FIELDS * s] as number) - PARENT_BIAS;
    if (p >= 0) end[p + 1] = (end[p + 1] as number) + 1;
  }
  for (let s = 1; s <= slots; s++) end[s] = (end[s] as number) + (end[s - 1] as number);
  const kids = new Int32Array(end[slots] as number);
  for (let s = 0; s < slots; s++) {
    const p = (info[INFO_FIELDS * s] as number) - PARENT_BIAS;
    if (p >= 0) {
      const at = end[p] as number;
      kids[at] = s;
      end[p] = at + 1;
    }
  }
  const queue = new Int32Array(nodes);
  queue[0] = root;
  let tail = 1;
  for (let head = 0; head < tail; head++) {
    const u = queue[head] as number;
    const stop = end[u] as number;
    for (let i = u === 0 ? 0 : (end[u - 1] as number); i < stop && tail < nodes; i++) queue[tail++] = kids[i] as number;
  }
  return tail === nodes ? queue : queue.subarray(0, tail);
}

function denseId(slot: number): number {
  return slot;
}

function firstUnreached(info: Int32Array, slots: number, reachedSlots: Int32Array): number {
  const reached = new Uint8Array(slots);
  for (let k = 0; k < reachedSlots.length; k++) reached[reachedSlots[k] as number] = 1;
  for (let s = 0; s < slots; s++) if (info[INFO_FIELDS * s] !== NOT_A_NODE && reached[s] === 0) return s;
  throw new Error('unreachable: every node was reached');
}

/**
 * Reads dense input with no `root`. Throws {@link SparseIds} (before any allocation larger than
 * the input) when a child id reaches far past the input: the caller then reads it compactly.
 */
function readDenseAll(children: ArrayLike<unknown>): ParentTable<number> {
  const length = children.length; // checked by readTree: an integer from 0 to MAX_DENSE_LENGTH
  if (length === 0) throw new EmptyTreeError();
  let info: Int32Array = new Int32Array(INFO_FIELDS * length);
  let slots = length;
  let edges = 0;
  // child entries past the input's end: every other entry gives a parent to one of its nodes
  let beyond = 0;
  // stays true while every child id exceeds its parent's: then ascending ids are parents-first
  let ascending = true;
  // an entry that is `null` (an error, as in every form), if any
  let nullAt = -1;
  // Walked from the last entry down: while ids ascend, every child's subtree is complete when its
  // parent is read, so subtree sizes come for free (field 1 holds size - 1) from the same cells.
  for (let i = length - 1; i >= 0; i--) {
    const kids = children[i] as ArrayLike<unknown> | undefined | null;
    if (kids === undefined || kids === null) {
      // Noted, thrown after the loop: a throw here (or a separate null test) measurably slowed
      // this loop (1.3-1.9x on a 10^6 chain in V8 12), an assignment does not.
      if (kids === null) nullAt = i;
      continue;
    }
    const count = kids.length;
    // an integer length from 0 to 2^31 - 1: a longer list cannot be valid anyway
    if ((count | 0) !== count || count < 0) throw new InvalidArgumentError(`children[${i}]`, DENSE_KIDS_EXPECTED, kids);
    const mark = i + PARENT_BIAS;
    let below = 0;
    for (let j = 0; j < count; j++) {
      const c = kids[j] as number;
      if (!(c >>> 0 === c && c <= MAX_DENSE_ID)) {
        throw new InvalidArgumentError(`children[${i}][${j}]`, `an integer from 0 to ${MAX_DENSE_ID}`, c);
      }
      if (c >= length) {
        beyond++;
        if (c >= slots) {
          if (INFO_FIELDS * c >= info.length) {
            if (c >= SPARSE_SLACK + SPARSE_FACTOR * (length + beyond)) throw new SparseIds();
            info = growInt32(info, INFO_FIELDS * (c + 1));
          }
          slots = c + 1;
        }
      }
      const cell = INFO_FIELDS * c;
      const seen = info[cell] as number;
      if (seen !== NOT_A_NODE) {
        const p = seen - PARENT_BIAS;
        // walking down, the parent met first comes later in the input: report input order
        throw p === i ? new DuplicateChildError(i, c) : new MultipleParentsError(c, i, p);
      }
      info[cell] = mark;
      below += (info[cell + 1] as number) + 1;
      if (c <= i) ascending = false;
    }
    info[INFO_FIELDS * i + 1] = below;
    edges += count;
  }
  if (nullAt >= 0) throw new InvalidArgumentError(`children[${nullAt}]`, DENSE_KIDS_EXPECTED, null);
  const nodes = edges + 1;
  // No child was listed twice (that throws above), so exactly `length - (edges - beyond)` entries
  // have no parent. Ascending ids: entry 0 is nobody's child, so when that count is 1 it is the
  // root, and parents strictly decrease going up, so every node reaches it (no cycle): no scan.
  if (ascending && length - (edges - beyond) === 1) {
    info[0] = IS_ROOT;
    return { info, slots, root: 0, nodes, topo: undefined, sized: true, ids: undefined, slotOf: undefined };
  }
  const roots: number[] = [];
  for (let i = 0; i < length; i++) if (info[INFO_FIELDS * i] === NOT_A_NODE) roots.push(i);
  if (roots.length === 0) throw cycleFrom(infoParent(info), slots, 0, denseId);
  if (roots.length > 1) throw new MultipleRootsError(roots);
  const root = roots[0] as number;
  info[INFO_FIELDS * root] = IS_ROOT;
  // ascending: parents strictly decrease going up, so every node reaches the root, no cycle
  if (ascending) return { info, slots, root, nodes, topo: undefined, sized: true, ids: undefined, slotOf: undefined };
  for (let s = 0; s < slots; s++) info[INFO_FIELDS * s + 1] = 0; // the sizes read on the way are void
  const topo = breadthFirstFromParents(info, slots, root, nodes);
  if (topo.length < nodes) {
    throw cycleFrom(infoParent(info), slots, firstUnreached(info, slots, topo), denseId);
  }
  return { info, slots, root, nodes, topo, sized: false, ids: undefined, slotOf: undefined };
}

/** Breadth-first from `root`, validating as it goes; reads only what is reachable. */
function readDenseFromRoot(children: ArrayLike<unknown>, root: number): ParentTable<number> {
  const length = children.length;
  if (root >= SPARSE_SLACK + SPARSE_FACTOR * length) throw new SparseIds();
  let capacity = Math.max(Math.min(length, MAX_DENSE_ID + 1), root + 1, 16);
  let info: Int32Array = new Int32Array(INFO_FIELDS * capacity);
  let queue: Int32Array = new Int32Array(capacity);
  let slots = root + 1;
  info[INFO_FIELDS * root] = IS_ROOT;
  queue[0] = root;
  let tail = 1;
  for (let head = 0; head < tail; head++) {
    const u = queue[head] as number;
    if (u >= length) continue;
    const kids = children[u] as ArrayLike<unknown> | undefined | null;
    if (kids === undefined || kids === null) {
      if (kids === null) throw new InvalidArgumentError(`children[${u}]`, DENSE_KIDS_EXPECTED, kids);
      continue;
    }
    const kidCount = kids.length;
    if ((kidCount | 0) !== kidCount || kidCount < 0) {
      throw new InvalidArgumentError(`children[${u}]`, DENSE_KIDS_EXPECTED, kids);
    }
    const mark = u + PARENT_BIAS;
    for (let j = 0; j < kidCount; j++) {
      const c = kids[j] as number;
      if (!(c >>> 0 === c && c <= MAX_DENSE_ID)) {
        throw new InvalidArgumentError(`children[${u}][${j}]`, `an integer from 0 to ${MAX_DENSE_ID}`, c);
      }
      if (c >= slots) {
        if (c >= capacity) {
          if (c >= SPARSE_SLACK + SPARSE_FACTOR * (length + tail)) throw new SparseIds();
          capacity = Math.max(c + 1, capacity * 2);
          info = growInt32(info, INFO_FIELDS * capacity);
          queue = growInt32(queue, capacity);
        }
        slots = c + 1;
      }
      if (info[INFO_FIELDS * c] !== NOT_A_NODE) throw structureError(infoParent(info), c, u, denseId);
      info[INFO_FIELDS * c] = mark;
      queue[tail++] = c;
    }
  }
  return {
    info,
    slots,
    root,
    nodes: tail,
    topo: queue.subarray(0, tail),
    sized: false,
    ids: undefined,
    slotOf: undefined,
  };
}

/** Packs plain parent slots (-1 root, -2 not a node) into a fresh info array. */
function packParents(parentOf: readonly number[]): Int32Array {
  const info = new Int32Array(INFO_FIELDS * parentOf.length);
  for (let s = 0; s < parentOf.length; s++) info[INFO_FIELDS * s] = (parentOf[s] as number) + PARENT_BIAS;
  return info;
}

/** Reads every (node, children) entry of a keyed input into slots and parents, checking as it goes. */
class KeyedReader<Id> {
  readonly slotOf = new Map<Id, number>();
  readonly ids: Id[] = [];
  /** Slot → parent slot; -2 while no parent has been seen. */
  readonly parentOf: number[] = [];
  /** Stays true while every child's slot exceeds its parent's (ascending slots are parents-first). */
  ascending = true;
  readonly #source: KidsSource<Id>;

  constructor(source: KidsSource<Id>) {
    this.#source = source;
  }

  add(node: Id, kids: unknown): void {
    let u = this.slotOf.get(node);
    if (u === undefined) {
      u = this.ids.length;
      this.slotOf.set(node, u);
      this.ids.push(node);
      this.parentOf.push(-2);
    }
    if (kids === undefined) return;
    const list = listKids(this.#source, node, kids);
    const count = list.length;
    for (let j = 0; j < count; j++) this.#addChild(node, u, checkKid(this.#source, node, j, list[j]));
  }

  #addChild(node: Id, u: number, kid: Id): void {
    const c = this.slotOf.get(kid);
    if (c === undefined) {
      this.slotOf.set(kid, this.ids.length);
      this.ids.push(kid);
      this.parentOf.push(u);
      return;
    }
    const p = this.parentOf[c] as number;
    if (p !== -2) {
      throw p === u ? new DuplicateChildError(node, kid) : new MultipleParentsError(kid, this.ids[p] as Id, node);
    }
    this.parentOf[c] = u;
    if (c <= u) this.ascending = false;
  }
}

function readKeyedAll<Id>(reader: KeyedReader<Id>): ParentTable<Id> {
  const { slotOf, ids, parentOf, ascending } = reader;
  const slots = ids.length;
  if (slots === 0) throw new EmptyTreeError();
  const idOf = (slot: number): Id => ids[slot] as Id;
  const roots: Id[] = [];
  let root = -1;
  for (let s = 0; s < slots; s++) {
    if (parentOf[s] === -2) {
      roots.push(ids[s] as Id);
      root = s;
    }
  }
  if (roots.length === 0) throw cycleFrom((slot) => parentOf[slot] as number, slots, 0, idOf);
  if (roots.length > 1) throw new MultipleRootsError(roots);
  parentOf[root] = -1;
  const info = packParents(parentOf);
  if (ascending) return { info, slots, root, nodes: slots, topo: undefined, sized: false, ids, slotOf };
  const topo = breadthFirstFromParents(info, slots, root, slots);
  if (topo.length < slots) throw cycleFrom(infoParent(info), slots, firstUnreached(info, slots, topo), idOf);
  return { info, slots, root, nodes: slots, topo, sized: false, ids, slotOf };
}

/** Breadth-first from `root`, validating as it goes; asks only for reachable nodes' children. */
function readKeyedFromRoot<Id>(source: KidsSource<Id>, root: Id): ParentTable<Id> {
  const slotOf = new Map<Id, number>([[root, 0]]);
  const ids: Id[] = [root];
  const parentOf: number[] = [-1];
  const idOf = (slot: number): Id => ids[slot] as Id;
  const parentOfSlot = (slot: number): number => parentOf[slot] as number;
  // slots are handed out in breadth-first order, so ascending slots are parents-first
  for (let u = 0; u < ids.length; u++) {
    const node = ids[u] as Id;
    const list = listKids(source, node, source.kidsOf(node));
    const count = list.length;
    for (let j = 0; j < count; j++) {
      const kid = checkKid(source, node, j, list[j]);
      const c = slotOf.get(kid);
      if (c !== undefined) throw structureError(parentOfSlot, c, u, idOf);
      slotOf.set(kid, ids.length);
      ids.push(kid);
      parentOf.push(u);
    }
  }
  return {
    info: packParents(parentOf),
    slots: ids.length,
    root: 0,
    nodes: ids.length,
    topo: undefined,
    sized: false,
    ids,
    slotOf,
  };
}
