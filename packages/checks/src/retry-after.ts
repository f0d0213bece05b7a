import { MAX_TIMER_MS } from './duration.js';

/** Headers as `fetch`'s `Headers` or Node's `IncomingHttpHeaders` give them. */
export type HeaderSource =
  | { get(name: string): string | null | undefined }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The longest wait a `Retry-After` may ask for; a longer one is clamped to this (never read as 0).
 * One hour: a server asking for longer is effectively down, and a paused worker or batch should
 * be looked at by a person, not silently parked for days.
 */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * Reads how long a server asked the client to wait, in milliseconds, from its response headers.
 *
 * - `retry-after-ms` (OpenAI, Azure OpenAI): a non-negative decimal number of milliseconds. It
 *   wins over `retry-after` when both are valid, because it is the more precise.
 * - `Retry-After` as delta-seconds (RFC 9110 §10.2.3): a non-negative decimal number of seconds,
 *   `120` or `1.5`. Exponents (`1e3`), signs and units are not delta-seconds and are ignored.
 * - `Retry-After` as an HTTP-date: the time from `now` until that date, 0 if it has passed.
 *
 * The result is clamped to `max` (default {@link MAX_RETRY_AFTER_MS}); an unreadable or missing
 * header gives `undefined`, so the caller falls back to its own backoff.
 *
 * @example
 * ```ts
 * parseRetryAfter(new Headers({ 'retry-after': '2' })); // 2000
 * parseRetryAfter({ 'retry-after-ms': '250.5' }); // 250.5
 * parseRetryAfter({ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }, Date.parse('Wed, 21 Oct 2015 07:27:00 GMT')); // 60000
 * parseRetryAfter({ 'retry-after': '99999999' }); // 3600000 (clamped)
 * ```
 */
export function parseRetryAfter(
  headers: HeaderSource,
  now: number = Date.now(),
  max: number = MAX_RETRY_AFTER_MS,
): number | undefined {
  const cap = Math.min(max, MAX_TIMER_MS);
  const ms = readHeader(headers, 'retry-after-ms');
  if (ms !== undefined && DECIMAL.test(ms)) return Math.min(Number(ms), cap);
  const value = readHeader(headers, 'retry-after');
  if (value === undefined) return undefined;
  if (DECIMAL.test(value)) return Math.min(Number(value) * 1000, cap);
  if (!/[a-z]/i.test(value)) return undefined; // `-1`, `1e3`: neither seconds nor a date
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, date - now), cap);
}

const DECIMAL = /^\d{1,15}(\.\d{1,6})?$/;

function readHeader(headers: HeaderSource, name: string): string | undefined {
  let raw: unknown;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    raw = (headers as { get(name: string): string | null | undefined }).get(name);
  } else {
    const record = headers as Readonly<Record<string, unknown>>;
    raw = record[name] ?? record[Object.keys(record).find((k) => k.toLowerCase() === name) ?? ''];
  }
  if (Array.isArray(raw)) raw = raw[0];
  return typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined;
}
