/** The most characters of a value's text an error message quotes; longer text is cut with `…`. */
export const MAX_QUOTED_CHARS = 60;

/**
 * Renders any value for an error message, p-queue style: `` `60` (number) ``,
 * `` `"3:60"` (string) ``, `` `{"a":1}` (object) ``.
 *
 * It never throws and never costs more than the value's size: proxies whose traps throw,
 * revoked proxies, cycles, getters that throw, BigInt and symbols are all rendered. Text longer
 * than {@link MAX_QUOTED_CHARS} is cut, and the message then says how long it was
 * (`` `"aaaa…"` (string of 1000000 characters) ``), so a huge input never makes a huge message.
 * Dates are recognised by brand, so a `Date` from another realm (a `vm` context) is a Date too.
 *
 * @example
 * ```ts
 * describeValue(0); // '`0` (number)'
 * describeValue('x'.repeat(100)); // '`"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…` (string of 100 characters)'
 * describeValue(null); // '`null` (null)'
 * ```
 */
export function describeValue(value: unknown): string {
  const { text, type } = render(value);
  if (text.length <= MAX_QUOTED_CHARS) return `\`${text}\` (${type})`;
  const size = typeof value === 'string' ? ` of ${value.length} characters` : '';
  return `\`${text.slice(0, MAX_QUOTED_CHARS - 1)}…\` (${type}${size})`;
}

/**
 * Quotes a user's input inside a message, cut to {@link MAX_QUOTED_CHARS} characters with its
 * length said when cut: `` `3:60` `` or `` `1111…` (100000 characters) ``.
 *
 * @example
 * ```ts
 * quoteInput('3:60'); // '`3:60`'
 * ```
 */
export function quoteInput(text: string): string {
  if (text.length <= MAX_QUOTED_CHARS) return `\`${text}\``;
  return `\`${text.slice(0, MAX_QUOTED_CHARS - 1)}…\` (${text.length} characters)`;
}

/**
 * The type word {@link describeValue} prints: `null`, `array`, `Date`, `Map`, `Set` or `typeof`.
 *
 * @example
 * ```ts
 * typeName([]); // 'array'
 * ```
 */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  if (isArray(value)) return 'array';
  if (isDate(value)) return 'Date';
  if (hasBrand(value, Map.prototype, 'size')) return 'Map';
  if (hasBrand(value, Set.prototype, 'size')) return 'Set';
  return 'object';
}

/**
 * Whether `value` is a `Date` from any realm (checked by brand, not `instanceof`).
 *
 * @example
 * ```ts
 * isDate(new Date()); // true
 * isDate({ getTime: () => 0 }); // false
 * ```
 */
export function isDate(value: unknown): value is Date {
  if (typeof value !== 'object' || value === null) return false;
  try {
    Date.prototype.getTime.call(value);
    return true;
  } catch {
    return false;
  }
}

function isArray(value: object): boolean {
  try {
    return Array.isArray(value);
  } catch {
    return false; // a revoked proxy
  }
}

function hasBrand(value: object, proto: object, getter: string): boolean {
  try {
    Object.getOwnPropertyDescriptor(proto, getter)?.get?.call(value);
    return true;
  } catch {
    return false;
  }
}

/** `function name`; reading `name` can throw (a revoked proxy) or return anything (a getter). */
function functionText(value: { readonly name: unknown }): string {
  try {
    const name: unknown = value.name;
    return typeof name === 'string' && name !== '' ? `function ${name.slice(0, MAX_QUOTED_CHARS)}` : 'function';
  } catch {
    return 'function';
  }
}

function render(value: unknown): { text: string; type: string } {
  const type = typeName(value);
  switch (typeof value) {
    case 'string':
      // Quote only the head: JSON.stringify of a megabyte string would cost a megabyte.
      return { text: JSON.stringify(value.slice(0, MAX_QUOTED_CHARS + 1)), type };
    case 'number':
      return { text: Object.is(value, -0) ? '-0' : String(value), type };
    case 'bigint':
      return { text: `${value}n`, type };
    case 'symbol':
      return { text: value.toString(), type };
    case 'function':
      return { text: functionText(value), type };
    case 'undefined':
    case 'boolean':
      return { text: String(value), type };
  }
  if (value === null) return { text: 'null', type };
  if (type === 'Date') {
    const time = Date.prototype.getTime.call(value);
    return { text: Number.isNaN(time) ? 'Invalid Date' : new Date(time).toISOString(), type };
  }
  return { text: renderObject(value as object), type };
}

/** A bounded JSON-like rendering: walks at most a few dozen entries, never calls `toJSON`. */
function renderObject(value: object): string {
  let budget = MAX_QUOTED_CHARS + 1;
  const seen = new Set<object>();
  const walk = (v: unknown, depth: number): string => {
    if (budget <= 0) return '';
    let out: string;
    if (typeof v === 'string') out = JSON.stringify(v.slice(0, budget));
    else if (typeof v === 'bigint') out = `${v}n`;
    else if (typeof v === 'function') out = 'function';
    else if (typeof v === 'symbol') out = v.toString();
    else if (typeof v !== 'object' || v === null) out = String(v);
    else if (seen.has(v) || depth > 3) out = '[…]';
    else {
      seen.add(v);
      const array = isArray(v);
      const parts: string[] = [];
      try {
        if (array) {
          const length = (v as unknown[]).length;
          for (let i = 0; i < length && budget > 0; i++) {
            const item = i in v ? walk((v as unknown[])[i], depth + 1) : '<empty>';
            parts.push(item);
            budget -= item.length + 1;
          }
        } else {
          for (const key in v) {
            if (budget <= 0) break;
            if (!Object.hasOwn(v, key)) continue;
            const item = `${JSON.stringify(key.slice(0, budget))}:${walk((v as Record<string, unknown>)[key], depth + 1)}`;
            parts.push(item);
            budget -= item.length + 1;
          }
        }
      } catch {
        parts.push('…');
      }
      seen.delete(v);
      out = array ? `[${parts.join(',')}]` : `{${parts.join(',')}}`;
    }
    return out;
  };
  try {
    return walk(value, 0);
  } catch {
    return '[object]';
  }
}
