import { expectTypeOf, it } from 'vitest';
import { buildLcaIndex, LcaIndex, lowestCommonAncestor } from '../src/index.js';

it('ids are inferred from every input form', () => {
  expectTypeOf(buildLcaIndex([[1, 2]])).toEqualTypeOf<LcaIndex<number>>();
  expectTypeOf(buildLcaIndex({ r: ['a'] })).toEqualTypeOf<LcaIndex<string>>();
  expectTypeOf(buildLcaIndex(new Map([[1n, [2n]]]))).toEqualTypeOf<LcaIndex<bigint>>();
  expectTypeOf(buildLcaIndex((n: string) => [n], { root: 'r' })).toEqualTypeOf<LcaIndex<string>>();
  expectTypeOf(lowestCommonAncestor([[1, 2]], 1, 2)).toEqualTypeOf<number>();
  expectTypeOf(lowestCommonAncestor(new Map([['a', ['b']]]), 'a', 'b')).toEqualTypeOf<string>();
  // @ts-expect-error: the function form needs a root
  buildLcaIndex((n: string) => [n]);
  // @ts-expect-error: dense ids are numbers
  buildLcaIndex([[1, 2]]).lca('1', 2);
});

it('new LcaIndex infers Map and function ids; dense and object inputs take the id type explicitly', () => {
  expectTypeOf(new LcaIndex(new Map([['a', ['b']]]))).toEqualTypeOf<LcaIndex<string>>();
  expectTypeOf(new LcaIndex((n: number) => [n + 1], { root: 0 })).toEqualTypeOf<LcaIndex<number>>();
  expectTypeOf(new LcaIndex<number>([[1, 2]])).toEqualTypeOf<LcaIndex<number>>();
  expectTypeOf(new LcaIndex<string>({ r: ['a'] })).toEqualTypeOf<LcaIndex<string>>();
  // @ts-expect-error: dense children must be numbers
  new LcaIndex<number>([['a']]);
  // @ts-expect-error: object children must be strings
  new LcaIndex<string>({ r: [1] });
});
