/**
 * Build time, 10^6 random `lca` queries and memory per node, for a random recursive tree and a
 * chain of n = 10^6 nodes, side by side with naive parent/depth climbing, binary lifting, and two
 * floors: scanning the input's lists in storage order (touches every entry, learns nothing about the
 * shape), and walking the tree once from the root, breadth first, doing nothing else (the least any
 * builder must do to find out which node lies where, and the floor the ≤ 4× target is judged by).
 */
import { buildLcaIndex, type LcaIndex } from '../src/index.js';
import { BinaryLifting, NaiveClimbing } from './baseline-lca.js';

interface Shape {
  readonly name: string;
  readonly children: number[][];
}

/** Deterministic PRNG (mulberry32), so every run benchmarks the same trees and queries. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomRecursiveTree(n: number, next: () => number): number[][] {
  const children: number[][] = Array.from({ length: n }, () => []);
  for (let i = 1; i < n; i++) (children[Math.floor(next() * i)] as number[]).push(i);
  return children;
}

function chain(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => (i + 1 < n ? [i + 1] : []));
}

function walkDense(children: ArrayLike<ArrayLike<number>>): number {
  let sum = 0;
  for (let i = 0; i < children.length; i++) {
    const kids = children[i] as ArrayLike<number>;
    for (let j = 0; j < kids.length; j++) sum += kids[j] as number;
  }
  return sum;
}

/** Breadth-first walk from the root (node 0) over dense children lists; returns the nodes seen. */
function walkDenseTree(children: ArrayLike<ArrayLike<number>>): number {
  const order = new Int32Array(children.length);
  let head = 0;
  let tail = 1;
  while (head < tail) {
    const kids = children[order[head++] as number] as ArrayLike<number>;
    for (let j = 0; j < kids.length; j++) order[tail++] = kids[j] as number;
  }
  return tail;
}

/** Breadth-first walk from the root (key 0) over a `Map` of children lists. */
function walkMapTree(children: ReadonlyMap<number, readonly number[]>): number {
  const order: number[] = [0];
  for (let head = 0; head < order.length; head++) {
    const kids = children.get(order[head] as number);
    if (kids) for (let j = 0; j < kids.length; j++) order.push(kids[j] as number);
  }
  return order.length;
}

function walkMap(children: ReadonlyMap<number, readonly number[]>): number {
  let sum = 0;
  for (const [node, kids] of children) {
    sum += node;
    for (let j = 0; j < kids.length; j++) sum += kids[j] as number;
  }
  return sum;
}

let sink = 0;

/**
 * A full GC, then a pause for V8's background sweeping to finish, so that a measurement pays
 * neither for garbage left by the previous one nor for the collector's own follow-up work.
 */
async function settle(): Promise<void> {
  globalThis.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 150));
}

interface Timing {
  /** Median wall time in ms of the measured calls. */
  readonly median: number;
  /** Wall times in ms of the warm-up calls, in order. */
  readonly warmup: readonly number[];
}

/**
 * Wall times of several methods, timed in rounds: each round calls every method once, each call
 * after `settle()`. This VM's speed drifts over seconds, so timing one method's runs back to back
 * and then the next method's let a slow spell land on whichever was being timed; in rounds it hits
 * all of them alike, and ratios between methods stay meaningful. The first `warmups` rounds are
 * kept apart (a builder runs each of its loops once per call, so the JIT needs a few calls to
 * finish optimizing them, and the allocator a few to settle); then the median of `runs` rounds.
 * GC caused by a method's own allocations stays in its time.
 */
async function timeRounds<Name extends string>(
  warmups: number,
  runs: number,
  works: Record<Name, () => unknown>,
): Promise<Record<Name, Timing>> {
  const names = Object.keys(works) as Name[];
  const times = new Map<Name, number[]>(names.map((name) => [name, []]));
  for (let r = 0; r < warmups + runs; r++) {
    for (const name of names) {
      await settle();
      const start = performance.now();
      const result = works[name]();
      (times.get(name) as number[]).push(performance.now() - start);
      sink += typeof result === 'number' ? result : 1;
    }
  }
  const timings = {} as Record<Name, Timing>;
  for (const name of names) {
    const all = times.get(name) as number[];
    const measured = all.slice(warmups).sort((x, y) => x - y);
    timings[name] = { median: measured[Math.floor(measured.length / 2)] as number, warmup: all.slice(0, warmups) };
  }
  return timings;
}

function memoryNow(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

/** Bytes retained per node by what `build` returns (heap + typed-array buffers). */
function bytesPerNode(n: number, build: () => unknown): number {
  const before = memoryNow();
  const kept = build();
  const after = memoryNow();
  sink += kept === undefined ? 0 : 1;
  return (after - before) / n;
}

/** Wall time in ms of `run` (a loop of queries): the faster of two passes, each after `settle()`. */
async function queryTime(run: () => number): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let pass = 0; pass < 2; pass++) {
    await settle();
    const start = performance.now();
    sink += run();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

function fixed(value: number, digits = 1): string {
  return value.toFixed(digits).padStart(10);
}

export async function main({ quick }: { quick: boolean }): Promise<void> {
  const n = quick ? 20_000 : 1_000_000;
  const queries = quick ? 20_000 : 1_000_000;
  const runs = quick ? 1 : 5;
  const warmups = quick ? 1 : 3;
  const next = random(42);
  const shapes: Shape[] = [
    { name: 'random recursive tree', children: randomRecursiveTree(n, next) },
    { name: 'chain', children: chain(n) },
  ];
  const qa = new Int32Array(queries);
  const qb = new Int32Array(queries);
  for (let q = 0; q < queries; q++) {
    qa[q] = Math.floor(next() * n);
    qb[q] = Math.floor(next() * n);
  }
  console.log(
    `n = ${n}, ${queries} random lca queries, build = median of ${runs} rounds after ${warmups} warm-up rounds; node ${process.version}, ` +
      `${(await import('node:os')).cpus().length} cores`,
  );
  for (const shape of shapes) {
    const children = shape.children;
    const map = new Map(children.map((kids, i) => [i, kids] as const));
    const dense = await timeRounds(warmups, runs, {
      scan: () => walkDense(children),
      walk: () => walkDenseTree(children),
      ours: () => buildLcaIndex(children),
      naive: () => new NaiveClimbing(children),
      lifting: () => new BinaryLifting(children),
    });
    const keyed = await timeRounds(warmups, runs, {
      scan: () => walkMap(map),
      walk: () => walkMapTree(map),
      ours: () => buildLcaIndex(map),
    });
    const floor = dense.scan.median;
    const treeFloor = dense.walk.median;
    const ours = dense.ours.median;
    const naive = dense.naive.median;
    const lifting = dense.lifting.median;
    const floorMap = keyed.scan.median;
    const treeFloorMap = keyed.walk.median;
    const oursMap = keyed.ours.median;

    const index: LcaIndex<number> = buildLcaIndex(children);
    const indexMap = buildLcaIndex(map);
    const naiveIndex = new NaiveClimbing(children);
    const liftingIndex = new BinaryLifting(children);
    // One loop per method, written out: a shared loop calling each method through a parameter
    // would time a megamorphic call per query on top of the method itself.
    const oursQueries = await queryTime(() => {
      let sum = 0;
      for (let q = 0; q < queries; q++) sum += index.lca(qa[q] as number, qb[q] as number);
      return sum;
    });
    const oursMapQueries = await queryTime(() => {
      let sum = 0;
      for (let q = 0; q < queries; q++) sum += indexMap.lca(qa[q] as number, qb[q] as number);
      return sum;
    });
    // naive climbing on a chain is O(n) a query: time a slice and scale it up
    const naiveCount = shape.name === 'chain' ? Math.min(queries, 1000) : queries;
    const naiveSlice = await queryTime(() => {
      let sum = 0;
      for (let q = 0; q < naiveCount; q++) sum += naiveIndex.lca(qa[q] as number, qb[q] as number);
      return sum;
    });
    const naiveQueries = (naiveSlice * queries) / naiveCount;
    const liftingQueries = await queryTime(() => {
      let sum = 0;
      for (let q = 0; q < queries; q++) sum += liftingIndex.lca(qa[q] as number, qb[q] as number);
      return sum;
    });

    const oursBytes = bytesPerNode(n, () => buildLcaIndex(children));
    const oursMapBytes = bytesPerNode(n, () => buildLcaIndex(map));
    const naiveBytes = bytesPerNode(n, () => new NaiveClimbing(children));
    const liftingBytes = bytesPerNode(n, () => new BinaryLifting(children));

    console.log(`\n## ${shape.name}, n = ${n}\n`);
    console.log('| method                        |   build ms |    × floor | lca ms (all) |  bytes/node |');
    console.log('|-------------------------------|-----------:|-----------:|-------------:|------------:|');
    const row = (name: string, build: number, base: number, query: number | undefined, bytes: number | undefined) =>
      console.log(
        `| ${name.padEnd(29)} | ${fixed(build)} | ${fixed(build / base, 2)} | ${
          query === undefined ? '         -  ' : `${fixed(query)}  `
        } | ${bytes === undefined ? '          -' : fixed(bytes, 1).padStart(11)} |`,
      );
    row('scan dense lists', floor, treeFloor, undefined, undefined);
    row('walk dense tree (floor)', treeFloor, treeFloor, undefined, undefined);
    row('@x/tree-lca, dense arrays', ours, treeFloor, oursQueries, oursBytes);
    row('naive climbing', naive, treeFloor, naiveQueries, naiveBytes);
    row('binary lifting', lifting, treeFloor, liftingQueries, liftingBytes);
    row('scan Map entries', floorMap, treeFloorMap, undefined, undefined);
    row('walk Map tree (floor)', treeFloorMap, treeFloorMap, undefined, undefined);
    row('@x/tree-lca, Map', oursMap, treeFloorMap, oursMapQueries, oursMapBytes);
    if (naiveCount < queries) console.log(`\nnaive climbing query time scaled up from ${naiveCount} queries.`);
    console.log(
      `@x/tree-lca warm-up builds, dense arrays (JIT still optimizing, allocator settling): ` +
        `${dense.ours.warmup.map((ms) => ms.toFixed(1)).join(', ')} ms`,
    );
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    console.log(
      `\ntargets (dense): build ${(ours / treeFloor).toFixed(2)}× the tree-walk floor (≤ 4: ${verdict(ours <= 4 * treeFloor)}; ` +
        `${(ours / floor).toFixed(1)}× the plain list scan), ` +
        `${queries} queries ${oursQueries.toFixed(0)} ms (< 500 at 10^6: ${verdict(oursQueries < 500)}), ` +
        `${oursBytes.toFixed(1)} bytes/node (< 100: ${verdict(oursBytes < 100)})`,
    );
    console.log(
      `vs peers: query time of naive climbing ${(naiveQueries / oursQueries).toFixed(1)}× ours, ` +
        `of binary lifting ${(liftingQueries / oursQueries).toFixed(1)}× ours; ` +
        `memory of binary lifting ${(liftingBytes / oursBytes).toFixed(1)}× ours`,
    );
  }
  if (sink === Number.MIN_VALUE) console.log(sink);
}
