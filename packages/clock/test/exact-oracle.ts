/**
 * An independent exact oracle for the tests: BigInt rationals in plain degrees, written from the
 * textbook formulas (30° per hour, 0.5° per minute, ...) rather than from the package's
 * 1/120000° units, plus exact comparisons against doubles decoded bit by bit.
 */
import type { ClockTime, Hand } from '../src/index.js';

export class Rational {
  readonly n: bigint;
  readonly d: bigint;
  constructor(n: bigint, d: bigint = 1n) {
    if (d === 0n) throw new Error('zero denominator');
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = gcd(n < 0n ? -n : n, d);
    this.n = n / g;
    this.d = d / g;
  }
  static of(n: number | bigint, d: number | bigint = 1): Rational {
    return new Rational(BigInt(n), BigInt(d));
  }
  add(o: Rational): Rational {
    return new Rational(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  sub(o: Rational): Rational {
    return new Rational(this.n * o.d - o.n * this.d, this.d * o.d);
  }
  mul(o: Rational): Rational {
    return new Rational(this.n * o.n, this.d * o.d);
  }
  abs(): Rational {
    return this.n < 0n ? new Rational(-this.n, this.d) : this;
  }
  cmp(o: Rational): number {
    const l = this.n * o.d;
    const r = o.n * this.d;
    return l < r ? -1 : l > r ? 1 : 0;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

/** Each hand's angle from 12 in degrees, exactly. */
export function exactHandDegrees(time: ClockTime): Record<Hand, Rational> {
  const h = BigInt(time.hours % 12);
  const m = BigInt(time.minutes);
  const s = BigInt(time.seconds);
  const ms = BigInt(time.milliseconds);
  return {
    hour: new Rational(30n * h).add(new Rational(m, 2n)).add(new Rational(s, 120n)).add(new Rational(ms, 120000n)),
    minute: new Rational(6n * m).add(new Rational(s, 10n)).add(new Rational(ms, 10000n)),
    second: new Rational(6n * s).add(new Rational(6n * ms, 1000n)),
  };
}

/** The exact smaller (or reflex) angle between two hands, in degrees. */
export function exactAngle(time: ClockTime, hands: readonly [Hand, Hand] = ['hour', 'minute'], reflex = false) {
  const positions = exactHandDegrees(time);
  const diff = positions[hands[0]].sub(positions[hands[1]]).abs();
  const full = Rational.of(360);
  const smaller = diff.cmp(Rational.of(180)) > 0 ? full.sub(diff) : diff;
  return reflex ? full.sub(smaller) : smaller;
}

const view = new DataView(new ArrayBuffer(8));

/** The exact value of a finite double, decoded from its IEEE-754 bits. */
export function doubleToRational(x: number): Rational {
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (exponent === 0x7ff) throw new Error(`not finite: ${x}`);
  const mantissa = exponent === 0 ? fraction : fraction | (1n << 52n);
  const power = (exponent === 0 ? 1 : exponent) - 1075;
  return power >= 0
    ? new Rational(sign * mantissa * (1n << BigInt(power)))
    : new Rational(sign * mantissa, 1n << BigInt(-power));
}

/** The next double away from zero / toward zero of a positive finite double. */
function neighbours(x: number): [number, number] {
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, bits + 1n);
  const up = view.getFloat64(0);
  view.setBigUint64(0, bits - 1n);
  const down = view.getFloat64(0);
  return [down, up];
}

/** Whether `x` is the double nearest to the exact value `exact` (no neighbour is closer). */
export function isCorrectlyRounded(x: number, exact: Rational): boolean {
  if (!Number.isFinite(x) || x < 0) return false;
  if (exact.n === 0n) return x === 0 && !Object.is(x, -0);
  if (x === 0) return false;
  const error = doubleToRational(x).sub(exact).abs();
  return neighbours(x).every((neighbour) => doubleToRational(neighbour).sub(exact).abs().cmp(error) >= 0);
}

export const ALL_PAIRS: ReadonlyArray<readonly [Hand, Hand]> = [
  ['hour', 'minute'],
  ['minute', 'hour'],
  ['hour', 'second'],
  ['second', 'hour'],
  ['minute', 'second'],
  ['second', 'minute'],
];
