export type { ChildrenFunction, ChildrenInput, ChildrenRecord, DenseChildren, TreeOptions } from './children-input.js';
export {
  DuplicateChildError,
  EmptyTreeError,
  InvalidArgumentError,
  MultipleParentsError,
  MultipleRootsError,
  NodeNotFoundError,
  TreeCycleError,
  TreeLcaError,
} from './errors.js';
export { buildLcaIndex, LcaIndex } from './lca-index.js';
export { lowestCommonAncestor } from './lowest-common-ancestor.js';
