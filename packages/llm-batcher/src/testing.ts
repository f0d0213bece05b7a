/**
 * `@x/llm-batcher/testing`: a mock LLM batch service and a mock OpenAI-compatible chat-completions
 * endpoint for tests and demos, kept off the main entry so that
 * production bundles do not carry it.
 *
 * @example
 * ```ts
 * import { startMockLlmServer } from '@x/llm-batcher/testing';
 *
 * const server = await startMockLlmServer({ failureRate: 0.1 });
 * console.log(server.url); // http://127.0.0.1:PORT/batch
 * await server.close();
 * ```
 *
 * @packageDocumentation
 */
export type { MockChatAnswer, MockChatRequest, MockChatServer, MockChatServerOptions } from './mock-chat-server.js';
export { startMockChatServer } from './mock-chat-server.js';
export type {
  MockLlmServer,
  MockLlmServerOptions,
  MockLlmServerStats,
  MockRateLimit,
} from './mock-llm-server.js';
export { startMockLlmServer } from './mock-llm-server.js';
