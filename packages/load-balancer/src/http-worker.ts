import { parseRetryAfter } from '@x/checks';
import { HttpStatusError, InvalidResponseError, WorkerOverloadedError, WorkerUnavailableError } from './errors.js';
import { expectDuration, expectInteger, expectOptions, invalid } from './validation.js';
import type { ExecuteContext, HealthReport, WorkerSpec } from './worker.js';

/**
 * Options of {@link httpWorker}.
 *
 * @example
 * ```ts
 * const options: HttpWorkerOptions = { id: 'api-1', url: 'http://worker-1.internal:8080/run', capacity: 8, healthPath: '/healthz', timeoutMs: 5000 };
 * ```
 */
export interface HttpWorkerOptions {
  /** Worker id. */
  id: string;
  /** Where tasks are POSTed as JSON; the JSON response body is the result. */
  url: string | URL;
  /** Requests in flight at most: an integer from 1 up. */
  capacity: number;
  /** Relative weight for the `'weighted'` strategy. @defaultValue `1` */
  weight?: number;
  /**
   * Path (resolved against `url`) answered by GET for health checks: 2xx = healthy; a JSON body
   * with a numeric `load` in [0, 1] reports the load. @defaultValue no health check
   */
  healthPath?: string;
  /**
   * Per-request timeout (ms, above 0 and at most 2^31−1); a request that takes longer is aborted
   * and counts as a worker error. @defaultValue `30000`
   */
  timeoutMs?: number;
  /** Extra request headers (e.g. authorization). */
  headers?: Record<string, string>;
}

const HTTP_WORKER_KEYS = [
  'id',
  'url',
  'capacity',
  'weight',
  'healthPath',
  'timeoutMs',
  'headers',
] as const satisfies ReadonlyArray<keyof HttpWorkerOptions>;

/**
 * A worker spec that runs tasks on a remote HTTP service: POSTs the task as JSON to `url` and
 * resolves with the JSON response, using the global `fetch`. Failures are classified:
 * - connection errors, its own timeout and HTTP 502/503/504 throw {@link WorkerUnavailableError}
 *   (the worker failed: failover, ejection);
 * - HTTP 429 throws {@link WorkerOverloadedError} with `retryAfterMs` read by
 *   {@link parseRetryAfter} (`retry-after-ms`, else `Retry-After` in seconds or as an HTTP date,
 *   clamped to {@link MAX_RETRY_AFTER_MS}; none readable: the balancer's `overloadCooldownMs`);
 * - any other non-2xx throws {@link HttpStatusError}, and a 2xx whose body is not JSON throws
 *   {@link InvalidResponseError} (task errors);
 * - an error before anything is sent (the task cannot be serialized as JSON: a BigInt, a cycle;
 *   the request cannot be built) rejects the task with that original error, and no worker is
 *   blamed.
 *
 * Aborts of the attempt's signal abort the request.
 *
 * @example
 * ```ts
 * lb.addWorker(httpWorker({ id: 'ocr-1', url: 'http://127.0.0.1:8081/ocr', capacity: 4, healthPath: '/health', timeoutMs: 10_000 }));
 * ```
 */
export function httpWorker<Task, Result>(options: HttpWorkerOptions): WorkerSpec<Task, Result> {
  expectOptions('options', 'httpWorker', options, HTTP_WORKER_KEYS);
  if (typeof options.id !== 'string' || options.id.length === 0) throw invalid('id', 'a non-empty string', options.id);
  let url: URL;
  try {
    url = new URL(String(options.url));
  } catch {
    throw invalid('url', 'an absolute http(s) URL', options.url);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalid('url', 'an absolute http(s) URL', options.url);
  expectInteger('capacity', options.capacity, 1);
  const timeoutMs = options.timeoutMs === undefined ? 30000 : expectDuration('timeoutMs', options.timeoutMs, true);
  if (options.healthPath !== undefined && typeof options.healthPath !== 'string') {
    throw invalid('healthPath', 'a string', options.healthPath);
  }
  const headers = { 'content-type': 'application/json', accept: 'application/json', ...options.headers };
  const healthUrl = options.healthPath === undefined ? undefined : new URL(options.healthPath, url);
  const id = options.id;

  const spec: WorkerSpec<Task, Result> = {
    id,
    capacity: options.capacity,
    ...(options.weight === undefined ? {} : { weight: options.weight }),
    async execute(task: Task, context: ExecuteContext): Promise<Result> {
      // Everything before the request leaves is the task's business: a task that JSON cannot
      // serialize (BigInt, a cycle) or a request that cannot be built rejects with its own
      // error, and the worker is not blamed.
      const body = JSON.stringify(task);
      const timeout = new AbortController();
      const signal = AbortSignal.any([context.signal, timeout.signal]);
      const request = new Request(url, { method: 'POST', headers, body, signal });
      const timer = setTimeout(() => timeout.abort(), timeoutMs);
      try {
        let response: Response;
        try {
          response = await fetch(request);
        } catch (error) {
          throw classifyFailure(error, context.signal, timeout.signal, id, url, timeoutMs);
        }
        let text: string;
        try {
          text = await response.text();
        } catch (error) {
          throw classifyFailure(error, context.signal, timeout.signal, id, url, timeoutMs);
        }
        const status = response.status;
        if (response.ok) {
          try {
            return JSON.parse(text) as Result;
          } catch (error) {
            throw new InvalidResponseError(id, url.href, status, text, error);
          }
        }
        if (status === 502 || status === 503 || status === 504) {
          throw new WorkerUnavailableError(`Worker \`${id}\`: POST ${url.href} answered HTTP ${status}`);
        }
        if (status === 429) {
          const retryAfterMs = parseRetryAfter(response.headers);
          throw new WorkerOverloadedError(
            `Worker \`${id}\`: POST ${url.href} answered HTTP 429`,
            retryAfterMs === undefined ? {} : { retryAfterMs },
          );
        }
        throw new HttpStatusError(url.href, status, text);
      } finally {
        clearTimeout(timer);
      }
    },
  };
  if (healthUrl !== undefined) {
    spec.healthCheck = async (): Promise<boolean | HealthReport> => {
      const response = await fetch(healthUrl, { method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
      const text = await response.text();
      if (!response.ok) return false;
      try {
        const body = JSON.parse(text) as { load?: unknown };
        if (typeof body?.load === 'number') return { load: body.load };
      } catch {
        // a non-JSON 2xx body is a plain "healthy"
      }
      return true;
    };
  }
  return spec;
}

function classifyFailure(
  error: unknown,
  callerSignal: AbortSignal,
  timeoutSignal: AbortSignal,
  id: string,
  url: URL,
  timeoutMs: number,
): unknown {
  if (callerSignal.aborted) return callerSignal.reason;
  if (timeoutSignal.aborted) {
    return new WorkerUnavailableError(`Worker \`${id}\`: POST ${url.href} timed out after ${timeoutMs} ms`, {
      cause: error,
    });
  }
  return new WorkerUnavailableError(`Worker \`${id}\`: POST ${url.href} failed (${describeError(error)})`, {
    cause: error,
  });
}

function describeError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}
