/**
 * The brute-force oracle the property tests compare against: ancestor lists read straight off a
 * parent array. Obviously correct, O(depth) per question, nothing shared with the library.
 */
export class AncestorOracle {
  readonly #parent: readonly number[];

  constructor(parent: readonly number[]) {
    this.#parent = parent;
  }

  /** `node`, its parent, …, the root. */
  ancestors(node: number): number[] {
    const list: number[] = [];
    for (let x = node; x !== -1; x = this.#parent[x] as number) list.push(x);
    return list;
  }

  lca(a: number, b: number): number {
    const ofB = new Set(this.ancestors(b));
    return this.ancestors(a).find((x) => ofB.has(x)) as number;
  }

  lcaOf(nodes: readonly number[]): number {
    return nodes.reduce((acc, node) => this.lca(acc, node));
  }

  depth(node: number): number {
    return this.ancestors(node).length - 1;
  }

  distance(a: number, b: number): number {
    const meet = this.lca(a, b);
    return this.ancestors(a).indexOf(meet) + this.ancestors(b).indexOf(meet);
  }

  path(a: number, b: number): number[] {
    const meet = this.lca(a, b);
    const up = this.ancestors(a);
    const down = this.ancestors(b);
    return [...up.slice(0, up.indexOf(meet) + 1), ...down.slice(0, down.indexOf(meet)).reverse()];
  }

  isAncestor(ancestor: number, node: number): boolean {
    return this.ancestors(node).includes(ancestor);
  }

  kthAncestor(node: number, k: number): number | undefined {
    return this.ancestors(node)[k];
  }
}
