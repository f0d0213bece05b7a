import { describeValue } from './describe-value.js';

/**
 * The one sentence every x package uses for a bad value:
 * ``Expected `name` to be <expected>, got <value>``.
 *
 * @example
 * ```ts
 * expected('maxQueueSize', 'an integer from 0 and up', -1);
 * // 'Expected `maxQueueSize` to be an integer from 0 and up, got `-1` (number)'
 * ```
 */
export function expected(name: string, what: string, value: unknown): string {
  return `Expected \`${name}\` to be ${what}, got ${describeValue(value)}`;
}
