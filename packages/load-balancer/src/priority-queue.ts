import type { TaskState } from './task-state.js';

/**
 * One priority level: a FIFO ring buffer stored column-wise (task, resolve, state in one array
 * with stride 3; enqueue times in a Float64Array), so a queued task costs no object of its own.
 * Entries whose state was settled while queued (timeout, abort) stay in place and are skipped
 * when they reach the head (lazy deletion).
 */
export class Bucket {
  readonly priority: number;
  /** Live (not settled) entries. */
  live = 0;
  /** Physical entries, settled ones included. */
  length = 0;
  #head = 0;
  #mask: number;
  #items: unknown[];
  #times: Float64Array;

  constructor(priority: number, initialCapacity = 16) {
    this.priority = priority;
    this.#mask = initialCapacity - 1;
    this.#items = new Array(initialCapacity * 3);
    this.#times = new Float64Array(initialCapacity);
  }

  push(task: unknown, resolve: unknown, state: TaskState | undefined, time: number): void {
    if (this.length > this.#mask) this.#grow();
    const slot = (this.#head + this.length) & this.#mask;
    const i = slot * 3;
    this.#items[i] = task;
    this.#items[i + 1] = resolve;
    this.#items[i + 2] = state;
    this.#times[slot] = time;
    this.length++;
  }

  /**
   * Puts a task that already ran back near the front: after the requeued entries that were
   * first dispatched before it (`seq` order), before every entry that never ran. Keeps FIFO by
   * original submit order, since within one priority tasks are dispatched in submit order.
   */
  pushRequeued(task: unknown, resolve: unknown, state: TaskState, time: number): void {
    if (this.length > this.#mask) this.#grow();
    const items = this.#items;
    const times = this.#times;
    const mask = this.#mask;
    let position = 0;
    while (position < this.length) {
      const other = items[((this.#head + position) & mask) * 3 + 2] as TaskState | undefined;
      if (other === undefined || other.seq < 0 || other.seq > state.seq) break;
      position++;
    }
    // shift entries [0, position) one slot towards the front
    this.#head = (this.#head - 1) & mask;
    for (let k = 0; k < position; k++) {
      const to = (this.#head + k) & mask;
      const from = (to + 1) & mask;
      items[to * 3] = items[from * 3];
      items[to * 3 + 1] = items[from * 3 + 1];
      items[to * 3 + 2] = items[from * 3 + 2];
      times[to] = times[from] as number;
    }
    const slot = (this.#head + position) & mask;
    items[slot * 3] = task;
    items[slot * 3 + 1] = resolve;
    items[slot * 3 + 2] = state;
    times[slot] = time;
    this.length++;
  }

  headState(): TaskState | undefined {
    return this.#items[this.#head * 3 + 2] as TaskState | undefined;
  }

  headTime(): number {
    return this.#times[this.#head] as number;
  }

  /** Removes the head, leaving its columns in `out`. */
  shift(out: Dequeued): void {
    const i = this.#head * 3;
    const items = this.#items;
    out.task = items[i];
    out.resolve = items[i + 1];
    out.state = items[i + 2] as TaskState | undefined;
    out.time = this.#times[this.#head] as number;
    items[i] = undefined;
    items[i + 1] = undefined;
    items[i + 2] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.length--;
  }

  /** Calls `visit` for each live entry, front to back. */
  forEachLive(visit: (task: unknown, resolve: unknown, state: TaskState | undefined, time: number) => void): void {
    for (let k = 0; k < this.length; k++) {
      const slot = (this.#head + k) & this.#mask;
      const state = this.#items[slot * 3 + 2] as TaskState | undefined;
      if (state?.settled) continue;
      visit(this.#items[slot * 3], this.#items[slot * 3 + 1], state, this.#times[slot] as number);
    }
  }

  #grow(): void {
    const capacity = (this.#mask + 1) * 2;
    const items = new Array(capacity * 3);
    const times = new Float64Array(capacity);
    for (let k = 0; k < this.length; k++) {
      const from = (this.#head + k) & this.#mask;
      items[k * 3] = this.#items[from * 3];
      items[k * 3 + 1] = this.#items[from * 3 + 1];
      items[k * 3 + 2] = this.#items[from * 3 + 2];
      times[k] = this.#times[from] as number;
    }
    this.#items = items;
    this.#times = times;
    this.#head = 0;
    this.#mask = capacity - 1;
  }
}

/** Output slot of {@link Bucket.shift}, reused to avoid allocating per dequeue. */
export interface Dequeued {
  task: unknown;
  resolve: unknown;
  state: TaskState | undefined;
  time: number;
}

/**
 * The task queue: one {@link Bucket} per distinct priority, non-empty buckets kept sorted by
 * priority (highest first). Without aging the head of the first bucket is next: O(1). With
 * aging the heads of the buckets are compared by effective priority
 * (`priority + min(maxBoost, floor(waited / intervalMs) × boost)`, ties to the older), which
 * is O(distinct priorities) and stops early once no lower bucket can catch up.
 */
export class PriorityQueue {
  /** Live (not settled) queued tasks. */
  live = 0;
  readonly #buckets = new Map<number, Bucket>();
  /** Non-empty buckets, highest priority first. */
  readonly #nonEmpty: Bucket[] = [];
  #last: Bucket | undefined;

  bucket(priority: number): Bucket {
    const last = this.#last;
    if (last !== undefined && last.priority === priority) return last;
    let bucket = this.#buckets.get(priority);
    if (bucket === undefined) {
      bucket = new Bucket(priority);
      this.#buckets.set(priority, bucket);
    }
    this.#last = bucket;
    return bucket;
  }

  push(priority: number, task: unknown, resolve: unknown, state: TaskState | undefined, time: number): void {
    const bucket = this.bucket(priority);
    if (bucket.length === 0) this.#activate(bucket);
    bucket.push(task, resolve, state, time);
    bucket.live++;
    this.live++;
  }

  pushRequeued(priority: number, task: unknown, resolve: unknown, state: TaskState, time: number): void {
    const bucket = this.bucket(priority);
    if (bucket.length === 0) this.#activate(bucket);
    bucket.pushRequeued(task, resolve, state, time);
    bucket.live++;
    this.live++;
  }

  /** A queued task's state was settled in place: it no longer counts. */
  cancelled(priority: number): void {
    this.bucket(priority).live--;
    this.live--;
  }

  /** The bucket whose head goes next, or `undefined` when nothing is queued physically. */
  best(now: number, intervalMs: number, boost: number, maxBoost: number): Bucket | undefined {
    const nonEmpty = this.#nonEmpty;
    const first = nonEmpty[0];
    if (intervalMs === 0 || nonEmpty.length < 2) return first;
    let best = first as Bucket;
    let bestEffective = effective(best, now, intervalMs, boost, maxBoost);
    for (let i = 1; i < nonEmpty.length; i++) {
      const bucket = nonEmpty[i] as Bucket;
      if (bucket.priority + maxBoost < bestEffective) break;
      const value = effective(bucket, now, intervalMs, boost, maxBoost);
      if (value > bestEffective || (value === bestEffective && bucket.headTime() < best.headTime())) {
        best = bucket;
        bestEffective = value;
      }
    }
    return best;
  }

  /** Removes the head of `bucket` into `out`; returns whether it was live. */
  shift(bucket: Bucket, out: Dequeued): boolean {
    bucket.shift(out);
    if (bucket.length === 0) this.#deactivate(bucket);
    if (out.state?.settled) return false;
    bucket.live--;
    this.live--;
    return true;
  }

  /** Live queued counts per priority. */
  countsByPriority(): Record<number, number> {
    const counts: Record<number, number> = {};
    for (const bucket of this.#nonEmpty) if (bucket.live > 0) counts[bucket.priority] = bucket.live;
    return counts;
  }

  /** Removes every entry, calling `visit` for each live one (highest priority first). */
  clear(visit: (task: unknown, resolve: unknown, state: TaskState | undefined, priority: number) => void): void {
    const buckets = this.#nonEmpty.splice(0);
    const out: Dequeued = { task: undefined, resolve: undefined, state: undefined, time: 0 };
    for (const bucket of buckets) {
      while (bucket.length > 0) {
        bucket.shift(out);
        if (out.state?.settled) continue;
        bucket.live--;
        this.live--;
        visit(out.task, out.resolve, out.state, bucket.priority);
      }
    }
  }

  // A bucket turns non-empty and empty again on nearly every submit of an unloaded balancer:
  // both moves shift in place, without `splice` (which allocates the array of removed items).

  #activate(bucket: Bucket): void {
    const nonEmpty = this.#nonEmpty;
    let i = nonEmpty.length;
    nonEmpty.push(bucket);
    while (i > 0 && (nonEmpty[i - 1] as Bucket).priority < bucket.priority) {
      nonEmpty[i] = nonEmpty[i - 1] as Bucket;
      i--;
    }
    nonEmpty[i] = bucket;
  }

  #deactivate(bucket: Bucket): void {
    const nonEmpty = this.#nonEmpty;
    const index = nonEmpty.indexOf(bucket);
    if (index === -1) return;
    for (let i = index + 1; i < nonEmpty.length; i++) nonEmpty[i - 1] = nonEmpty[i] as Bucket;
    nonEmpty.pop();
  }
}

function effective(bucket: Bucket, now: number, intervalMs: number, boost: number, maxBoost: number): number {
  const waited = now - bucket.headTime();
  const bonus = waited > 0 ? Math.min(maxBoost, Math.floor(waited / intervalMs) * boost) : 0;
  return bucket.priority + bonus;
}
