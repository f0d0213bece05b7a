/** A binary min-heap of `{ key, value }` pairs, ordered by `key` (ties in any order). */
export class MinHeap<T> {
  #keys: number[] = [];
  #values: T[] = [];

  get size(): number {
    return this.#keys.length;
  }

  push(key: number, value: T): void {
    const keys = this.#keys;
    const values = this.#values;
    let i = keys.length;
    keys.push(key);
    values.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! <= key) break;
      keys[i] = keys[parent]!;
      values[i] = values[parent]!;
      i = parent;
    }
    keys[i] = key;
    values[i] = value;
  }

  /** The smallest key, or `Infinity` when empty. */
  peekKey(): number {
    return this.#keys.length === 0 ? Number.POSITIVE_INFINITY : this.#keys[0]!;
  }

  pop(): T | undefined {
    const keys = this.#keys;
    const values = this.#values;
    if (keys.length === 0) return undefined;
    const top = values[0];
    const lastKey = keys.pop()!;
    const lastValue = values.pop()!;
    const n = keys.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && keys[right]! < keys[left]! ? right : left;
        if (keys[child]! >= lastKey) break;
        keys[i] = keys[child]!;
        values[i] = values[child]!;
        i = child;
      }
      keys[i] = lastKey;
      values[i] = lastValue;
    }
    return top;
  }

  /** Calls `visit` for every entry whose key is `<= bound`, without removing anything. */
  forEachUpTo(bound: number, visit: (value: T, key: number) => void): void {
    const keys = this.#keys;
    const values = this.#values;
    const stack: number[] = [];
    if (keys.length > 0) stack.push(0);
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (keys[i]! > bound) continue;
      visit(values[i]!, keys[i]!);
      const left = 2 * i + 1;
      if (left < keys.length) stack.push(left);
      if (left + 1 < keys.length) stack.push(left + 1);
    }
  }
}
