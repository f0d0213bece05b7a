import type { LoadBalancerEvents, LoadBalancerListener } from './events.js';

type Listeners = { [E in keyof LoadBalancerEvents]?: Array<LoadBalancerListener<E>> };

/**
 * The balancer's listeners. A listener that throws does not disturb the balancer: the error is
 * rethrown asynchronously. Once closed (`shutdown()` resolved) nothing is emitted any more.
 */
export class EventHub {
  readonly #listeners: Listeners = {};
  #closed = false;

  /** Whether anyone listens to `event` (so the caller can skip building its payload). */
  wants(event: keyof LoadBalancerEvents): boolean {
    const listeners = this.#listeners[event];
    return listeners !== undefined && listeners.length > 0 && !this.#closed;
  }

  on<E extends keyof LoadBalancerEvents>(event: E, listener: LoadBalancerListener<E>): void {
    const listeners = (this.#listeners[event] ?? []) as Array<LoadBalancerListener<E>>;
    (this.#listeners as Record<string, unknown>)[event] = [...listeners, listener];
  }

  off<E extends keyof LoadBalancerEvents>(event: E, listener: LoadBalancerListener<E>): void {
    const listeners = this.#listeners[event] as Array<LoadBalancerListener<E>> | undefined;
    if (listeners === undefined) return;
    (this.#listeners as Record<string, unknown>)[event] = listeners.filter((other) => other !== listener);
  }

  emit<E extends keyof LoadBalancerEvents>(event: E, payload: LoadBalancerEvents[E]): void {
    const listeners = this.#listeners[event] as Array<LoadBalancerListener<E>> | undefined;
    if (listeners === undefined || this.#closed) return;
    for (const listener of listeners) {
      try {
        listener(payload);
      } catch (error) {
        this.reportError(error);
      }
    }
  }

  /** From now on no event is emitted (the balancer's `shutdown()` has resolved). */
  close(): void {
    this.#closed = true;
  }

  /** Surfaces an error thrown by user code (a listener, `retryOn`) without disturbing the balancer. */
  reportError(error: unknown): void {
    queueMicrotask(() => {
      throw error;
    });
  }
}
