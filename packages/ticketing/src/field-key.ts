/**
 * A record id as a MongoDB field name: `%`, `.` and `$` escaped (ids may contain them), so an
 * entry keyed by id can be set or unset on its own (`$set: { 'entries.<key>': … }`).
 */
export function fieldKey(id: string): string {
  return id.replace(/[%.$]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
}

/** The id a {@link fieldKey} was made from. */
export function fromFieldKey(key: string): string {
  return key.replace(/%(2e|24|25)/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}
