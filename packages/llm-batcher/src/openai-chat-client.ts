import { describeValue, MAX_RETRY_AFTER_MS, parseRetryAfter } from '@x/checks';
import { checkDuration, checkFunction, checkKnownKeys, checkObject, checkString } from './argument-checks.js';
import { InvalidArgumentError } from './batcher-error.js';
import { addHeaders, checkHttpUrl, postForText } from './http-post.js';
import type { LlmBatchResponse, LlmClient, LlmItemResult } from './llm-client.js';
import {
  isRetryableStatus,
  LlmAbortedError,
  LlmHttpError,
  LlmRateLimitError,
  LlmRequestBuildError,
  type LlmRequestError,
  LlmResponseError,
} from './llm-request-error.js';
import type { LlmTask } from './task.js';

/**
 * One message of a chat completion request.
 *
 * @example
 * ```ts
 * const message: ChatMessage = { role: 'system', content: 'Answer in one word.' };
 * ```
 */
export interface ChatMessage {
  /** Who speaks: `system`, `user`, `assistant` (or any role the server knows). */
  role: string;
  /** What is said. */
  content: string;
}

/**
 * Options of {@link openAiChatClient}.
 *
 * @example
 * ```ts
 * const options: OpenAiChatClientOptions = {
 *   baseUrl: 'http://127.0.0.1:11434/v1', // Ollama
 *   model: 'llama3.2',
 *   params: { temperature: 0 },
 * };
 * ```
 */
export interface OpenAiChatClientOptions {
  /**
   * The API's base URL, up to and including the version: `https://api.openai.com/v1`, vLLM's
   * `http://HOST:8000/v1`, Ollama's `http://HOST:11434/v1`, a LiteLLM proxy. Requests go to
   * `{baseUrl}/chat/completions`.
   */
  baseUrl: string | URL;
  /** The model name, sent as `model` in every request. */
  model: string;
  /** Sent as `Authorization: Bearer <apiKey>` when given (local servers usually need none). */
  apiKey?: string;
  /** Extra request headers (Azure's `api-key`, OpenAI's `OpenAI-Organization`, …). */
  headers?: Record<string, string>;
  /**
   * Extra fields of every request body (`temperature`, `max_tokens`, `response_format`, …). They
   * cannot override `model` or `messages`.
   */
  params?: Record<string, unknown>;
  /**
   * Turns a task into the chat messages sent for it.
   * @default a string payload is the user message; a payload with a `messages` array is sent as
   * is; a payload with a string `prompt` (and optional `system`) becomes those messages; any other
   * payload is sent as its JSON text in one user message
   */
  messages?: (task: LlmTask) => readonly ChatMessage[];
  /**
   * Turns a chat completion (the parsed JSON body of a 2xx answer) into the task's output; throw
   * to mark the answer unusable (the task is then retried on its own).
   * @default `choices[0].message.content`, a string; a refusal or a `content_filter` stop fails the
   * task at once
   */
  parseOutput?: (completion: unknown, task: LlmTask) => unknown;
  /** Aborts each completion request after this many milliseconds (besides the caller's signal). No timeout when absent. */
  timeoutMs?: number;
}

const OPTION_KEYS = ['baseUrl', 'model', 'apiKey', 'headers', 'params', 'messages', 'parseOutput', 'timeoutMs'];

/** A task's outcome on one completion request. */
type Outcome =
  | { kind: 'item'; item: LlmItemResult }
  | { kind: 'rate-limited'; error: LlmHttpError; retryAfterMs: number | undefined }
  /** No usable answer for a reason the endpoint is to blame for: 5xx, network, timeout. */
  | { kind: 'endpoint'; error: LlmRequestError };

/**
 * An {@link LlmClient} for any OpenAI-compatible chat-completions endpoint (OpenAI, Azure OpenAI,
 * vLLM, Ollama, LiteLLM's proxy). Such endpoints take one prompt per request, so a batch's tasks
 * go out as parallel chat completions, one per task, all within the batch's slot (its request
 * timeout and concurrency); each answer becomes that task's `{ id, output }`.
 *
 * Errors are classified as {@link httpLlmClient} classifies them, per task: a 4xx other than 408,
 * 409 and 429 is that task's error (failed at once); a 5xx, 408, 409, a network error or a timeout
 * is retried. A 429 pauses the whole batcher for the `retry-after-ms` / `Retry-After` /
 * `x-ratelimit-reset-*` wait without charging the task an attempt. When every task of the batch
 * failed the same way, the whole call throws ({@link LlmRateLimitError}, or the 5xx/network error),
 * so a fleet of endpoints can fail over. After an answer that says the request or token budget is
 * spent (`x-ratelimit-remaining-requests: 0` or `x-ratelimit-remaining-tokens: 0`), the next call
 * before the budget resets throws {@link LlmRateLimitError} without sending anything.
 *
 * Uses the global `fetch`, not the `openai` SDK: the SDK's current major needs Node 22, and this
 * client needs one POST route with its own retry classification.
 *
 * @example
 * ```ts
 * import { createBatcher, memoryTaskSource, openAiChatClient } from '@x/llm-batcher';
 *
 * const client = openAiChatClient({
 *   baseUrl: 'http://127.0.0.1:8000/v1', // a local vLLM; or https://api.openai.com/v1
 *   model: 'Qwen/Qwen2.5-1.5B-Instruct',
 *   apiKey: process.env.OPENAI_API_KEY,
 *   params: { temperature: 0, max_tokens: 200 },
 *   timeoutMs: 60_000,
 * });
 * const batcher = createBatcher({
 *   source: memoryTaskSource([{ id: 't1', payload: 'Say hi in French' }]),
 *   client,
 * });
 * ```
 */
export function openAiChatClient(options: OpenAiChatClientOptions): LlmClient {
  const record = checkObject('options', options);
  checkKnownKeys('openAiChatClient', record, OPTION_KEYS);
  const base = checkHttpUrl('baseUrl', options.baseUrl);
  const href = `${base.replace(/\/+$/, '')}/chat/completions`;
  const model = checkString('model', options.model);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${checkString('apiKey', options.apiKey)}`;
  addHeaders('headers', options.headers, headers);
  const params = options.params === undefined ? {} : { ...checkObject('params', options.params) };
  for (const reserved of ['model', 'messages', 'stream', 'n']) {
    if (reserved in params) {
      throw new InvalidArgumentError(
        `Expected \`params\` not to set \`${reserved}\` (the client sets it), got ${describeValue(params[reserved])}`,
      );
    }
  }
  if (options.messages !== undefined) checkFunction('messages', options.messages);
  if (options.parseOutput !== undefined) checkFunction('parseOutput', options.parseOutput);
  const timeoutMs = options.timeoutMs === undefined ? undefined : checkDuration('timeoutMs', options.timeoutMs, true);
  const toMessages = options.messages ?? defaultMessages;
  const parseOutput = options.parseOutput ?? defaultOutput;
  /** Until when (ms since the epoch) the endpoint said its request or token budget is spent. */
  let budgetResetAt = 0;

  const completeOne = async (task: LlmTask, signal: AbortSignal | undefined): Promise<Outcome> => {
    let body: string;
    try {
      body = JSON.stringify({ ...params, model, messages: toMessages(task) });
    } catch (error) {
      throw new LlmRequestBuildError(
        `Expected the chat request of task \`${task.id}\` to serialize as JSON, got ${error instanceof Error ? error.message : describeValue(error)}`,
        error,
      );
    }
    let answer: Awaited<ReturnType<typeof postForText>>;
    try {
      answer = await postForText(href, headers, body, signal, timeoutMs);
    } catch (error) {
      if (error instanceof LlmAbortedError) throw error;
      return { kind: 'endpoint', error: error as LlmRequestError };
    }
    const { response, text } = answer;
    const now = Date.now();
    const reset = budgetReset(response.headers);
    if (reset !== undefined) budgetResetAt = Math.max(budgetResetAt, now + reset);
    if (!response.ok) {
      const retryAfterMs = parseRetryAfter(response.headers, now) ?? (response.status === 429 ? reset : undefined);
      const error = new LlmHttpError(response.status, errorText(text), retryAfterMs, href);
      if (response.status === 429) return { kind: 'rate-limited', error, retryAfterMs };
      if (isRetryableStatus(response.status)) return { kind: 'endpoint', error };
      // a 4xx: this task's own fault (a prompt too long, a bad parameter); the batcher fails it at once
      return {
        kind: 'item',
        item: { id: task.id, error: { message: error.message, status: response.status, retryable: false } },
      };
    }
    let completion: unknown;
    try {
      completion = JSON.parse(text);
    } catch {
      return {
        kind: 'item',
        item: { id: task.id, error: { message: `Expected a JSON body from ${href}, got ${describeValue(text)}` } },
      };
    }
    try {
      return { kind: 'item', item: { id: task.id, output: parseOutput(completion, task) } };
    } catch (error) {
      const terminal = error instanceof ChatRefusal;
      return {
        kind: 'item',
        item: {
          id: task.id,
          error: {
            message: error instanceof Error ? error.message : describeValue(error),
            ...(terminal ? { retryable: false } : {}),
          },
        },
      };
    }
  };

  return {
    async complete(tasks, context) {
      const signal = context?.signal;
      const waitMs = budgetResetAt - Date.now();
      if (waitMs > 0) {
        throw new LlmRateLimitError(
          `Expected ${href} to have request and token budget left, but its x-ratelimit headers say it resets in ${Math.ceil(waitMs)} ms`,
          { retryAfterMs: waitMs },
        );
      }
      const outcomes = await Promise.all(tasks.map((task) => completeOne(task, signal)));
      if (signal?.aborted) throw new LlmAbortedError();
      return collect(outcomes, tasks);
    },
  };
}

/** Turns the per-task outcomes into the batch's answer, or one error when every task failed alike. */
function collect(outcomes: readonly Outcome[], tasks: readonly LlmTask[]): LlmBatchResponse {
  const limited = outcomes.filter((o) => o.kind === 'rate-limited');
  if (limited.length === outcomes.length) {
    const waits = limited.map((o) => o.retryAfterMs).filter((ms): ms is number => ms !== undefined);
    throw new LlmRateLimitError(limited[0]!.error.message, {
      ...(waits.length > 0 ? { retryAfterMs: Math.max(...waits) } : {}),
      cause: limited[0]!.error,
    });
  }
  const failed = outcomes.find((o) => o.kind === 'endpoint');
  if (failed && outcomes.every((o) => o.kind === 'endpoint' || o.kind === 'rate-limited')) throw failed.error;
  return {
    results: outcomes.map((outcome, index): LlmItemResult => {
      const id = tasks[index]!.id;
      if (outcome.kind === 'item') return outcome.item;
      const { error } = outcome;
      return {
        id,
        error: {
          message: error.message,
          ...(error.status === undefined ? {} : { status: error.status }),
          ...(outcome.kind === 'rate-limited' && outcome.retryAfterMs !== undefined
            ? { retryAfterMs: outcome.retryAfterMs }
            : {}),
        },
      };
    }),
  };
}

/** The default `messages`: see {@link OpenAiChatClientOptions.messages}. */
function defaultMessages(task: LlmTask): readonly ChatMessage[] {
  const payload = task.payload;
  if (typeof payload === 'string') return [{ role: 'user', content: payload }];
  if (typeof payload === 'object' && payload !== null) {
    const { messages, prompt, system } = payload as { messages?: unknown; prompt?: unknown; system?: unknown };
    if (Array.isArray(messages)) return messages as ChatMessage[];
    if (typeof prompt === 'string') {
      return typeof system === 'string'
        ? [
            { role: 'system', content: system },
            { role: 'user', content: prompt },
          ]
        : [{ role: 'user', content: prompt }];
    }
  }
  return [{ role: 'user', content: JSON.stringify(payload) ?? '' }];
}

/** The model declined (a refusal or a content filter): asking again gives the same answer. */
class ChatRefusal extends Error {}

/** The default `parseOutput`: see {@link OpenAiChatClientOptions.parseOutput}. */
function defaultOutput(completion: unknown): unknown {
  const choice = (completion as { choices?: unknown[] } | null)?.choices?.[0] as
    | { message?: { content?: unknown; refusal?: unknown }; finish_reason?: unknown }
    | undefined;
  const message = choice?.message;
  if (typeof message?.refusal === 'string' && message.refusal !== '') {
    throw new ChatRefusal(`The model refused: ${message.refusal}`);
  }
  if (choice?.finish_reason === 'content_filter') throw new ChatRefusal('The answer was withheld by a content filter');
  if (typeof message?.content !== 'string') {
    throw new LlmResponseError(
      `Expected a chat completion with choices[0].message.content, got ${describeValue(completion)}`,
    );
  }
  return message.content;
}

/** The error text of a non-2xx answer: OpenAI's `{ error: { message } }`, else the body. */
function errorText(text: string): string {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } } | null)?.error?.message;
    if (typeof message === 'string') return message;
  } catch {
    // not JSON: the body as it came
  }
  return text;
}

/**
 * When the endpoint's budget is spent (`x-ratelimit-remaining-requests` or `-tokens` is `0`), how
 * long until it resets, from `x-ratelimit-reset-requests` / `-tokens` (`1s`, `6m0s`, `20ms`).
 */
function budgetReset(headers: Headers): number | undefined {
  let wait: number | undefined;
  for (const kind of ['requests', 'tokens']) {
    if (headers.get(`x-ratelimit-remaining-${kind}`)?.trim() !== '0') continue;
    const reset = parseResetDuration(headers.get(`x-ratelimit-reset-${kind}`));
    if (reset !== undefined) wait = Math.max(wait ?? 0, reset);
  }
  return wait;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Reads OpenAI's reset durations (`1s`, `6m0s`, `1h2m3.5s`, `20ms`, or bare seconds); clamped to one hour. */
function parseResetDuration(value: string | null): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  if (!/^(\d+(\.\d+)?(ms|h|m|s))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) total += Number(amount) * UNIT_MS[unit!]!;
  return Math.min(total, MAX_RETRY_AFTER_MS);
}
