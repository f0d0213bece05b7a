export * as clock from '@x/clock';
export * as batcher from '@x/llm-batcher';
export * as lb from '@x/load-balancer';
export * as ticketing from '@x/ticketing';
export * as lca from '@x/tree-lca';
export { FleetArgumentError, FleetOptionsError, PlatformError } from './fleet-error.js';
export type { EndpointStateEvent, FailoverEvent, LlmFleetEvents } from './fleet-events.js';
export type { LlmEndpoint, LlmEndpointStats, LlmFleetOptions, LlmFleetStats } from './llm-fleet.js';
export { createLlmFleet, LlmFleet } from './llm-fleet.js';
