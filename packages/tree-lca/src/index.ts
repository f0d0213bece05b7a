/**
 * `@x/tree-lca`: lowest common ancestors for trees you know as children lists (a `Map`, an
 * object, arrays or a function), validated as they are read and stack-safe: a one-shot
 * {@link lowestCommonAncestor} in O(n), or {@link buildLcaIndex} once in O(n) and O(1) queries
 * after, on trees of millions of nodes.
 *
 * @packageDocumentation
 */
export type { ChildrenFunction, ChildrenInput, ChildrenRecord, DenseChildren, TreeOptions } from './children-input.js';
export {
  DuplicateChildError,
  EmptyTreeError,
  InputReadError,
  InvalidArgumentError,
  MultipleParentsError,
  MultipleRootsError,
  NodeNotFoundError,
  TreeCycleError,
  TreeLcaError,
  UnknownOptionError,
} from './errors.js';
export { buildLcaIndex, LcaIndex } from './lca-index.js';
export { lowestCommonAncestor } from './lowest-common-ancestor.js';
