import { expect, it } from 'vitest';
import { lowestCommonAncestor } from '../src/index.js';

const tree = new Map([
  ['r', ['a', 'b']],
  ['a', ['c', 'd']],
  ['b', ['e']],
]);

it.each([
  ['c', 'd', 'a'],
  ['c', 'e', 'r'],
  ['a', 'd', 'a'],
  ['e', 'e', 'e'],
])('lca(%s, %s) = %s', (a, b, expected) => {
  expect(lowestCommonAncestor(tree, a, b)).toBe(expected);
});
