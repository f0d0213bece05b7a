/** A column-aligned text table: a header row, a rule, then the rows. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => visibleLength(row[column] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell + ' '.repeat(Math.max(0, (widths[column] ?? 0) - visibleLength(cell))))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((width) => '─'.repeat(width)).join('  '), ...rows.map(line)];
}

/** Length of a string as shown on a terminal (ANSI colour codes take no room). */
export function visibleLength(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escape sequences
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}

/** Formats a value of a report for a table cell: numbers with thousands separators, objects as JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'number') {
    return Number.isInteger(value)
      ? value.toLocaleString('en-US')
      : value.toLocaleString('en-US', { maximumFractionDigits: 2 });
  }
  if (typeof value === 'string') return value;
  if (value === undefined) return '-';
  return JSON.stringify(value);
}

/** Renders a flat report object as `key  value` lines (nested objects are flattened with dots). */
export function renderReport(report: object): string[] {
  const rows: string[][] = [];
  const walk = (prefix: string, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) walk(prefix ? `${prefix}.${key}` : key, inner);
      return;
    }
    rows.push([prefix, formatValue(value)]);
  };
  walk('', report);
  return renderTable(['measure', 'value'], rows);
}
