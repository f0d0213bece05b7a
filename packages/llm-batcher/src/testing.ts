/**
 * `@x/llm-batcher/testing`: a mock LLM service for tests and demos, kept off the main entry so that
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
export type {
  MockLlmServer,
  MockLlmServerOptions,
  MockLlmServerStats,
  MockRateLimit,
} from './mock-llm-server.js';
export { startMockLlmServer } from './mock-llm-server.js';
