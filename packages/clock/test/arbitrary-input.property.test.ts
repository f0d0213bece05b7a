// Issue #17, "go past this list": arbitrary values at every entry point of @x/clock. Each call
// either answers (consistently with the other entry points) or throws a ClockError with a short
// one-line message, reading its input a bounded number of times.
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ClockError,
  clockAngle,
  clockAngleFraction,
  explainClockAngle,
  handPositions,
  parseTime,
  timesForAngle,
} from '../src/index.js';

/**
 * A value made inside the property: fast-check inspects and prints what it generates, which a
 * revoked proxy or a throwing trap would break.
 */
class Made {
  constructor(
    readonly label: string,
    readonly make: () => unknown,
  ) {}
  [fc.toStringMethod](): string {
    return `<${this.label}>`;
  }
}

const open = (value: unknown): unknown => (value instanceof Made ? value.make() : value);

const boom = (): never => {
  throw new Error('hostile');
};

/** Reads through the counting proxies of the current run. */
let reads = 0;

function counted(target: object): object {
  return new Proxy(target, {
    get(t, key, receiver) {
      reads++;
      return Reflect.get(t, key, receiver);
    },
    ownKeys(t) {
      reads++;
      return Reflect.ownKeys(t);
    },
    getOwnPropertyDescriptor(t, key) {
      reads++;
      return Reflect.getOwnPropertyDescriptor(t, key);
    },
  });
}

const extremeNumbers = fc.constantFrom(
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  -1,
  0.5,
  59.999,
  2 ** 31,
  2 ** 53,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  1e-300,
);
const field = fc.oneof(
  fc.integer({ min: -2, max: 1000 }),
  extremeNumbers,
  fc.string({ maxLength: 3 }),
  fc.constant(undefined),
);

/** Strings near the grammar, and far from it. */
const timeText = fc.oneof(
  fc
    .tuple(
      fc.nat(30),
      fc.nat(70),
      fc.option(fc.nat(70)),
      fc.option(fc.nat(1200)),
      fc.constantFrom('', ' AM', 'pm', ' \u202fPM', 'x'),
    )
    .map(
      ([h, m, s, ms, suffix]) =>
        `${h}:${String(m).padStart(2, '0')}${s === null ? '' : `:${s}`}${ms === null ? '' : `.${ms}`}${suffix}`,
    ),
  fc.string({ maxLength: 12 }),
  fc.stringMatching(/^[\d:. apmAPM+-]{0,12}$/),
  fc
    .tuple(fc.constantFrom('1', '3:', '3:45 ', '-', '3:45:00.'), fc.nat(40), fc.constantFrom('1', '9', 'x', ' ', 'P'))
    .map(([head, n, fill]) => head + fill.repeat(n * 2500)),
);

const hostile = fc.oneof(
  extremeNumbers,
  fc.anything({
    maxDepth: 2,
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withSparseArray: true,
    withTypedArray: true,
  }),
  fc.constant(
    new Made('revoked proxy', () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    }),
  ),
  fc.constant(
    new Made(
      'proxy whose traps throw',
      () =>
        new Proxy({}, { get: boom, ownKeys: boom, has: boom, getPrototypeOf: boom, getOwnPropertyDescriptor: boom }),
    ),
  ),
  fc.constant(new Made('Date from another realm', () => runInNewContext('new Date(2024, 0, 1, 15, 45, 30, 250)'))),
  fc.constant(new Made('invalid Date from another realm', () => runInNewContext('new Date(NaN)'))),
  fc.constant(new Made('symbol', () => Symbol('t'))),
);

/** ClockTime-shaped objects: valid, out of range, wrong types, getters that throw or change. */
const timeObject = fc.oneof(
  fc.record({ hours: field, minutes: field, seconds: field, milliseconds: field }, { requiredKeys: [] }),
  fc.tuple(fc.nat(23), fc.nat(59), fc.nat(59), fc.nat(999)).map(
    ([hours, minutes, seconds, milliseconds]) =>
      new Made('ClockTime whose hours change on every read', () => {
        let flips = 0;
        return {
          get hours() {
            flips++;
            return flips % 2 === 1 ? hours : 99;
          },
          minutes,
          seconds,
          milliseconds,
        };
      }),
  ),
  fc.constant(
    new Made('ClockTime whose getter throws', () => ({
      get hours() {
        return boom();
      },
      minutes: 0,
      seconds: 0,
      milliseconds: 0,
    })),
  ),
);

const options = fc.oneof(
  fc.constant(undefined),
  fc.record(
    {
      hands: fc.oneof(
        fc.constant(undefined),
        fc.tuple(fc.constantFrom('hour', 'minute', 'second', 'Hour', ''), fc.constantFrom('hour', 'minute', 'second')),
        hostile,
      ),
      reflex: fc.oneof(fc.boolean(), fc.constant(undefined), hostile),
      reflx: fc.boolean(),
    },
    { requiredKeys: [] },
  ),
  hostile,
);

const time = fc.oneof(timeText, timeObject, hostile);

/** What a ClockError must look like. */
function expectOwnError(call: () => unknown): unknown {
  try {
    return call();
  } catch (error) {
    expect(error).toBeInstanceOf(ClockError);
    expect((error as Error).message.length).toBeLessThan(1024);
    expect((error as Error).message).not.toContain('\n');
    return error;
  }
}

function isPlainObject(value: unknown): boolean {
  try {
    return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
  } catch {
    return false; // a proxy that throws
  }
}

function sizeOf(value: unknown): number {
  return typeof value === 'string' ? value.length : 1;
}

describe('arbitrary values at every entry point (issue #17)', () => {
  it('time functions answer consistently or throw a ClockError, reading each field a bounded number of times', () => {
    fc.assert(
      fc.property(time, options, (rawTime, rawOptions) => {
        const t = open(rawTime);
        const o = open(rawOptions);
        const plainObject = isPlainObject(t);
        const input = plainObject ? counted(t as object) : t;
        reads = 0;
        const started = performance.now();
        const angle = expectOwnError(() => clockAngle(input as never, o as never));
        const fraction = expectOwnError(() => clockAngleFraction(input as never, o as never));
        const positions = expectOwnError(() => handPositions(input as never));
        const explained = expectOwnError(() => explainClockAngle(input as never, o as never));
        const parsed = expectOwnError(() => parseTime(input as never));
        const elapsed = performance.now() - started;
        // five calls, each reading at most the four fields (plus a few probes) once
        expect(reads).toBeLessThanOrEqual(5 * 8);
        expect(elapsed).toBeLessThan(1000 + 0.01 * sizeOf(t));

        if (typeof angle === 'number') {
          expect(angle).toBeGreaterThanOrEqual(0);
          expect(angle).toBeLessThanOrEqual(360);
          if (!(fraction instanceof Error)) {
            const { numerator, denominator } = fraction as { numerator: number; denominator: number };
            expect(numerator / denominator).toBe(angle);
          }
          if (typeof explained === 'string') expect(explained.split('\n').at(-1)).toBe(`Angle: ${angle}°`);
        }
        if (!(positions instanceof Error)) {
          for (const degrees of Object.values(positions as object)) {
            expect(degrees).toBeGreaterThanOrEqual(0);
            expect(degrees).toBeLessThan(360);
          }
        }
        if (!(parsed instanceof Error)) expect(clockAngle(parsed as never)).toBe(clockAngle(t as never));
      }),
      { numRuns: 600 },
    );
  }, 120_000);

  it('timesForAngle answers instants at that angle or throws a ClockError', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ min: -10, max: 400 }), extremeNumbers, hostile),
        options,
        (rawAngle, rawOptions) => {
          const angle = open(rawAngle);
          const o = open(rawOptions);
          const times = expectOwnError(() => timesForAngle(angle as never, o as never));
          if (times instanceof Error) return;
          expect(Array.isArray(times)).toBe(true);
          for (const t of times as { hours: number }[]) {
            const hands = (o as { hands?: [never, never] } | undefined)?.hands;
            const got = clockAngle(t as never, hands === undefined ? undefined : { hands });
            expect(Math.abs(got - (angle as number))).toBeLessThanOrEqual(719 / 240_000 + 1e-9);
          }
        },
      ),
      { numRuns: 300 },
    );
  }, 120_000);
});
