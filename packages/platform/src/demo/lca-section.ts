import { buildLcaIndex, lowestCommonAncestor } from '@x/tree-lca';
import type { CliContext } from '../cli-context.js';
import { formatDuration } from '../progress-display.js';
import { check, type DemoSection, type DemoSectionResult } from './demo-section.js';
import { seededRandom } from './seeded-random.js';

/** Node count of the demo tree. */
const size = 100_000;
const queries = 100_000;
const verified = 2_000;

/** The naive oracle: climb the deeper node, then both, by parent pointers. */
function climb(parent: Int32Array, depth: Int32Array, a: number, b: number): number {
  let x = a;
  let y = b;
  while (depth[x]! > depth[y]!) x = parent[x]!;
  while (depth[y]! > depth[x]!) y = parent[y]!;
  while (x !== y) {
    x = parent[x]!;
    y = parent[y]!;
  }
  return x;
}

/** LCA: a random 100,000-node tree, an O(1) index, queries checked against naive climbing. */
export const lcaSection: DemoSection = {
  title: 'Lowest common ancestors (@x/tree-lca)',
  async run(context: CliContext): Promise<DemoSectionResult> {
    const random = seededRandom(2024);
    // A random recursive tree: node i's parent is a uniformly random earlier node.
    const parent = new Int32Array(size).fill(-1);
    const depth = new Int32Array(size);
    const children: number[][] = Array.from({ length: size }, () => []);
    for (let node = 1; node < size; node++) {
      const p = Math.floor(random() * node);
      parent[node] = p;
      depth[node] = depth[p]! + 1;
      children[p]!.push(node);
    }
    const buildStart = performance.now();
    const index = buildLcaIndex(children);
    const buildMs = performance.now() - buildStart;

    const pairs: [number, number][] = Array.from({ length: queries }, () => [
      Math.floor(random() * size),
      Math.floor(random() * size),
    ]);
    const queryStart = performance.now();
    const answers = index.lcaBatch(pairs);
    const queryMs = performance.now() - queryStart;

    let mismatches = 0;
    for (let i = 0; i < verified; i++) {
      const [a, b] = pairs[i]!;
      if (answers[i] !== climb(parent, depth, a, b)) mismatches++;
    }
    const [a, b] = pairs[0]!;
    const oneShot = lowestCommonAncestor(children, a, b);
    context.out(
      `  tree: ${size.toLocaleString('en-US')} nodes, root ${index.root}, built in ${formatDuration(buildMs)}`,
    );
    context.out(
      `  ${queries.toLocaleString('en-US')} lca queries in ${formatDuration(queryMs)} ` +
        `(${Math.round(queries / (queryMs / 1000)).toLocaleString('en-US')} queries/s)`,
    );
    for (const [x, y] of pairs.slice(0, 3)) {
      const lca = index.lca(x, y);
      context.out(
        `  lca(${x}, ${y}) = ${lca}   depths ${index.depth(x)}, ${index.depth(y)} → ${index.depth(lca)}, distance ${index.distance(x, y)} edges`,
      );
    }
    context.out(
      `  ${verified.toLocaleString('en-US')} answers checked against naive parent climbing: ${mismatches} mismatches`,
    );
    return {
      summary: `${size.toLocaleString('en-US')} nodes, ${queries.toLocaleString('en-US')} queries in ${formatDuration(queryMs)}`,
      checks: [
        check('indexed answers equal naive climbing', mismatches === 0, `${mismatches} mismatches`),
        check('one-shot and indexed LCA agree', oneShot === answers[0], `${oneShot} vs ${answers[0]}`),
        check('index holds every node', index.size === size, `size ${index.size}`),
      ],
    };
  },
};
