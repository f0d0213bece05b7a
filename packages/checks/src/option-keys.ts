/**
 * Names the keys of `options` that are not in `known`, or returns `undefined` when there are none.
 * The message lists the valid keys and, where a key is one typo away from a valid one, suggests it:
 * ``Unknown option `maxQueSize` in `LoadBalancer` options (did you mean `maxQueueSize`?); valid options are …``.
 *
 * Only own enumerable string keys are read, and reading them never calls a getter.
 *
 * @example
 * ```ts
 * unknownOptionsMessage('createTicketing', { holdTTLMs: 1 }, ['holdTtlMs', 'clock']);
 * // 'Unknown option `holdTTLMs` in `createTicketing` options (did you mean `holdTtlMs`?); valid options are `holdTtlMs`, `clock`'
 * ```
 */
export function unknownOptionsMessage(where: string, options: object, known: readonly string[]): string | undefined {
  let keys: string[];
  try {
    keys = Object.keys(options);
  } catch {
    return `Expected \`${where}\` options to be a readable object`;
  }
  const unknown = keys.filter((key) => !known.includes(key));
  if (unknown.length === 0) return undefined;
  const shown = unknown.slice(0, 5).map((key) => {
    const quoted = `\`${key.length > 40 ? `${key.slice(0, 39)}…` : key}\``;
    const near = closest(key, known);
    return near === undefined ? quoted : `${quoted} (did you mean \`${near}\`?)`;
  });
  const more = unknown.length > 5 ? ` and ${unknown.length - 5} more` : '';
  const noun = unknown.length === 1 ? 'option' : 'options';
  return `Unknown ${noun} ${shown.join(', ')}${more} in \`${where}\` options; valid options are ${known.map((k) => `\`${k}\``).join(', ')}`;
}

/** The known key nearest to `key` (case-insensitive, edit distance <= 2), if any. */
function closest(key: string, known: readonly string[]): string | undefined {
  if (key.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
