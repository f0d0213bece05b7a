// Type-level tests: `pnpm typecheck` (tsc over test/) enforces them; at run time nothing is built,
// every call sits in a function that is only inspected by `expectTypeOf`.
import { expectTypeOf, it } from 'vitest';
import { buildLcaIndex, LcaIndex, lowestCommonAncestor } from '../src/index.js';

it('buildLcaIndex and lowestCommonAncestor infer ids from every input form (checked by tsc)', () => {
  expectTypeOf(() => buildLcaIndex([[1, 2]])).returns.toEqualTypeOf<LcaIndex<number>>();
  expectTypeOf(() => buildLcaIndex({ r: ['a'] })).returns.toEqualTypeOf<LcaIndex<string>>();
  expectTypeOf(() => buildLcaIndex(new Map([[1n, [2n]]]))).returns.toEqualTypeOf<LcaIndex<bigint>>();
  expectTypeOf(() => buildLcaIndex((n: string) => [n], { root: 'r' })).returns.toEqualTypeOf<LcaIndex<string>>();
  expectTypeOf(() => lowestCommonAncestor([[1, 2]], 1, 2)).returns.toEqualTypeOf<number>();
  expectTypeOf(() => lowestCommonAncestor(new Map([['a', ['b']]]), 'a', 'b')).returns.toEqualTypeOf<string>();
  expectTypeOf(() => {
    // @ts-expect-error: the function form needs a root
    buildLcaIndex((n: string) => [n]);
    // @ts-expect-error: dense ids are numbers
    buildLcaIndex([[1, 2]]).lca('1', 2);
  }).toBeFunction();
});

it('new LcaIndex infers Map and function ids; dense and object inputs take the id type (checked by tsc)', () => {
  expectTypeOf(() => new LcaIndex(new Map([['a', ['b']]]))).returns.toEqualTypeOf<LcaIndex<string>>();
  expectTypeOf(() => new LcaIndex((n: number) => [n + 1], { root: 0 })).returns.toEqualTypeOf<LcaIndex<number>>();
  expectTypeOf(() => new LcaIndex<number>([[1, 2]])).returns.toEqualTypeOf<LcaIndex<number>>();
  expectTypeOf(() => new LcaIndex<string>({ r: ['a'] })).returns.toEqualTypeOf<LcaIndex<string>>();
  expectTypeOf(() => {
    // @ts-expect-error: dense children must be numbers
    new LcaIndex<number>([['a']]);
    // @ts-expect-error: object children must be strings
    new LcaIndex<string>({ r: [1] });
  }).toBeFunction();
});
