import type { EndpointStateEvent, FailoverEvent } from './fleet-events.js';
import type { LlmFleet } from './llm-fleet.js';
import { formatDuration } from './progress-display.js';

/**
 * Turns a fleet's events into log lines a person can follow: state changes with their reasons,
 * 429 cool-downs and failovers. Every state change the fleet reports is printed (it does not report
 * a busy endpoint's capacity flips); of the per-batch lines (429s, failovers), at most
 * `maxLinesPerEndpoint` per endpoint are, the rest only counted in the fleet's stats.
 *
 * Returns a function that stops listening.
 */
export function logFleetEvents(
  fleet: LlmFleet,
  log: (line: string) => void,
  options: { maxLinesPerEndpoint?: number; startedAt?: number; indent?: string } = {},
): () => void {
  const max = options.maxLinesPerEndpoint ?? Number.POSITIVE_INFINITY;
  const start = options.startedAt ?? performance.now();
  const indent = options.indent ?? '';
  const lines = new Map<string, number>();
  const print = (text: string) => log(`${indent}[${formatDuration(performance.now() - start)}] ${text}`);
  const emitCapped = (endpointId: string, text: string) => {
    const count = (lines.get(endpointId) ?? 0) + 1;
    lines.set(endpointId, count);
    if (count <= max) print(text);
    else if (count === max + 1) {
      log(`${indent}... further 429s and failovers of ${endpointId} are counted in the report, not shown`);
    }
  };
  const onState = (event: EndpointStateEvent) => {
    print(`${event.endpointId}: ${event.from} → ${event.to} (${event.reason})`);
  };
  const onFailover = (event: FailoverEvent) => {
    if (event.kind === 'rate-limited') {
      emitCapped(
        event.endpointId,
        `${event.endpointId}: 429, no new requests for ${formatDuration(event.retryAfterMs)}; batch sent elsewhere`,
      );
    } else {
      emitCapped(
        event.endpointId,
        `${event.endpointId}: batch failed over (attempt ${event.attempt}): ${event.message}`,
      );
    }
  };
  const offState = fleet.on('endpoint-state', onState);
  const offFailover = fleet.on('failover', onFailover);
  return () => {
    offState();
    offFailover();
  };
}
