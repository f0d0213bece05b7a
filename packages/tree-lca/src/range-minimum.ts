const BLOCK_BITS = 5;
const BLOCK = 1 << BLOCK_BITS; // 32 positions, one bit each in a 32-bit mask
const LOW = BLOCK - 1;

/**
 * Int32 fields per position in the cells array: [payload, in-block mask, prefix-minimum value, its
 * payload, suffix-minimum value, its payload]. Before construction the caller writes each
 * position's payload (field 0) and its value (into field `RMQ_VALUE`, the prefix-minimum value,
 * which construction overwrites once the value is read).
 */
export const RMQ_FIELDS = 6;
const PAYLOAD = 0;
const MASK = 1;
const PREFIX_VALUE = 2;
const PREFIX_PAYLOAD = 3;
const SUFFIX_VALUE = 4;
const SUFFIX_PAYLOAD = 5;
/** Where the caller puts a position's value before construction. */
export const RMQ_VALUE = PREFIX_VALUE;

/** Index of the lowest set bit of a non-zero 32-bit integer. */
function lowestBit(mask: number): number {
  return 31 - Math.clz32(mask & -mask);
}

/**
 * Static range-minimum queries in O(1) that answer with the minimum's payload. Positions are cut
 * into blocks of 32. Position `i` owns `RMQ_FIELDS` int32 in `cells`: its payload (from the
 * caller), the minimum (value and payload) of its block up to `i` and from `i` on, and a 32-bit
 * mask for queries that stay inside one block. Values are read once, at construction. A query spanning blocks reads one cell at
 * each end and two entries of a sparse table over block minima ([value, payload] per block and
 * level, about 3.75 bytes per position at 10^6): a handful of cache lines, whatever the range.
 *
 * invariant: bit `j` of the mask at `i` is set iff position `block(i) + j ≤ i` holds a value
 * strictly smaller than every value after it up to `i` (a monotonic stack); so the lowest set bit
 * at or above `l` marks a minimum of `[l, i]`.
 */
export class RangeMinimum {
  readonly #cells: Int32Array;
  /** Level k, block b: [minimum value, its payload] over blocks b … b + 2^k - 1. */
  readonly #table: Int32Array;
  readonly #blocks: number;

  constructor(cells: Int32Array, n: number) {
    this.#cells = cells;
    const blocks = (n + LOW) >>> BLOCK_BITS;
    const levels = blocks > 0 ? 32 - Math.clz32(blocks) : 0;
    const table = new Int32Array(2 * levels * blocks);
    fillBlocks(cells, n, table, blocks);
    fillSparseTable(table, blocks, levels);
    this.#table = table;
    this.#blocks = blocks;
  }

  /** The payload of a minimum value in `[left, right]` (inclusive; `left ≤ right`, both in range). */
  minPayload(left: number, right: number): number {
    const cells = this.#cells;
    const firstBlock = left >>> BLOCK_BITS;
    const lastBlock = right >>> BLOCK_BITS;
    if (firstBlock === lastBlock) {
      const mask = (cells[RMQ_FIELDS * right + MASK] as number) & (-1 << (left & LOW));
      return cells[RMQ_FIELDS * ((right & ~LOW) + lowestBit(mask)) + PAYLOAD] as number;
    }
    const head = RMQ_FIELDS * left;
    const tail = RMQ_FIELDS * right;
    let bestValue = cells[head + SUFFIX_VALUE] as number;
    let best = cells[head + SUFFIX_PAYLOAD] as number;
    if ((cells[tail + PREFIX_VALUE] as number) < bestValue) {
      bestValue = cells[tail + PREFIX_VALUE] as number;
      best = cells[tail + PREFIX_PAYLOAD] as number;
    }
    if (lastBlock - firstBlock > 1) {
      const from = firstBlock + 1;
      const k = 31 - Math.clz32(lastBlock - from);
      const table = this.#table;
      const row = 2 * k * this.#blocks;
      const a = row + 2 * from;
      const b = row + 2 * (lastBlock - (1 << k));
      if ((table[a] as number) < bestValue) {
        bestValue = table[a] as number;
        best = table[a + 1] as number;
      }
      if ((table[b] as number) < bestValue) best = table[b + 1] as number;
    }
    return best;
  }
}

// The build loops live in plain functions of typed arrays and numbers, not in the constructor: run
// once per build, a constructor's optimized code is thrown away whenever a GC drops what it was
// specialized on (its instance map, weak constants), and each build then ran its loops mostly
// unoptimized until on-stack replacement caught up (measured: about 2.5× slower on 10^6 positions).

/**
 * Per block: the in-block masks, prefix and suffix minima of every position (from its value in
 * field `RMQ_VALUE`), and the block's minimum into level 0 of `table`.
 */
function fillBlocks(cells: Int32Array, n: number, table: Int32Array, blocks: number): void {
  const values = new Int32Array(BLOCK); // the current block's values, for the stack compares
  for (let b = 0; b < blocks; b++) {
    const start = b << BLOCK_BITS;
    const stop = Math.min(n, start + BLOCK);
    let stack = 0;
    let minValue = 0;
    let minPayload = 0;
    for (let i = start, j = 0; i < stop; i++, j++) {
      const cell = RMQ_FIELDS * i;
      const value = cells[cell + RMQ_VALUE] as number;
      values[j] = value;
      while (stack !== 0) {
        const top = 31 - Math.clz32(stack);
        if ((values[top] as number) < value) break;
        stack ^= 1 << top;
      }
      stack |= 1 << j;
      cells[cell + MASK] = stack;
      if (j === 0 || value < minValue) {
        minValue = value;
        minPayload = cells[cell + PAYLOAD] as number;
      }
      cells[cell + PREFIX_VALUE] = minValue;
      cells[cell + PREFIX_PAYLOAD] = minPayload;
    }
    table[2 * b] = minValue;
    table[2 * b + 1] = minPayload;
    for (let i = stop - 1, j = stop - 1 - start; i >= start; i--, j--) {
      const cell = RMQ_FIELDS * i;
      const value = values[j] as number;
      if (i === stop - 1 || value < minValue) {
        minValue = value;
        minPayload = cells[cell + PAYLOAD] as number;
      }
      cells[cell + SUFFIX_VALUE] = minValue;
      cells[cell + SUFFIX_PAYLOAD] = minPayload;
    }
  }
}

/** Levels 1 and up of the sparse table over block minima (level 0 filled by {@link fillBlocks}). */
function fillSparseTable(table: Int32Array, blocks: number, levels: number): void {
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
}
