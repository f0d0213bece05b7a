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
