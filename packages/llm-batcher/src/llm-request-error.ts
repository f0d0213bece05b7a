import { describeValue } from '@x/checks';
import { BatcherError } from './batcher-error.js';

/**
 * Base class of the errors an {@link LlmClient} throws for a whole request. `retryable` says
 * whether sending the same tasks again may succeed; `status` and `retryAfterMs` are set for HTTP
 * answers so callers (the batcher, a fleet of endpoints) can classify them.
 *
 * @example
 * ```ts
 * import { LlmRequestError } from '@x/llm-batcher';
 * try {
 *   await client.complete(tasks, { signal });
 * } catch (error) {
 *   if (error instanceof LlmRequestError && error.retryable) scheduleRetry(error.retryAfterMs);
 * }
 * ```
 */
export class LlmRequestError extends BatcherError {
  /** The error's class name, `'LlmRequestError'`, shown in stack traces and by `String(error)`. */
  override name = 'LlmRequestError';
  /** Whether the same request may succeed if sent again. */
  readonly retryable: boolean;
  /** HTTP status of the answer, when there was one. */
  readonly status: number | undefined;
  /** How long the service asked us to wait (from `retry-after-ms` or `Retry-After`), in milliseconds. */
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    options: { retryable: boolean; status?: number; retryAfterMs?: number; cause?: unknown } = { retryable: true },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * The service answered with a non-2xx HTTP status. Retryable for 408, 409, 429 and 5xx; terminal
 * for the other 4xx.
 *
 * @example
 * ```ts
 * import { LlmHttpError } from '@x/llm-batcher';
 * if (error instanceof LlmHttpError && error.status === 429) console.log(error.retryAfterMs);
 * ```
 */
export class LlmHttpError extends LlmRequestError {
  /** The error's class name, `'LlmHttpError'`, shown in stack traces and by `String(error)`. */
  override name = 'LlmHttpError';
  /** HTTP status of the answer. */
  declare readonly status: number;
  /** The start of the answer's body (at most 500 characters), for error messages and logs. */
  readonly body: string;
  constructor(status: number, body: string, retryAfterMs?: number, url?: string) {
    const shown = body.length > 200 ? `${body.slice(0, 200)}…` : body;
    super(`Expected a 2xx answer${url ? ` from ${url}` : ''}, got HTTP ${status}${shown ? `: ${shown}` : ''}`, {
      retryable: isRetryableStatus(status),
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
    this.body = body.slice(0, 500);
  }
}

/**
 * The request never got an answer: connection refused or reset, DNS failure, socket destroyed.
 * Always retryable.
 *
 * @example
 * ```ts
 * import { LlmNetworkError } from '@x/llm-batcher';
 * if (error instanceof LlmNetworkError) console.warn('endpoint down', error.cause);
 * ```
 */
export class LlmNetworkError extends LlmRequestError {
  /** The error's class name, `'LlmNetworkError'`, shown in stack traces and by `String(error)`. */
  override name = 'LlmNetworkError';
  constructor(message: string, cause?: unknown) {
    super(message, { retryable: true, cause });
  }
}

/**
 * The request took longer than its timeout and was aborted. Always retryable.
 *
 * @example
 * ```ts
 * import { LlmTimeoutError } from '@x/llm-batcher';
 * if (error instanceof LlmTimeoutError) console.warn(`gave up after ${error.timeoutMs} ms`);
 * ```
 */
export class LlmTimeoutError extends LlmRequestError {
  /** The error's class name, `'LlmTimeoutError'`, shown in stack traces and by `String(error)`. */
  override name = 'LlmTimeoutError';
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`Expected an answer within ${timeoutMs} ms, got none`, { retryable: true });
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The service answered 2xx but the body was not what was expected (not JSON, no `results` array).
 * Retryable.
 *
 * @example
 * ```ts
 * import { LlmResponseError } from '@x/llm-batcher';
 * if (error instanceof LlmResponseError) console.warn(error.message);
 * ```
 */
export class LlmResponseError extends LlmRequestError {
  /** The error's class name, `'LlmResponseError'`, shown in stack traces and by `String(error)`. */
  override name = 'LlmResponseError';
  constructor(message: string, cause?: unknown) {
    super(message, { retryable: true, cause });
  }
}

/**
 * The request was aborted by the caller's signal (cancellation, shutdown). Not retryable.
 *
 * @example
 * ```ts
 * import { LlmAbortedError } from '@x/llm-batcher';
 * if (error instanceof LlmAbortedError) return; // we asked for it
 * ```
 */
export class LlmAbortedError extends LlmRequestError {
  /** The error's class name, `'LlmAbortedError'`, shown in stack traces and by `String(error)`. */
  override name = 'LlmAbortedError';
  constructor() {
    super('Expected the request to run to its end, but it was aborted by its signal', { retryable: false });
  }
}

/**
 * The service (or a fleet of services) asked the client to slow down: HTTP 429. The batcher pauses
 * every request of the client for `retryAfterMs` and charges no attempt. Clients may throw it
 * directly; any {@link LlmRequestError} with `status` 429 is treated the same way.
 *
 * @example
 * ```ts
 * import { LlmRateLimitError } from '@x/llm-batcher';
 * throw new LlmRateLimitError('every endpoint is cooling down', { retryAfterMs: 2000 });
 * ```
 */
export class LlmRateLimitError extends LlmRequestError {
  /** The error's class name, `'LlmRateLimitError'`, shown in stack traces and by `String(error)`. */
  override name = 'LlmRateLimitError';
  /** Always 429. */
  declare readonly status: 429;
  constructor(message: string, options: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, { retryable: true, status: 429, ...options });
  }
}

/**
 * The request could not be built from the tasks (a payload the client cannot serialize, a
 * `buildBody` that throws). Never a network error and never retried as one: not retryable, so the
 * batcher splits the batch to find the task at fault, and fails that task alone at once.
 *
 * @example
 * ```ts
 * import { LlmRequestBuildError } from '@x/llm-batcher';
 * if (error instanceof LlmRequestBuildError) console.error('bad task payload', error.cause);
 * ```
 */
export class LlmRequestBuildError extends LlmRequestError {
  /** The error's class name, `'LlmRequestBuildError'`, shown in stack traces and by `String(error)`. */
  override name = 'LlmRequestBuildError';
  constructor(message: string, cause?: unknown) {
    super(message, { retryable: false, cause });
  }
}

/**
 * The client broke the {@link LlmClient} contract: `complete` returned something that is not a
 * promise (or thenable). Retryable (each attempt is charged), so a client that misbehaves every
 * time fails its tasks after `maxAttempts` with this message.
 *
 * @example
 * ```ts
 * import { LlmClientError } from '@x/llm-batcher';
 * if (error instanceof LlmClientError) console.error('fix the client:', error.message);
 * ```
 */
export class LlmClientError extends LlmRequestError {
  /** The error's class name, `'LlmClientError'`, shown in stack traces and by `String(error)`. */
  override name = 'LlmClientError';
  constructor(message: string, cause?: unknown) {
    super(message, { retryable: true, cause });
  }
}

/**
 * Whether an HTTP status is worth retrying: 408, 409, 429 and every 5xx are; other statuses
 * (the remaining 4xx) are terminal.
 *
 * @example
 * ```ts
 * import { isRetryableStatus } from '@x/llm-batcher';
 * isRetryableStatus(503); // true
 * isRetryableStatus(422); // false
 * ```
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * How the batcher (or a fleet) should treat an error thrown by an {@link LlmClient}.
 *
 * @example
 * ```ts
 * const kind: LlmErrorClassification = classifyLlmError(error);
 * if (kind.rateLimited) cooldown(kind.retryAfterMs ?? 1000);
 * ```
 */
export interface LlmErrorClassification {
  /** Whether sending the same tasks again may succeed. */
  retryable: boolean;
  /** True for HTTP 429: the caller should pause every request for `retryAfterMs`. */
  rateLimited: boolean;
  /** True when the caller's own signal aborted the request. */
  aborted: boolean;
  /** HTTP status, when the error carries one. */
  status: number | undefined;
  /** The wait the service asked for, in milliseconds, when it said. */
  retryAfterMs: number | undefined;
  /** A short, single-line description. */
  message: string;
}

/**
 * Classifies anything an {@link LlmClient} may throw. {@link LlmRequestError}s carry their own
 * classification; other errors with a numeric `status` are classified by it; anything else is
 * treated as a retryable network-like failure.
 *
 * @example
 * ```ts
 * import { classifyLlmError } from '@x/llm-batcher';
 * const { retryable, rateLimited, retryAfterMs } = classifyLlmError(error);
 * ```
 */
export function classifyLlmError(error: unknown): LlmErrorClassification {
  if (error instanceof LlmRequestError) {
    return {
      retryable: error.retryable,
      rateLimited: error.status === 429,
      aborted: error instanceof LlmAbortedError,
      status: error.status,
      retryAfterMs: error.retryAfterMs,
      message: error.message,
    };
  }
  let status: number | undefined;
  let retryAfterMs: number | undefined;
  let name: unknown;
  try {
    const record = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
    status = typeof record.status === 'number' ? record.status : undefined;
    retryAfterMs = typeof record.retryAfterMs === 'number' ? record.retryAfterMs : undefined;
    name = record.name;
  } catch {
    // a proxy or getter that throws: classify it as an unknown failure
  }
  const message =
    error instanceof Error ? error.message : `Expected the client to throw an Error, got ${describeValue(error)}`;
  return {
    retryable: status === undefined ? true : isRetryableStatus(status),
    rateLimited: status === 429,
    aborted: error instanceof Error && name === 'AbortError',
    status,
    retryAfterMs,
    message,
  };
}
