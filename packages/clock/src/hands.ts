import { ClockOptionsError, describeValue } from './clock-error.js';

/**
 * A hand of an analog clock.
 *
 * @example
 * ```ts
 * import { type Hand, clockAngle } from '@x/clock';
 * const pair: [Hand, Hand] = ['minute', 'second'];
 * clockAngle('3:45:30', { hands: pair }); // 93
 * ```
 */
export type Hand = 'hour' | 'minute' | 'second';

/** Each hand's speed in angle units (1/120000°) per millisecond. */
export const HAND_SPEED: Readonly<Record<Hand, number>> = { hour: 1, minute: 12, second: 720 };

/** Hour and minute: the pair used when no `hands` option is given. */
export const DEFAULT_HANDS: readonly [Hand, Hand] = ['hour', 'minute'];

/** Validates a `hands` option (undefined means the default pair) and returns it. */
export function resolveHands(hands: unknown): readonly [Hand, Hand] {
  if (hands === undefined) return DEFAULT_HANDS;
  if (!Array.isArray(hands) || hands.length !== 2 || !isHand(hands[0]) || !isHand(hands[1]) || hands[0] === hands[1]) {
    throw new ClockOptionsError(
      `Expected \`hands\` to be two different hands out of 'hour', 'minute', 'second', got ${describeValue(hands)}`,
      'hands',
      hands,
    );
  }
  return [hands[0], hands[1]];
}

function isHand(value: unknown): value is Hand {
  return value === 'hour' || value === 'minute' || value === 'second';
}

/** Throws a `TypeError` unless `options` is undefined or an object. */
export function checkOptionsObject(options: unknown): void {
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
  }
}

/** Validates a `reflex` option (undefined means false). */
export function resolveReflex(reflex: unknown): boolean {
  if (reflex === undefined) return false;
  if (typeof reflex !== 'boolean') {
    throw new ClockOptionsError(`Expected \`reflex\` to be a boolean, got ${describeValue(reflex)}`, 'reflex', reflex);
  }
  return reflex;
}
