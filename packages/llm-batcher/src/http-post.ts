import { expected } from '@x/checks';
import { checkObject, checkString } from './argument-checks.js';
import { InvalidArgumentError } from './batcher-error.js';
import { LlmAbortedError, LlmNetworkError, LlmTimeoutError } from './llm-request-error.js';

/** Checks an absolute `http:`/`https:` URL option and returns its `href`. */
export function checkHttpUrl(name: string, value: unknown): string {
  let url: URL;
  try {
    url = new URL(value instanceof URL ? value.href : checkString(name, value));
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw error;
    throw new InvalidArgumentError(expected(name, 'an absolute http(s) URL', value));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(expected(name, 'an absolute http(s) URL', String(value)));
  }
  return url.href;
}

/** Checks a headers option (`Record<string, string>`) and adds it, names lower-cased, to `into`. */
export function addHeaders(name: string, value: unknown, into: Record<string, string>): void {
  if (value === undefined) return;
  for (const [header, text] of Object.entries(checkObject(name, value))) {
    if (typeof text !== 'string') throw new InvalidArgumentError(expected(`${name}.${header}`, 'a string', text));
    into[header.toLowerCase()] = text;
  }
}

/** An HTTP answer read to its end. */
export interface HttpAnswer {
  /** The response (its body already read). */
  response: Response;
  /** The body as text. */
  text: string;
}

/**
 * POSTs `body` (already serialized) and reads the whole answer. Rejects with
 * {@link LlmAbortedError} when the caller's `signal` aborted it, {@link LlmTimeoutError} after
 * `timeoutMs`, {@link LlmNetworkError} when no answer came. Only what happens on the wire is
 * classified here: building the body is the caller's business, so its errors never look like
 * network errors.
 */
export async function postForText(
  href: string,
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal | undefined,
  timeoutMs: number | undefined,
): Promise<HttpAnswer> {
  // One controller, one listener and one timer cleared at the end: `AbortSignal.any` with
  // `AbortSignal.timeout` costs about 4 times the CPU and leaves a live timer per request until it fires.
  let controller: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  let onAbort: (() => void) | undefined;
  if (timeoutMs !== undefined) {
    const own = new AbortController();
    controller = own;
    timer = setTimeout(() => {
      timedOut = true;
      own.abort();
    }, timeoutMs);
    if (signal !== undefined) {
      if (signal.aborted) own.abort();
      else {
        onAbort = () => own.abort();
        signal.addEventListener('abort', onAbort, { once: true });
      }
    }
  }
  const combined = controller?.signal ?? signal;
  try {
    const response = await fetch(href, { method: 'POST', headers, body, ...(combined ? { signal: combined } : {}) });
    return { response, text: await response.text() };
  } catch (error) {
    if (signal?.aborted) throw new LlmAbortedError();
    if (timedOut) throw new LlmTimeoutError(timeoutMs!);
    const cause =
      error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new LlmNetworkError(`Expected to reach ${href}, got ${cause}`, error);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (onAbort !== undefined) signal!.removeEventListener('abort', onAbort);
  }
}
