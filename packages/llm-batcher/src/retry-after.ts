import { MAX_RETRY_AFTER_MS as SHARED_MAX, parseRetryAfter as sharedParse } from '@x/checks';

// The one Retry-After parser of the x packages (shared with @x/load-balancer, whose httpWorker uses
// it too; its table is packages/checks/test/retry-after.test.ts). Re-declared here rather than
// `export … from '@x/checks'`, so the published .d.ts names no internal package.

/**
 * Response headers as `fetch`'s `Headers` or Node's `IncomingHttpHeaders` give them.
 *
 * @example
 * ```ts
 * const headers: HeaderSource = new Headers({ 'retry-after': '2' });
 * ```
 */
export type HeaderSource =
  | {
      /** Returns the named header's value (names are case-insensitive), or `null`/`undefined` when it is absent. */
      get(name: string): string | null | undefined;
    }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The longest wait a `Retry-After` may ask for, in ms: one hour. {@link parseRetryAfter} clamps a
 * longer one to this (never reads it as 0). A server asking for longer is effectively down.
 *
 * @example
 * ```ts
 * parseRetryAfter({ 'retry-after': '99999999' }) === MAX_RETRY_AFTER_MS; // true
 * ```
 */
export const MAX_RETRY_AFTER_MS: number = SHARED_MAX;

/**
 * Reads how long a server asked the client to wait, in milliseconds, from its response headers.
 * `httpLlmClient` and `openAiChatClient` use it for 429 and 503 answers.
 *
 * - `retry-after-ms` (OpenAI, Azure OpenAI): a non-negative decimal number of milliseconds; it
 *   wins over `retry-after` when both are valid.
 * - `Retry-After` as delta-seconds (RFC 9110): a non-negative decimal number of seconds (`120`,
 *   `1.5`); exponents (`1e3`), signs and units are not delta-seconds and are ignored.
 * - `Retry-After` as an HTTP-date: the time from `now` until that date, 0 if it has passed.
 *
 * The result is clamped to `max` (default {@link MAX_RETRY_AFTER_MS}); a missing or unreadable
 * header gives `undefined` (the batcher then uses its own backoff).
 *
 * @param headers - the response's headers.
 * @param now - the current time in ms since the epoch (for the HTTP-date form). @defaultValue `Date.now()`
 * @param max - the longest wait returned. @defaultValue {@link MAX_RETRY_AFTER_MS}
 *
 * @example
 * ```ts
 * parseRetryAfter(new Headers({ 'retry-after': '2' })); // 2000
 * parseRetryAfter({ 'retry-after-ms': '250' }); // 250
 * ```
 */
export const parseRetryAfter: (headers: HeaderSource, now?: number, max?: number) => number | undefined = sharedParse;
