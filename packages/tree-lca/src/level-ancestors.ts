/**
 * Level-ancestor queries from a preorder's depths: the ancestor of preorder position `p` at depth
 * `d` is the last node of depth `d` at or before `p` in preorder (every node between it and `p`
 * lies in its subtree, deeper than `d`). Nodes are bucketed by depth, each bucket in preorder, and
 * a binary search finds it: O(log n) per query, 4 bytes per node plus 4 per depth level
 * (and the index keeps a preorder → slot table beside it, 4 more).
 */
export class LevelAncestors {
  readonly #byDepth: Int32Array;
  /** `#start[d]` … `#start[d + 1] - 1` is the bucket of depth `d` in `#byDepth`. */
  readonly #start: Int32Array;

  /** @param depth - preorder position → depth */
  constructor(depth: Int32Array) {
    const n = depth.length;
    let maxDepth = 0;
    for (let p = 0; p < n; p++) if ((depth[p] as number) > maxDepth) maxDepth = depth[p] as number;
    const start = new Int32Array(maxDepth + 2);
    for (let p = 0; p < n; p++) {
      const d = (depth[p] as number) + 1;
      start[d] = (start[d] as number) + 1;
    }
    for (let d = 1; d < start.length; d++) start[d] = (start[d] as number) + (start[d - 1] as number);
    const cursor = start.slice(0, maxDepth + 1);
    const byDepth = new Int32Array(n);
    for (let p = 0; p < n; p++) {
      const d = depth[p] as number;
      const at = cursor[d] as number;
      byDepth[at] = p;
      cursor[d] = at + 1;
    }
    this.#byDepth = byDepth;
    this.#start = start;
  }

  /** The ancestor of preorder position `p` at depth `d` (`0 ≤ d ≤ depth of p`). */
  ancestorAt(p: number, d: number): number {
    const byDepth = this.#byDepth;
    let lo = this.#start[d] as number;
    let hi = (this.#start[d + 1] as number) - 1;
    // invariant: byDepth[lo] ≤ p (the ancestor exists in this bucket); find the last such entry
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((byDepth[mid] as number) <= p) lo = mid;
      else hi = mid - 1;
    }
    return byDepth[lo] as number;
  }
}
