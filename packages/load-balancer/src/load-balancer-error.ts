/**
 * Base class of every error the load balancer rejects a call with, so callers can
 * `instanceof LoadBalancerError` to tell the balancer's errors from their tasks' own.
 *
 * @example
 * ```ts
 * import { LoadBalancerError } from '@x/load-balancer';
 * if (error instanceof LoadBalancerError) console.warn('balancer said no:', error.message);
 * ```
 */
export class LoadBalancerError extends Error {
  override name = 'LoadBalancerError';
}
