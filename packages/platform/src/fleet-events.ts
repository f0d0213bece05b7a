/**
 * An endpoint of the fleet changed state (`active`, `overloaded`, `unreachable`, ...), with the
 * load balancer's reason: `'retry-after'` after a 429, `'ejected'` after consecutive 5xx or network
 * errors, `'health-check-failed'`, `'recovered'`, ... An endpoint that is merely full (all its
 * `concurrency` slots busy, the balancer's `at-capacity`) is not a state change here: a busy
 * endpoint would otherwise flip on nearly every request. `from` is the state last reported.
 *
 * @example
 * ```ts
 * fleet.on('endpoint-state', (e) => console.log(`${e.endpointId}: ${e.from} → ${e.to} (${e.reason})`));
 * ```
 */
export interface EndpointStateEvent {
  /** The endpoint's id. */
  readonly endpointId: string;
  /** The state it left. */
  readonly from: string;
  /** The state it entered. */
  readonly to: string;
  /** Why, as the load balancer reports it. */
  readonly reason: string;
  /** When, by the fleet's clock (ms). */
  readonly at: number;
}

/**
 * A batch request moved away from an endpoint: it failed there (5xx, connection error, timeout,
 * endpoint declared unreachable) and goes to another endpoint (`kind: 'failover'`), or the endpoint
 * answered 429 and the batch goes elsewhere without counting an attempt (`kind: 'rate-limited'`).
 *
 * @example
 * ```ts
 * fleet.on('failover', (e) => console.warn(`batch left ${e.endpointId} (${e.kind}): ${e.message}`));
 * ```
 */
export interface FailoverEvent {
  /** The endpoint the batch left. */
  readonly endpointId: string;
  /** `'failover'` after an endpoint failure, `'rate-limited'` after a 429. */
  readonly kind: 'failover' | 'rate-limited';
  /** The attempt (1-based) that ended there. */
  readonly attempt: number;
  /** What the endpoint did, in one line. */
  readonly message: string;
  /** For `'rate-limited'`: how long the endpoint gets no new requests (its Retry-After), in ms. */
  readonly retryAfterMs?: number;
}

/**
 * Every event `fleet.on` accepts, with its payload type.
 *
 * @example
 * ```ts
 * const log = <E extends keyof LlmFleetEvents>(event: E) => fleet.on(event, (payload) => console.log(event, payload));
 * ```
 */
export interface LlmFleetEvents {
  /** An endpoint changed state (not counting the `at-capacity` flapping of a merely busy endpoint). */
  'endpoint-state': EndpointStateEvent;
  /** A batch request left an endpoint after a failure or a 429 and goes to another one. */
  failover: FailoverEvent;
}
