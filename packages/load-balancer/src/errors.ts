import { expected, MAX_RETRY_AFTER_MS, quoteInput } from '@x/checks';

/**
 * Base class of every error the load balancer rejects a call with, so callers can
 * `instanceof LoadBalancerError` to tell the balancer's errors from their tasks' own.
 *
 * @example
 * ```ts
 * import { LoadBalancerError } from '@x/load-balancer';
 * if (error instanceof LoadBalancerError) console.warn('balancer said no:', error.message);
 * ```
 */
export class LoadBalancerError extends Error {
  /** The error's class name, `'LoadBalancerError'`, shown in stack traces and by `String(error)`. */
  override name = 'LoadBalancerError';
}

/**
 * An argument or option had the wrong type or value. The message names the input, what was
 * expected and what came in, e.g. ``Expected `capacity` to be an integer from 1 and up, got `0` (number)``.
 *
 * @example
 * ```ts
 * try { lb.addWorker({ id: 'a', capacity: 0, execute }); }
 * catch (error) { if (error instanceof InvalidArgumentError) console.error(error.message); }
 * ```
 */
export class InvalidArgumentError extends LoadBalancerError {
  /** The error's class name, `'InvalidArgumentError'`, shown in stack traces and by `String(error)`. */
  override name = 'InvalidArgumentError';
}

/**
 * `addWorker` was called with an id that is already registered (including a worker that is
 * still draining).
 *
 * @example
 * ```ts
 * try { lb.addWorker(spec); } catch (error) { if (error instanceof DuplicateWorkerError) console.log(error.workerId); }
 * ```
 */
export class DuplicateWorkerError extends LoadBalancerError {
  /** The error's class name, `'DuplicateWorkerError'`, shown in stack traces and by `String(error)`. */
  override name = 'DuplicateWorkerError';
  /** The id that was already taken. */
  readonly workerId: string;
  constructor(workerId: string) {
    super(`Expected \`id\` to be a worker id not yet registered, got \`${workerId}\` which is already registered`);
    this.workerId = workerId;
  }
}

/**
 * `removeWorker` or `heartbeat` named a worker id that is not registered.
 *
 * @example
 * ```ts
 * try { lb.heartbeat('ghost'); } catch (error) { if (error instanceof UnknownWorkerError) console.log(error.workerId); }
 * ```
 */
export class UnknownWorkerError extends LoadBalancerError {
  /** The error's class name, `'UnknownWorkerError'`, shown in stack traces and by `String(error)`. */
  override name = 'UnknownWorkerError';
  /** The id that is not registered. */
  readonly workerId: string;
  constructor(workerId: string) {
    super(`Expected \`id\` to be a registered worker id, got \`${workerId}\``);
    this.workerId = workerId;
  }
}

/**
 * `submit` was rejected at once because `maxQueueSize` tasks are already waiting.
 *
 * @example
 * ```ts
 * try { await lb.submit(task); } catch (error) { if (error instanceof QueueFullError) retryLater(); }
 * ```
 */
export class QueueFullError extends LoadBalancerError {
  /** The error's class name, `'QueueFullError'`, shown in stack traces and by `String(error)`. */
  override name = 'QueueFullError';
  /** The configured `maxQueueSize`. */
  readonly maxQueueSize: number;
  constructor(maxQueueSize: number) {
    super(`Queue is full: \`maxQueueSize\` is ${maxQueueSize} and ${maxQueueSize} tasks are already waiting`);
    this.maxQueueSize = maxQueueSize;
  }
}

/**
 * The task did not settle within its `timeoutMs` (counted from `submit`, queue time included).
 * The running attempt, if any, is aborted through its `signal` with this error as the reason.
 *
 * @example
 * ```ts
 * try { await lb.submit(task, { timeoutMs: 1000 }); }
 * catch (error) { if (error instanceof TaskTimeoutError) console.log(`gave up after ${error.timeoutMs} ms`); }
 * ```
 */
export class TaskTimeoutError extends LoadBalancerError {
  /** The error's class name, `'TaskTimeoutError'`, shown in stack traces and by `String(error)`. */
  override name = 'TaskTimeoutError';
  /** The task's `timeoutMs`. */
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`Task timed out after ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The task's `signal` was aborted. `cause` holds `signal.reason`. The running attempt, if any,
 * is aborted through its own `signal` with this error as the reason.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * const promise = lb.submit(task, { signal: controller.signal });
 * controller.abort();
 * await promise.catch((error) => error instanceof TaskAbortedError); // true
 * ```
 */
export class TaskAbortedError extends LoadBalancerError {
  /** The error's class name, `'TaskAbortedError'`, shown in stack traces and by `String(error)`. */
  override name = 'TaskAbortedError';
  constructor(reason: unknown) {
    super('Task was aborted by its signal', { cause: reason });
  }
}

/**
 * The task failed on every attempt it was allowed (`maxAttempts`), or the retry budget refused
 * another attempt. `cause` is the last attempt's error; `attempts` how many attempts ran.
 *
 * @example
 * ```ts
 * try { await lb.submit(task, { maxAttempts: 2 }); }
 * catch (error) { if (error instanceof RetriesExhaustedError) console.log(error.attempts, error.reason, error.cause); }
 * ```
 */
export class RetriesExhaustedError extends LoadBalancerError {
  /** The error's class name, `'RetriesExhaustedError'`, shown in stack traces and by `String(error)`. */
  override name = 'RetriesExhaustedError';
  /** How many attempts were dispatched. */
  readonly attempts: number;
  /** `'max-attempts'` when `maxAttempts` ran out, `'budget'` when the retry budget refused a retry. */
  readonly reason: 'max-attempts' | 'budget';
  constructor(attempts: number, reason: 'max-attempts' | 'budget', lastError: unknown) {
    super(
      reason === 'budget'
        ? `Retry budget exhausted after ${attempts} attempt${attempts === 1 ? '' : 's'}`
        : `Task failed on all ${attempts} attempt${attempts === 1 ? '' : 's'}`,
      { cause: lastError },
    );
    this.attempts = attempts;
    this.reason = reason;
  }
}

/**
 * The balancer is shutting down (or shut down): `submit` after `shutdown()`, or a task still
 * queued or running when a non-draining shutdown (or the drain timeout) ended it.
 *
 * @example
 * ```ts
 * await lb.shutdown();
 * await lb.submit(task).catch((error) => error instanceof ShutdownError); // true
 * ```
 */
export class ShutdownError extends LoadBalancerError {
  /** The error's class name, `'ShutdownError'`, shown in stack traces and by `String(error)`. */
  override name = 'ShutdownError';
  constructor(message = 'Load balancer is shut down') {
    super(message);
  }
}

/**
 * Thrown by a worker's `execute` to say that the worker (the infrastructure), not the task,
 * failed: connection refused, the process crashed, a gateway error. The balancer counts it
 * against the worker (driving ejection) and fails the task over to another worker; it does not
 * count as a task error. `httpWorker` throws it for connection errors, its own timeouts and
 * HTTP 502/503/504.
 *
 * @example
 * ```ts
 * lb.addWorker({
 *   id: 'db-1', capacity: 4,
 *   async execute(task) {
 *     try { return await query(task); }
 *     catch (error) { throw isConnectionError(error) ? new WorkerUnavailableError('db-1 is down', { cause: error }) : error; }
 *   },
 * });
 * ```
 */
export class WorkerUnavailableError extends LoadBalancerError {
  /** The error's class name, `'WorkerUnavailableError'`, shown in stack traces and by `String(error)`. */
  override name = 'WorkerUnavailableError';
}

/**
 * Thrown by a worker's `execute` to say "I am overloaded, ask again later" (an HTTP 429). The
 * balancer requeues the task at once with its original priority and enqueue time, without
 * counting a failure or an attempt, and marks the worker `overloaded` (reason `'retry-after'`)
 * until `retryAfterMs` has passed (default: the balancer's `overloadCooldownMs`). `httpWorker`
 * throws it for HTTP 429, reading the response headers with {@link parseRetryAfter}.
 *
 * @throws {@link InvalidArgumentError} when `retryAfterMs` is not a number from 0 to
 * {@link MAX_RETRY_AFTER_MS} (NaN, negative or longer than an hour): clamp a server's value
 * first, as {@link parseRetryAfter} does.
 *
 * @example
 * ```ts
 * async execute(task) {
 *   const response = await callLlm(task);
 *   if (response.status === 429) {
 *     throw new WorkerOverloadedError('rate limited', { retryAfterMs: parseRetryAfter(response.headers) });
 *   }
 *   return response.body;
 * }
 * ```
 */
export class WorkerOverloadedError extends LoadBalancerError {
  /** The error's class name, `'WorkerOverloadedError'`, shown in stack traces and by `String(error)`. */
  override name = 'WorkerOverloadedError';
  /** How long the worker should get no new tasks, in milliseconds; `undefined` uses `overloadCooldownMs`. */
  readonly retryAfterMs: number | undefined;
  constructor(message = 'Worker is overloaded', options: { retryAfterMs?: number | undefined; cause?: unknown } = {}) {
    const retryAfterMs = options?.retryAfterMs;
    if (
      retryAfterMs !== undefined &&
      !(typeof retryAfterMs === 'number' && retryAfterMs >= 0 && retryAfterMs <= MAX_RETRY_AFTER_MS)
    ) {
      throw new InvalidArgumentError(
        expected('retryAfterMs', `a number of ms from 0 to ${MAX_RETRY_AFTER_MS} (MAX_RETRY_AFTER_MS)`, retryAfterMs),
      );
    }
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * `httpWorker` got a 2xx answer whose body is not JSON. The message names the worker, the URL,
 * the status and the start of the body. A task error (the answer, not the connection, is at
 * fault): retried only if `retryOn` says so.
 *
 * @example
 * ```ts
 * try { await lb.submit(task); }
 * catch (error) { if (error instanceof InvalidResponseError) console.error(error.workerId, error.status, error.bodySnippet); }
 * ```
 */
export class InvalidResponseError extends LoadBalancerError {
  /** The error's class name, `'InvalidResponseError'`, shown in stack traces and by `String(error)`. */
  override name = 'InvalidResponseError';
  /** The worker that answered. */
  readonly workerId: string;
  /** The URL the task was POSTed to. */
  readonly url: string;
  /** The HTTP status code (2xx). */
  readonly status: number;
  /** The first characters of the body (at most 200). */
  readonly bodySnippet: string;
  constructor(workerId: string, url: string, status: number, body: string, cause: unknown) {
    const bodySnippet = body.length > 200 ? `${body.slice(0, 199)}…` : body;
    super(
      `Worker \`${workerId}\`: POST ${url} answered HTTP ${status} with a body that is not JSON: ${quoteInput(body)}`,
      { cause },
    );
    this.workerId = workerId;
    this.url = url;
    this.status = status;
    this.bodySnippet = bodySnippet;
  }
}

/**
 * `httpWorker` got a non-2xx answer that is the task's fault (anything but 429, 502, 503, 504).
 * A task error: it is retried only if `retryOn` says so.
 *
 * @example
 * ```ts
 * try { await lb.submit(task); }
 * catch (error) { if (error instanceof HttpStatusError && error.status === 400) console.error(error.body); }
 * ```
 */
export class HttpStatusError extends LoadBalancerError {
  /** The error's class name, `'HttpStatusError'`, shown in stack traces and by `String(error)`. */
  override name = 'HttpStatusError';
  /** The HTTP status code. */
  readonly status: number;
  /** The response body as text (possibly empty). */
  readonly body: string;
  constructor(url: string, status: number, body: string) {
    super(`POST ${url} answered HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}
