import { describeValue, unknownOptionsMessage } from '@x/checks';
import { ClockOptionsError, describeThrown } from './clock-error.js';

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

const HANDS_EXPECTED = "two different hands out of 'hour', 'minute', 'second'";

/** Validates a `hands` option (undefined means the default pair) and returns it; reads each element once. */
export function resolveHands(hands: unknown): readonly [Hand, Hand] {
  if (hands === undefined) return DEFAULT_HANDS;
  const fail = () =>
    new ClockOptionsError(`Expected \`hands\` to be ${HANDS_EXPECTED}, got ${describeValue(hands)}`, 'hands', hands);
  let first: unknown;
  let second: unknown;
  try {
    if (!Array.isArray(hands) || hands.length !== 2) throw fail();
    first = hands[0];
    second = hands[1];
  } catch (error) {
    if (error instanceof ClockOptionsError) throw error;
    throw unreadableOption('hands', hands, error);
  }
  if (!isHand(first) || !isHand(second) || first === second) throw fail();
  return [first, second];
}

function isHand(value: unknown): value is Hand {
  return value === 'hour' || value === 'minute' || value === 'second';
}

/** Validates a `reflex` option (undefined means false). */
export function resolveReflex(reflex: unknown): boolean {
  if (reflex === undefined) return false;
  if (typeof reflex !== 'boolean') {
    throw new ClockOptionsError(`Expected \`reflex\` to be a boolean, got ${describeValue(reflex)}`, 'reflex', reflex);
  }
  return reflex;
}

function unreadableOption(option: string, value: unknown, error: unknown): ClockOptionsError {
  return new ClockOptionsError(
    `Expected \`${option}\` to be readable, but reading it threw ${describeThrown(error)}`,
    option,
    value,
    { cause: error },
  );
}

/**
 * Checks that `options` of `where` is `undefined` or an object with only `known` keys, then
 * reads each known key once. Unknown keys are a {@link ClockOptionsError} listing the valid ones.
 */
function readOptions(options: unknown, where: string, known: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  let array: boolean;
  try {
    array = Array.isArray(options);
  } catch (error) {
    throw unreadableOption('options', options, error); // a revoked proxy
  }
  if (typeof options !== 'object' || options === null || array) {
    throw new ClockOptionsError(
      `Expected \`options\` to be an object, got ${describeValue(options)}`,
      'options',
      options,
    );
  }
  const unknown = unknownOptionsMessage(where, options, known);
  if (unknown !== undefined) {
    let first = 'options';
    try {
      first = Object.keys(options).find((key) => !known.includes(key)) ?? 'options';
    } catch {
      // a proxy whose keys cannot be listed: the message says so
    }
    throw new ClockOptionsError(unknown, first, options);
  }
  const values: Record<string, unknown> = {};
  for (const key of known) {
    try {
      values[key] = (options as Record<string, unknown>)[key];
    } catch (error) {
      throw unreadableOption(key, options, error);
    }
  }
  return values;
}

const ANGLE_OPTION_KEYS: readonly string[] = ['hands', 'reflex'];
const TIMES_OPTION_KEYS: readonly string[] = ['hands'];

/** The options of `clockAngle`, `clockAngleFraction` and `explainClockAngle`, checked and read once. */
export function readAngleOptions(options: unknown, where: string): { hands: readonly [Hand, Hand]; reflex: boolean } {
  const values = readOptions(options, where, ANGLE_OPTION_KEYS);
  return { hands: resolveHands(values.hands), reflex: resolveReflex(values.reflex) };
}

/** The options of `timesForAngle`, checked and read once. */
export function readTimesOptions(options: unknown): { hands: readonly [Hand, Hand] } {
  const values = readOptions(options, 'timesForAngle', TIMES_OPTION_KEYS);
  return { hands: resolveHands(values.hands) };
}
