/**
 * The two textbook peers the benchmark compares against, on dense children arrays. Neither
 * validates its input (a cycle would loop forever): they are baselines, not alternatives.
 */

interface ParentsAndDepths {
  readonly parent: Int32Array;
  readonly depth: Int32Array;
  readonly root: number;
}

/** Parent pointers from the children lists, then depths in breadth-first order (no recursion). */
function parentsAndDepths(children: ArrayLike<ArrayLike<number>>): ParentsAndDepths {
  const n = children.length;
  const parent = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const kids = children[i] as ArrayLike<number>;
    for (let j = 0; j < kids.length; j++) parent[kids[j] as number] = i;
  }
  let root = 0;
  while (parent[root] !== -1) root++;
  const depth = new Int32Array(n);
  const queue = new Int32Array(n);
  queue[0] = root;
  let tail = 1;
  for (let head = 0; head < tail; head++) {
    const u = queue[head] as number;
    const kids = children[u] as ArrayLike<number>;
    for (let j = 0; j < kids.length; j++) {
      const c = kids[j] as number;
      depth[c] = (depth[u] as number) + 1;
      queue[tail++] = c;
    }
  }
  return { parent, depth, root };
}

/** Parent/depth climbing: O(n) build, O(depth) per query. */
export class NaiveClimbing {
  readonly #parent: Int32Array;
  readonly #depth: Int32Array;

  constructor(children: ArrayLike<ArrayLike<number>>) {
    const { parent, depth } = parentsAndDepths(children);
    this.#parent = parent;
    this.#depth = depth;
  }

  lca(a: number, b: number): number {
    const parent = this.#parent;
    let da = this.#depth[a] as number;
    let db = this.#depth[b] as number;
    for (; da > db; da--) a = parent[a] as number;
    for (; db > da; db--) b = parent[b] as number;
    while (a !== b) {
      a = parent[a] as number;
      b = parent[b] as number;
    }
    return a;
  }
}

/** Binary lifting: O(n log n) build and memory, O(log n) per query. */
export class BinaryLifting {
  readonly #up: Int32Array;
  readonly #depth: Int32Array;
  readonly #levels: number;
  readonly #n: number;

  constructor(children: ArrayLike<ArrayLike<number>>) {
    const { parent, depth, root } = parentsAndDepths(children);
    const n = parent.length;
    const levels = Math.max(1, 32 - Math.clz32(n));
    const up = new Int32Array(levels * n);
    up.set(parent);
    up[root] = root;
    for (let k = 1; k < levels; k++) {
      const row = k * n;
      const previous = row - n;
      for (let v = 0; v < n; v++) up[row + v] = up[previous + (up[previous + v] as number)] as number;
    }
    this.#up = up;
    this.#depth = depth;
    this.#levels = levels;
    this.#n = n;
  }

  lca(a: number, b: number): number {
    const up = this.#up;
    const n = this.#n;
    const depth = this.#depth;
    if ((depth[a] as number) < (depth[b] as number)) [a, b] = [b, a];
    let diff = (depth[a] as number) - (depth[b] as number);
    for (let k = 0; diff > 0; k++, diff >>>= 1) if (diff & 1) a = up[k * n + a] as number;
    if (a === b) return a;
    for (let k = this.#levels - 1; k >= 0; k--) {
      const ua = up[k * n + a] as number;
      const ub = up[k * n + b] as number;
      if (ua !== ub) {
        a = ua;
        b = ub;
      }
    }
    return up[a] as number;
  }
}
