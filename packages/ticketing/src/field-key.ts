/** The characters a field name cannot hold as they are. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL ends a BSON field name, so it is escaped on purpose.
const ESCAPED = /[%.$\u0000]/g;

/**
 * A record id or seat name as a MongoDB field name: `%`, `.`, `$` and NUL escaped as `%` and two
 * hex digits (ids and seat names may contain them; a field name is a NUL-terminated string and
 * dots make paths), so an entry keyed by it can be set, tested or unset on its own
 * (`$set: { 'entries.<key>': … }`, `'seats.<key>': { $exists: false }`). The empty string has no
 * field name: callers reject it.
 */
export function fieldKey(id: string): string {
  return id.replace(ESCAPED, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The id a {@link fieldKey} was made from. */
export function fromFieldKey(key: string): string {
  return key.replace(/%(2e|24|25|00)/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}
