import { describeValue, parseRetryAfter } from '@x/checks';
import { checkDuration, checkFunction, checkKnownKeys, checkObject } from './argument-checks.js';
import { addHeaders, checkHttpUrl, postForText } from './http-post.js';
import type { LlmBatchResponse, LlmClient } from './llm-client.js';
import { LlmHttpError, LlmRequestBuildError, LlmResponseError } from './llm-request-error.js';
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

function defaultParse(body: unknown): LlmBatchResponse {
  const results = (body as { results?: unknown } | null)?.results;
  if (typeof body !== 'object' || body === null || !Array.isArray(results)) {
    throw new LlmResponseError(`Expected the response to be { results: [...] }, got ${describeValue(body)}`);
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
  checkKnownKeys('httpLlmClient', record, ['url', 'headers', 'buildBody', 'parseResponse', 'timeoutMs']);
  const href = checkHttpUrl('url', options.url);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  addHeaders('headers', options.headers, headers);
  if (options.buildBody !== undefined) checkFunction('buildBody', options.buildBody);
  if (options.parseResponse !== undefined) checkFunction('parseResponse', options.parseResponse);
  const timeoutMs = options.timeoutMs === undefined ? undefined : checkDuration('timeoutMs', options.timeoutMs, true);
  const buildBody =
    options.buildBody ??
    ((tasks: readonly LlmTask[]) => ({ tasks: tasks.map(({ id, payload }) => ({ id, payload })) }));
  const parse = options.parseResponse ?? defaultParse;

  return {
    async complete(tasks, context) {
      let body: string;
      try {
        const built: unknown = JSON.stringify(buildBody(tasks));
        if (typeof built !== 'string') throw new TypeError(`buildBody returned ${describeValue(built)}`);
        body = built;
      } catch (error) {
        // the tasks' fault (or buildBody's), never the network's: not retryable, so the batch is split
        throw new LlmRequestBuildError(
          `Expected the request body for ${tasks.length} task(s) to serialize as JSON, got ${error instanceof Error ? error.message : describeValue(error)}`,
          error,
        );
      }
      const { response, text } = await postForText(href, headers, body, context?.signal, timeoutMs);
      if (!response.ok) {
        throw new LlmHttpError(response.status, text, parseRetryAfter(response.headers), href);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new LlmResponseError(`Expected a JSON body from ${href}, got ${describeValue(text)}`, error);
      }
      return parse(parsed, tasks);
    },
  };
}
