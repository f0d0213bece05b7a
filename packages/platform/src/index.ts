/**
 * `@x/platform`: the x libraries composed. {@link createLlmFleet} spreads `@x/llm-batcher`'s
 * requests over several LLM endpoints through `@x/load-balancer`; the package also ships the `x`
 * command-line tool and the end-to-end demo (`x demo`), and re-exports the five libraries as
 * namespaces, documented on their own pages:
 *
 * | namespace | package |
 * |---|---|
 * | `clock` | {@link "@x/clock" | @x/clock} |
 * | `lca` | {@link "@x/tree-lca" | @x/tree-lca} |
 * | `lb` | {@link "@x/load-balancer" | @x/load-balancer} |
 * | `ticketing` | {@link "@x/ticketing" | @x/ticketing} |
 * | `batcher` | {@link "@x/llm-batcher" | @x/llm-batcher} |
 *
 * @packageDocumentation
 */
/** `@x/clock`, re-exported: see its own page. @hidden */
export * as clock from '@x/clock';
/** `@x/llm-batcher`, re-exported: see its own page. @hidden */
export * as batcher from '@x/llm-batcher';
/** `@x/load-balancer`, re-exported: see its own page. @hidden */
export * as lb from '@x/load-balancer';
/** `@x/ticketing`, re-exported: see its own page. @hidden */
export * as ticketing from '@x/ticketing';
/** `@x/tree-lca`, re-exported: see its own page. @hidden */
export * as lca from '@x/tree-lca';
export { FleetArgumentError, FleetOptionsError, PlatformError } from './fleet-error.js';
export type { EndpointStateEvent, FailoverEvent, LlmFleetEvents } from './fleet-events.js';
export type { LlmEndpoint, LlmEndpointStats, LlmFleetOptions, LlmFleetStats } from './llm-fleet.js';
export { createLlmFleet, LlmFleet } from './llm-fleet.js';
