import { clockAngle } from '@x/clock';
import { BatcherError } from '@x/llm-batcher';
import { LoadBalancerError } from '@x/load-balancer';
import { TicketingError } from '@x/ticketing';
import { lowestCommonAncestor } from '@x/tree-lca';

/**
 * One line of output from each x package, proving they load and work together.
 *
 * @example
 * ```ts
 * import { firstOutputs } from '@x/platform';
 * for (const line of firstOutputs()) console.log(line);
 * ```
 */
export function firstOutputs(): string[] {
  const tree = new Map([
    ['root', ['left', 'right']],
    ['left', ['a', 'b']],
  ]);
  return [
    `@x/clock          clockAngle(3, 45) = ${clockAngle(3, 45)}`,
    `@x/tree-lca       lca(a, b) = ${lowestCommonAncestor(tree, 'a', 'b')}`,
    `@x/load-balancer  exports ${LoadBalancerError.name}`,
    `@x/ticketing      exports ${TicketingError.name}`,
    `@x/llm-batcher    exports ${BatcherError.name}`,
  ];
}
