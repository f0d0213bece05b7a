/** Positions come in blocks of `2^RMQ_BLOCK_BITS`. */
export const RMQ_BLOCK_BITS = 5;
const BLOCK_BITS = RMQ_BLOCK_BITS;
const BLOCK = 1 << BLOCK_BITS; // 32 positions, one bit each in a 32-bit mask
const LOW = BLOCK - 1;

/**
 * Int32 fields per position in the cells array: [value, payload, in-block mask]. The caller writes
 * each position's value and payload before construction; construction writes the masks.
 */
export const RMQ_FIELDS = 3;
/** Where the caller puts a position's value. */
export const RMQ_VALUE = 0;
/** Where the caller puts a position's payload, the answer a query returns. */
export const RMQ_PAYLOAD = 1;
const VALUE = RMQ_VALUE;
const PAYLOAD = RMQ_PAYLOAD;
const MASK = 2;

/** Index of the lowest set bit of a non-zero 32-bit integer. */
function lowestBit(mask: number): number {
  return 31 - Math.clz32(mask & -mask);
}

function blockCount(n: number): number {
  return (n + LOW) >>> BLOCK_BITS;
}

function levelCount(blocks: number): number {
  return blocks > 0 ? 32 - Math.clz32(blocks) : 0;
}

/**
 * A zeroed array for `n` positions: their cells, then room for the sparse table. One allocation,
 * so that a build asks the allocator (and the garbage collector's external-memory accounting)
 * once rather than once per array.
 */
export function rangeMinimumCells(n: number): Int32Array {
  const blocks = blockCount(n);
  return new Int32Array(RMQ_FIELDS * n + 2 * levelCount(blocks) * blocks);
}

/**
 * Static range-minimum queries in O(1) that answer with the minimum's payload. Positions are cut
 * into blocks of 32. Position `i` owns `RMQ_FIELDS` int32 in `cells`: its value and payload (from
 * the caller) and a 32-bit mask that locates the minimum of any range of its block ending at `i`.
 * A query inside one block reads one mask and one payload. A query spanning blocks finds the
 * minimum of its head (from the mask at the end of its first block) and of its tail (from the mask
 * at its right end) and reads two entries of a sparse table over block minima ([value, payload] per
 * block and level, about 3.75 bytes per position at 10^6): a handful of cache lines, whatever the
 * range. About 15.75 bytes per position in all.
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

  /**
   * @param cells - from {@link rangeMinimumCells}`(n)`, every position's value and payload written
   * @param n - the number of positions
   * @param filled - how many leading blocks the caller has already passed to {@link fillBlock}
   */
  constructor(cells: Int32Array, n: number, filled = 0) {
    const blocks = blockCount(n);
    const table = cells.subarray(RMQ_FIELDS * n);
    for (let b = filled; b < blocks; b++) fillBlock(cells, n, b);
    fillSparseTable(table, blocks, levelCount(blocks));
    this.#cells = cells;
    this.#table = table;
    this.#blocks = blocks;
  }

  /** The payload of a minimum value in `[left, right]` (inclusive; `left ≤ right`, both in range). */
  minPayload(left: number, right: number): number {
    const cells = this.#cells;
    const firstBlock = left >>> BLOCK_BITS;
    const lastBlock = right >>> BLOCK_BITS;
    const tailStart = right & ~LOW;
    if (firstBlock === lastBlock) {
      const mask = (cells[RMQ_FIELDS * right + MASK] as number) & (-1 << (left & LOW));
      return cells[RMQ_FIELDS * (tailStart + lowestBit(mask)) + PAYLOAD] as number;
    }
    // the head, `left` to the end of its block (a full block, as another one follows)
    const headMask = (cells[RMQ_FIELDS * (left | LOW) + MASK] as number) & (-1 << (left & LOW));
    const head = RMQ_FIELDS * ((left & ~LOW) + lowestBit(headMask));
    let bestValue = cells[head + VALUE] as number;
    let best = cells[head + PAYLOAD] as number;
    // the tail, the start of its block to `right`
    const tail = RMQ_FIELDS * (tailStart + lowestBit(cells[RMQ_FIELDS * right + MASK] as number));
    if ((cells[tail + VALUE] as number) < bestValue) {
      bestValue = cells[tail + VALUE] as number;
      best = cells[tail + PAYLOAD] as number;
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
 * Block `b` of `n` positions in `cells` (from {@link rangeMinimumCells}): every position's in-block
 * mask, and the block's minimum into level 0 of the sparse table. Needs the values and payloads of
 * that block's positions, no others: a caller that writes positions in order can fill each block
 * as soon as it is complete, while it is still in cache, and tell the constructor how many it did.
 */
export function fillBlock(cells: Int32Array, n: number, b: number): void {
  const start = b << BLOCK_BITS;
  const stop = Math.min(n, start + BLOCK);
  let stack = 0;
  for (let i = start, j = 0; i < stop; i++, j++) {
    const cell = RMQ_FIELDS * i;
    const value = cells[cell + VALUE] as number;
    while (stack !== 0) {
      const top = 31 - Math.clz32(stack);
      if ((cells[RMQ_FIELDS * (start + top) + VALUE] as number) < value) break;
      stack ^= 1 << top;
    }
    stack |= 1 << j;
    cells[cell + MASK] = stack;
  }
  // the stack's bottom is the block's minimum; level 0 of the table starts after the cells
  const min = RMQ_FIELDS * (start + lowestBit(stack));
  const entry = RMQ_FIELDS * n + 2 * b;
  cells[entry] = cells[min + VALUE] as number;
  cells[entry + 1] = cells[min + PAYLOAD] as number;
}

/** Levels 1 and up of the sparse table over block minima (level 0 filled by {@link fillBlock}). */
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
