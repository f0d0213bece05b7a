/**
 * `@x/llm-batcher`: jobs of up to 5000 tasks sent to an LLM service 10 per request, with
 * retries, rate limits, poison-task isolation, cancellation, crash recovery and exactly-once
 * result writes. Start with {@link createBatcher}. The MongoDB task source and job store are on
 * `@x/llm-batcher/mongodb`, a mock LLM service for tests on `@x/llm-batcher/testing`.
 *
 * @packageDocumentation
 */
export type {
  Batcher,
  BatcherOptions,
  CreateJobInput,
  RateLimitOptions,
  RunJobOptions,
} from './batcher.js';
export { createBatcher, MAX_BATCH_SIZE, MAX_JOB_TASKS } from './batcher.js';
export {
  BatcherError,
  EmptyJobError,
  InvalidArgumentError,
  InvalidPayloadError,
  JobNotFoundError,
  JobStateError,
  JobTooLargeError,
  type PayloadProblem,
  TaskNotFoundError,
} from './batcher-error.js';
export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
export type { HttpLlmClientOptions } from './http-llm-client.js';
export { httpLlmClient } from './http-llm-client.js';
export type {
  JobInfo,
  JobProgress,
  JobRecord,
  JobReport,
  JobState,
  TaskAttemptError,
  TaskErrorCode,
  TaskResult,
  TaskState,
} from './job.js';
export { FINAL_JOB_STATES } from './job.js';
export type {
  ClaimOptions,
  ItemCounts,
  ItemSettlement,
  JobItemRecord,
  JobStore,
  ListItemsOptions,
  NewJob,
} from './job-store.js';
export type {
  LlmBatchResponse,
  LlmClient,
  LlmItemResult,
  LlmRequestContext,
} from './llm-client.js';
export type { LlmErrorClassification } from './llm-request-error.js';
export {
  classifyLlmError,
  isRetryableStatus,
  LlmAbortedError,
  LlmClientError,
  LlmHttpError,
  LlmNetworkError,
  LlmRateLimitError,
  LlmRequestBuildError,
  LlmRequestError,
  LlmResponseError,
  LlmTimeoutError,
} from './llm-request-error.js';
export { memoryJobStore } from './memory-job-store.js';
export { memoryTaskSource } from './memory-task-source.js';
export type { ChatMessage, OpenAiChatClientOptions } from './openai-chat-client.js';
export { openAiChatClient } from './openai-chat-client.js';
export { type HeaderSource, MAX_RETRY_AFTER_MS, parseRetryAfter } from './retry-after.js';
export type { RetryOptions } from './retry-policy.js';
export type { LlmTask, TaskFilter, TaskSource } from './task.js';
