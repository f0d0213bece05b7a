/**
 * `@x/load-balancer/testing`: a manual clock for tests, kept off the main entry so that production
 * bundles do not carry it.
 *
 * @example
 * ```ts
 * import { LoadBalancer } from '@x/load-balancer';
 * import { ManualClock } from '@x/load-balancer/testing';
 *
 * const clock = new ManualClock();
 * const lb = new LoadBalancer({ clock });
 * clock.advance(1_000); // fires every heartbeat and timeout due in the next second
 * ```
 *
 * @packageDocumentation
 */
export { ManualClock } from './clock.js';
