/** A Fenwick (binary indexed) tree of counts over positions 1..n that grows on demand: O(log n) add and prefix sum. */
export class FenwickTree {
  #tree: number[] = [0];
  #values: number[] = [0];

  /** Adds `delta` at `index` (from 1). */
  add(index: number, delta: number): void {
    if (index >= this.#tree.length) this.#grow(index);
    this.#values[index] = (this.#values[index] ?? 0) + delta;
    for (let i = index; i < this.#tree.length; i += i & -i) this.#tree[i]! += delta;
  }

  /** Sum of positions 1..index. */
  prefix(index: number): number {
    let sum = 0;
    for (let i = Math.min(index, this.#tree.length - 1); i > 0; i -= i & -i) sum += this.#tree[i]!;
    return sum;
  }

  /** The smallest index whose prefix sum reaches `k` (counts must be >= 0), or -1 when the total is below `k`. */
  search(k: number): number {
    const tree = this.#tree;
    let pos = 0;
    let step = 1;
    while (step * 2 < tree.length) step *= 2;
    for (; step > 0; step >>= 1) {
      const next = pos + step;
      if (next < tree.length && tree[next]! < k) {
        pos = next;
        k -= tree[next]!;
      }
    }
    return pos + 1 < tree.length ? pos + 1 : -1;
  }

  #grow(index: number): void {
    let size = this.#tree.length;
    while (size <= index) size *= 2;
    const values = this.#values;
    this.#values = Array.from({ length: size }, (_, i) => values[i] ?? 0);
    this.#tree = [...this.#values];
    for (let i = 1; i < size; i++) {
      const parent = i + (i & -i);
      if (parent < size) this.#tree[parent]! += this.#tree[i]!;
    }
  }
}
