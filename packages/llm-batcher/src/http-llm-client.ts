import { checkFunction, checkKnownKeys, checkNumber, checkObject, checkString, describe } from './argument-checks.js';
import { InvalidArgumentError } from './batcher-error.js';
import type { LlmBatchResponse, LlmClient } from './llm-client.js';
import {
  LlmAbortedError,
  LlmHttpError,
  LlmNetworkError,
  LlmResponseError,
  LlmTimeoutError,
} from './llm-request-error.js';
import type { LlmTask } from './task.js';

/**
 * Options of {@link httpLlmClient}.
 *
 * @example
 * ```ts
 * const options: HttpLlmClientOptions = {
 *   url: 'https://llm.example.com/v1/batch',
 *   headers: { authorization: `Bearer ${process.env.LLM_KEY}` },
 *   timeoutMs: 30_000,
 * };
 * ```
 */
export interface HttpLlmClientOptions {
  /** The batch endpoint; each request is a `POST` of JSON to it. */
  url: string | URL;
  /** Extra request headers (`content-type: application/json` is always sent). */
  headers?: Record<string, string>;
  /** Builds the JSON body for the tasks. @default (tasks) => ({ tasks: tasks.map(({ id, payload }) => ({ id, payload })) }) */
  buildBody?: (tasks: readonly LlmTask[]) => unknown;
  /**
   * Turns the parsed JSON answer into results; throw {@link LlmResponseError} if it is unusable.
   * @default reads `{ results: [{ id, output } | { id, error }] }`
   */
  parseResponse?: (body: unknown, tasks: readonly LlmTask[]) => LlmBatchResponse;
  /** Aborts a request after this many milliseconds (besides the caller's signal). No timeout when absent. */
  timeoutMs?: number;
}

/**
 * Reads how long to wait from a 429/503 answer: `retry-after-ms` (milliseconds, as OpenAI sends),
 * else `Retry-After` as seconds or as an HTTP date. `undefined` when absent or unreadable.
 *
 * @example
 * ```ts
 * import { parseRetryAfter } from '@x/llm-batcher';
 * parseRetryAfter(new Headers({ 'retry-after': '2' })); // 2000
 * ```
 */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function defaultParse(body: unknown): LlmBatchResponse {
  const results = (body as { results?: unknown } | null)?.results;
  if (typeof body !== 'object' || body === null || !Array.isArray(results)) {
    throw new LlmResponseError(`Expected the response to be { results: [...] }, got ${describe(body)}`);
  }
  return { results };
}

/**
 * An {@link LlmClient} for a JSON batch endpoint over HTTP, using the global `fetch`. Non-2xx
 * answers throw {@link LlmHttpError} (with `status` and `retryAfterMs`), failures to connect
 * {@link LlmNetworkError}, timeouts {@link LlmTimeoutError}, unreadable bodies
 * {@link LlmResponseError}, and the caller's abort {@link LlmAbortedError}.
 *
 * @example
 * ```ts
 * import { httpLlmClient } from '@x/llm-batcher';
 * const client = httpLlmClient({
 *   url: 'http://127.0.0.1:8080/v1/batch',
 *   headers: { authorization: 'Bearer test' },
 *   timeoutMs: 30_000,
 * });
 * const response = await client.complete([{ id: 't1', payload: 'hi' }], { signal: AbortSignal.timeout(60_000) });
 * ```
 */
export function httpLlmClient(options: HttpLlmClientOptions): LlmClient {
  const record = checkObject('options', options);
  checkKnownKeys('options', record, ['url', 'headers', 'buildBody', 'parseResponse', 'timeoutMs']);
  let url: URL;
  try {
    url = new URL(options.url instanceof URL ? options.url.href : checkString('url', options.url));
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw error;
    throw new InvalidArgumentError(`Expected \`url\` to be an absolute http(s) URL, got ${describe(options.url)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(
      `Expected \`url\` to be an absolute http(s) URL, got ${describe(String(options.url))}`,
    );
  }
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.headers !== undefined) {
    for (const [name, value] of Object.entries(checkObject('headers', options.headers))) {
      if (typeof value !== 'string') {
        throw new InvalidArgumentError(`Expected \`headers.${name}\` to be a string, got ${describe(value)}`);
      }
      headers[name.toLowerCase()] = value;
    }
  }
  if (options.buildBody !== undefined) checkFunction('buildBody', options.buildBody);
  if (options.parseResponse !== undefined) checkFunction('parseResponse', options.parseResponse);
  const timeoutMs = options.timeoutMs === undefined ? undefined : checkNumber('timeoutMs', options.timeoutMs, 0, true);
  const buildBody =
    options.buildBody ??
    ((tasks: readonly LlmTask[]) => ({ tasks: tasks.map(({ id, payload }) => ({ id, payload })) }));
  const parse = options.parseResponse ?? defaultParse;
  const href = url.href;

  return {
    async complete(tasks, context) {
      const signal = context?.signal;
      const timeout = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
      const signals = [signal, timeout].filter((s): s is AbortSignal => s !== undefined);
      const combined = signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
      const fail = (error: unknown): never => {
        if (signal?.aborted) throw new LlmAbortedError();
        if (timeout?.aborted) throw new LlmTimeoutError(timeoutMs!);
        throw new LlmNetworkError(
          `Expected to reach ${href}, got ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`,
          error,
        );
      };
      let response: Response;
      let text: string;
      try {
        response = await fetch(href, {
          method: 'POST',
          headers,
          body: JSON.stringify(buildBody(tasks)),
          ...(combined ? { signal: combined } : {}),
        });
        text = await response.text();
      } catch (error) {
        return fail(error);
      }
      if (!response.ok) {
        throw new LlmHttpError(response.status, text, parseRetryAfter(response.headers), href);
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (error) {
        throw new LlmResponseError(
          `Expected a JSON body from ${href}, got ${describe(text.length > 60 ? `${text.slice(0, 60)}…` : text)}`,
          error,
        );
      }
      return parse(body, tasks);
    },
  };
}
