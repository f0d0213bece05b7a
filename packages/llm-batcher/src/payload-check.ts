import { quoteInput } from '@x/checks';

/** Paths deeper than this are reported as a problem instead of overflowing the stack. */
const MAX_DEPTH = 500;

/**
 * Why a task's payload cannot be sent as JSON, or `undefined` when it can. `JSON.stringify` would
 * throw on a BigInt or a cycle and silently drop or turn into `null` a function, a symbol or a
 * non-finite number; each of those is a problem here, named with its path (`payload.a[2]`).
 * `toJSON` is honoured as `JSON.stringify` honours it (a `Date` is fine); one that throws is a problem.
 */
export function payloadProblem(payload: unknown): string | undefined {
  const ancestors = new Set<object>();
  const walk = (input: unknown, path: string, key: string, depth: number): string | undefined => {
    let value = input;
    if (depth > MAX_DEPTH) return `nesting deeper than ${MAX_DEPTH} levels at ${path}`;
    if (typeof value === 'object' && value !== null) {
      let toJSON: unknown;
      try {
        toJSON = (value as { toJSON?: unknown }).toJSON;
        if (typeof toJSON === 'function') value = (toJSON as (key: string) => unknown).call(value, key);
      } catch (error) {
        return `a value whose toJSON throws at ${path} (${error instanceof Error ? error.message : String(error)})`;
      }
    }
    switch (typeof value) {
      case 'bigint':
        return `a BigInt at ${path}`;
      case 'function':
        return `a function at ${path}`;
      case 'symbol':
        return `a symbol at ${path}`;
      case 'number':
        return Number.isFinite(value) ? undefined : `a non-finite number (${value}) at ${path}`;
      case 'object': {
        if (value === null) return undefined;
        if (ancestors.has(value)) return `a cycle at ${path}`;
        ancestors.add(value);
        try {
          if (Array.isArray(value)) {
            for (let i = 0; i < value.length; i++) {
              const problem = walk(value[i], `${path}[${i}]`, String(i), depth + 1);
              if (problem) return problem;
            }
          } else {
            for (const name of Object.keys(value)) {
              const child = (value as Record<string, unknown>)[name];
              if (child === undefined) continue; // dropped by JSON, like an absent optional field
              const problem = walk(
                child,
                `${path}${/^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${quoteInput(name)}]`}`,
                name,
                depth + 1,
              );
              if (problem) return problem;
            }
          }
        } catch (error) {
          return `an unreadable value at ${path} (${error instanceof Error ? error.message : String(error)})`;
        } finally {
          ancestors.delete(value);
        }
        return undefined;
      }
      default:
        return undefined; // string, boolean, undefined (the payload is then sent without one)
    }
  };
  return walk(payload, 'payload', '', 0);
}
