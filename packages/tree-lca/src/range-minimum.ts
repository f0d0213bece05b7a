const BLOCK_BITS = 5;
const BLOCK = 1 << BLOCK_BITS; // 32 positions, one bit each in a 32-bit mask
const LOW = BLOCK - 1;

/** Index of the lowest set bit of a non-zero 32-bit integer. */
function lowestBit(mask: number): number {
  return 31 - Math.clz32(mask & -mask);
}

/**
 * Static range-minimum queries in O(1). The values sit at the even indices of `pairs`
 * (`pairs[2i]` is the value at position `i`; the odd slots carry the caller's payload, so a query's
 * answer and its payload share a cache line). On top of the values it keeps about 8 bytes per
 * position: blocks of 32, one 32-bit mask per position for queries inside a block, and a sparse
 * table over block minima (value and position interleaved) for the blocks in between.
 *
 * invariant: bit `j` of `#masks[i]` is set iff position `block(i) + j ≤ i` holds a value strictly
 * smaller than every value after it up to `i` (a monotonic stack); so the lowest set bit at or
 * above `l` marks a minimum of `[l, i]`.
 */
export class RangeMinimum {
  readonly #pairs: Int32Array;
  readonly #masks: Int32Array;
  /** Level k, block b: [minimum value, its position] over blocks b … b + 2^k - 1. */
  readonly #table: Int32Array;
  readonly #blocks: number;

  constructor(pairs: Int32Array, n: number) {
    this.#pairs = pairs;
    const masks = new Int32Array(n);
    const blocks = (n + LOW) >>> BLOCK_BITS;
    const levels = blocks > 0 ? 32 - Math.clz32(blocks) : 0;
    const table = new Int32Array(2 * levels * blocks);
    for (let b = 0; b < blocks; b++) {
      const start = b << BLOCK_BITS;
      const stop = Math.min(n, start + BLOCK);
      let stack = 0;
      for (let i = start; i < stop; i++) {
        const value = pairs[2 * i] as number;
        while (stack !== 0) {
          const top = 31 - Math.clz32(stack);
          if ((pairs[2 * (start + top)] as number) < value) break;
          stack ^= 1 << top;
        }
        stack |= 1 << (i - start);
        masks[i] = stack;
      }
      const at = start + lowestBit(stack);
      table[2 * b] = pairs[2 * at] as number;
      table[2 * b + 1] = at;
    }
    for (let k = 1; k < levels; k++) {
      const row = 2 * k * blocks;
      const previous = row - 2 * blocks;
      const half = 2 << (k - 1);
      const last = blocks - (1 << k);
      for (let b = 0; b <= last; b++) {
        const left = previous + 2 * b;
        const right = left + half;
        const from = (table[right] as number) < (table[left] as number) ? right : left;
        table[row + 2 * b] = table[from] as number;
        table[row + 2 * b + 1] = table[from + 1] as number;
      }
    }
    this.#masks = masks;
    this.#table = table;
    this.#blocks = blocks;
  }

  /** A position of a minimum value in `[left, right]` (inclusive; `left ≤ right`, both in range). */
  argmin(left: number, right: number): number {
    const masks = this.#masks;
    const firstBlock = left >>> BLOCK_BITS;
    const lastBlock = right >>> BLOCK_BITS;
    if (firstBlock === lastBlock) {
      return (right & ~LOW) + lowestBit((masks[right] as number) & (-1 << (left & LOW)));
    }
    const pairs = this.#pairs;
    const blockEnd = left | LOW;
    let best = (left & ~LOW) + lowestBit((masks[blockEnd] as number) & (-1 << (left & LOW)));
    let bestValue = pairs[2 * best] as number;
    const tail = (right & ~LOW) + lowestBit(masks[right] as number);
    if ((pairs[2 * tail] as number) < bestValue) {
      best = tail;
      bestValue = pairs[2 * tail] as number;
    }
    if (lastBlock - firstBlock > 1) {
      const from = firstBlock + 1;
      const k = 31 - Math.clz32(lastBlock - from);
      const table = this.#table;
      const row = 2 * k * this.#blocks;
      const a = row + 2 * from;
      const b = row + 2 * (lastBlock - (1 << k));
      if ((table[a] as number) < bestValue) {
        best = table[a + 1] as number;
        bestValue = table[a] as number;
      }
      if ((table[b] as number) < bestValue) best = table[b + 1] as number;
    }
    return best;
  }
}
