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
