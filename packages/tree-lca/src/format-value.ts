const MAX_TEXT = 60;

/**
 * Renders a value for an error message the p-queue way: `` `0` (number) ``, `` `a` (string) ``.
 * Long renderings are cut so that a message stays one readable line.
 */
export function formatValue(value: unknown): string {
  return `\`${formatBare(value)}\` (${typeName(value)})`;
}

/** The value alone, in backticks, without its type: `` `a` ``. */
export function formatNode(value: unknown): string {
  return `\`${formatBare(value)}\``;
}

/** A list of nodes, at most `limit` of them shown, then how many more there were. */
export function formatNodes(values: readonly unknown[], separator: string, limit = 10): string {
  if (values.length <= limit) return values.map(formatNode).join(separator);
  const head = values.slice(0, limit - 1).map(formatNode);
  return `${head.join(separator)}${separator}… (${values.length - limit} more)${separator}${formatNode(values.at(-1))}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function formatBare(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'bigint') text = `${value}n`;
  else if (typeof value === 'symbol' || typeof value === 'function') text = String(value);
  else if (typeof value === 'object' && value !== null) {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  } else text = String(value);
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}
