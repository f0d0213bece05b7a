// Issue #17, "go past this list": arbitrary values at every public entry point. Each call either
// answers (and the answer is consistent with the tree) or throws a TreeLcaError with a short
// message, reading the input a number of times proportional to its size.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildLcaIndex,
  type LcaIndex,
  LcaIndex as LcaIndexClass,
  lowestCommonAncestor,
  TreeLcaError,
} from '../src/index.js';
import { anyTree, inputForms } from './tree-arbitraries.js';

/** Property reads made through the counting proxies of the current run. */
let reads = 0;

/** `value` behind a proxy that counts every trap it serves. */
function counted<T extends object>(value: T): T {
  return new Proxy(value, {
    get(target, key, receiver) {
      reads++;
      return Reflect.get(target, key, receiver);
    },
    has(target, key) {
      reads++;
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      reads++;
      return Reflect.ownKeys(target);
    },
    getOwnPropertyDescriptor(target, key) {
      reads++;
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
  });
}

/** Arrays and plain objects (what the counting proxy can stand in for without changing behaviour). */
function isPlainData(value: unknown): boolean {
  try {
    if (typeof value !== 'object' || value === null) return false;
    const proto = Object.getPrototypeOf(value);
    return Array.isArray(value) || proto === Object.prototype || proto === null;
  } catch {
    return false; // a revoked proxy
  }
}

/** A rough size of a value: entries, keys and string length / 16, walked without calling getters. */
function sizeOf(value: unknown, seen = new Set<unknown>()): number {
  try {
    return walkSize(value, seen);
  } catch {
    return 1; // a proxy that cannot be inspected
  }
}

function walkSize(value: unknown, seen: Set<unknown>): number {
  if (typeof value === 'string') return 1 + Math.ceil(value.length / 16);
  if (typeof value !== 'object' || value === null || seen.has(value)) return 1;
  seen.add(value);
  if (value instanceof Map || value instanceof Set) {
    let size = 1;
    for (const entry of value instanceof Map ? value.entries() : value.values()) size += sizeOf(entry, seen);
    return size;
  }
  if (ArrayBuffer.isView(value)) return 1 + (value as unknown as ArrayLike<unknown>).length;
  let size = 1;
  // an array-like is as big as it says: the dense form has a node per index
  const length = Reflect.getOwnPropertyDescriptor(value, 'length');
  if (length && typeof length.value === 'number' && length.value >= 0) size += Math.min(length.value, 2 ** 27);
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(value, key);
    size += 1 + (descriptor && 'value' in descriptor ? sizeOf(descriptor.value, seen) : 0);
  }
  return size;
}

/**
 * A hostile value made on demand: fast-check inspects the values it generates (and prints them),
 * which a revoked proxy or a throwing trap would break, so arbitraries hold these boxes and
 * {@link materialize} opens them inside the property.
 */
class Box {
  constructor(
    readonly label: string,
    readonly make: () => unknown,
  ) {}
  [fc.toStringMethod](): string {
    return `<${this.label}>`;
  }
}

/** A copy of a generated value with every {@link Box} replaced by what it makes. */
function materialize(value: unknown): unknown {
  if (value instanceof Box) return value.make();
  if (Array.isArray(value)) {
    const copy = new Array(value.length);
    for (const key of Object.keys(value)) copy[Number(key)] = materialize(value[Number(key)]);
    return copy;
  }
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [materialize(k), materialize(v)]));
  if (typeof value === 'object' && value !== null) {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    const copy = Object.create(proto) as Record<string, unknown>;
    for (const key of Object.keys(value)) copy[key] = materialize((value as Record<string, unknown>)[key]);
    return copy;
  }
  return value;
}

const boom = (): never => {
  throw new Error('hostile getter');
};

/** Values no well-behaved caller passes: exotic objects, proxies, getters, extreme numbers. */
function hostile(): fc.Arbitrary<unknown> {
  const numbers = fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    -1,
    0.5,
    2 ** 31 - 2,
    2 ** 31 - 1,
    2 ** 32,
    2 ** 53,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    -(2 ** 31),
  );
  const leaf = fc.oneof(
    numbers,
    fc.integer({ min: 0, max: 2 ** 31 - 2 }),
    fc.nat(40).map((n) => 'x'.repeat(n * 2500)),
    fc.string({ maxLength: 20 }),
    fc.anything({
      maxDepth: 2,
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
    }),
  );
  const box = (label: string, make: () => unknown) => fc.constant(new Box(label, make));
  const exotic = fc.oneof(
    box('revoked proxy', () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    }),
    box('revoked function proxy', () => {
      const { proxy, revoke } = Proxy.revocable(() => [], {});
      revoke();
      return proxy;
    }),
    leaf.map(
      (value) =>
        new Box('proxy whose traps throw', () => {
          const target = materialize(value);
          return new Proxy(typeof target === 'object' && target !== null ? target : {}, {
            get: boom,
            ownKeys: boom,
            has: boom,
            getPrototypeOf: boom,
            getOwnPropertyDescriptor: boom,
          });
        }),
    ),
    box('throwing getter', () => ({
      get r() {
        return boom();
      },
    })),
    box('array-like with a throwing element', () => ({
      length: 2,
      get 0() {
        return boom();
      },
    })),
    box('length that changes on every read', () => {
      let flips = 0;
      return {
        get length() {
          flips++;
          return flips % 2 === 0 ? 1 : 2 ** 20;
        },
        0: [1],
        1: [],
      };
    }),
    box('root that changes on every read', () => {
      let flips = 0;
      return {
        get root() {
          flips++;
          return flips % 2 === 0 ? 0 : 'r';
        },
      };
    }),
    box('iterable that throws', () => ({
      *[Symbol.iterator]() {
        yield 1;
        boom();
      },
    })),
    box('function that throws', () => () => boom()),
    box('symbol', () => Symbol('s')),
    box('huge bigint', () => 10n ** 300n),
    box('null-prototype object', () => Object.create(null)),
    box('invalid Date', () => new Date(Number.NaN)),
    fc.nat(2 ** 16).map((length) => ({ length })),
    fc.constantFrom(-1, 2 ** 26 + 1, 2 ** 31, Number.NaN, '3').map((length) => ({ length })),
    fc.sparseArray(leaf, { maxLength: 100_000, maxNumElements: 5 }),
  );
  return fc.oneof(leaf, exotic, fc.array(fc.oneof(leaf, exotic), { maxLength: 5 }));
}

/** Children inputs: hostile values, and real trees with hostile values mixed in. */
const children = fc.oneof(
  hostile(),
  fc.array(fc.oneof(fc.array(fc.nat(20), { maxLength: 4 }), hostile()), { maxLength: 30 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.array(fc.string({ maxLength: 3 })), hostile()), {
    maxKeys: 10,
  }),
  fc
    .array(fc.tuple(fc.oneof(fc.string({ maxLength: 2 }), hostile()), fc.oneof(fc.array(hostile()), hostile())), {
      maxLength: 8,
    })
    .map((entries) => new Map(entries)),
  anyTree(30).chain((tree) => fc.constantFrom(...inputForms(tree)).map((form) => form.children)),
);
const options = fc.oneof(
  fc.constant(undefined),
  fc.record({ root: hostile() }, { requiredKeys: [] }),
  fc.record({ rooot: hostile() }),
  hostile(),
);

/** Runs `call`, returning its answer or asserting on what it threw. */
function answerOrOwnError<T>(call: () => T): { ok: true; value: T } | { ok: false } {
  try {
    return { ok: true, value: call() };
  } catch (error) {
    expect(error).toBeInstanceOf(TreeLcaError);
    expect((error as Error).message.length).toBeLessThan(1024);
    expect((error as Error).message).not.toContain('\n');
    return { ok: false };
  }
}

/** What a built index must satisfy, whatever it was built from. */
function checkIndex(index: LcaIndex<unknown>, probes: unknown[]): void {
  expect(Number.isInteger(index.size) && index.size >= 1).toBe(true);
  const root = index.root;
  expect(index.has(root)).toBe(true);
  expect(index.depth(root)).toBe(0);
  expect(index.parent(root)).toBe(undefined);
  expect(index.lca(root, root)).toBe(root);
  for (const probe of probes) {
    for (const call of [
      () => index.has(probe),
      () => index.lca(probe, root),
      () => index.lcaOf([probe, root]),
      () => index.lcaOf(probe as never),
      () => index.lcaBatch(probe as never),
      () => index.depth(probe),
      () => index.parent(probe),
      () => index.isAncestor(root, probe),
      () => index.distance(probe, root),
      () => index.path(probe, root),
      () => index.kthAncestor(root, probe as never),
      () => index.kthAncestor(probe, 1),
    ]) {
      answerOrOwnError(call);
    }
    const lca = answerOrOwnError(() => index.lca(probe, root));
    if (lca.ok) {
      // a probe that is a node: the answers must agree with each other
      expect(lca.value).toBe(root);
      const depth = index.depth(probe);
      expect(index.distance(probe, root)).toBe(depth);
      expect(index.path(probe, root)).toHaveLength(depth + 1);
      expect(index.kthAncestor(probe, depth)).toBe(root);
      expect(index.isAncestor(root, probe)).toBe(true);
    }
  }
}

describe('arbitrary values at every entry point (issue #17)', () => {
  it('a dense root of -0 is node 0, answered as +0, also when the tree is only its root (found by the property below)', () => {
    for (const children of [[], [[1], []]]) {
      const index = buildLcaIndex(children, { root: -0 }) as LcaIndex<number>;
      expect(Object.is(index.root, 0)).toBe(true);
      expect(Object.is(index.lca(index.root, index.root), 0)).toBe(true);
    }
  });

  it('build, construct and one-shot: an answer or a TreeLcaError, with reads proportional to the input', () => {
    fc.assert(
      fc.property(children, options, fc.array(hostile(), { maxLength: 4 }), (rawInput, rawOpts, rawProbes) => {
        const input = materialize(rawInput);
        const opts = materialize(rawOpts);
        const probes = rawProbes.map(materialize);
        const size = sizeOf(input) + sizeOf(opts);
        const wrapped = isPlainData(input) ? counted(input as object) : input;
        reads = 0;
        const bytesBefore = process.memoryUsage().arrayBuffers;
        const started = performance.now();
        const built = answerOrOwnError(() => buildLcaIndex(wrapped as never, opts as never));
        answerOrOwnError(() => new LcaIndexClass(wrapped as never, opts as never));
        for (const probe of probes) {
          answerOrOwnError(() => lowestCommonAncestor(wrapped as never, probe as never, probe as never, opts as never));
        }
        const elapsed = performance.now() - started;
        // work: input reads and typed-array memory proportional to the input's size
        expect(reads).toBeLessThanOrEqual(40 * size * (probes.length + 2) + 100);
        expect(process.memoryUsage().arrayBuffers - bytesBefore).toBeLessThan(256 * size + (1 << 20));
        // and a wall-clock bound only as a backstop: generous and proportional
        expect(elapsed).toBeLessThan(2000 + 0.1 * size * (probes.length + 2));
        if (built.ok) checkIndex(built.value as LcaIndex<unknown>, probes);
      }),
      { numRuns: 400 },
    );
  }, 120_000);

  it('every query method of a real index, with arbitrary arguments', () => {
    fc.assert(
      fc.property(
        anyTree(40).chain((tree) => fc.constantFrom(...inputForms(tree))),
        fc.array(hostile(), { maxLength: 6 }),
        (form, rawProbes) => {
          const probes = rawProbes.map(materialize);
          const index = buildLcaIndex(form.children as never, form.options as never) as LcaIndex<unknown>;
          checkIndex(index, [...probes, form.id(0)]);
        },
      ),
      { numRuns: 200 },
    );
  }, 120_000);
});
