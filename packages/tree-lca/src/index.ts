export { lowestCommonAncestor } from './lowest-common-ancestor.js';
