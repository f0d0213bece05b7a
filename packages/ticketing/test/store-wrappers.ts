import type { TicketingStore } from '../src/index.js';

/** A deterministic PRNG for tests (mulberry32). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Wraps a store so every call yields to other tasks a random number of times before and after it:
 * concurrent operations interleave at every store boundary, as they would against a remote database.
 */
export function jitteryStore(inner: TicketingStore, random: () => number): TicketingStore {
  return interleaved(inner, random);
}

/** {@link jitteryStore} for any object of async methods (a ledger backend, a store, an allocator). */
export function interleaved<T extends object>(inner: T, random: () => number): T {
  return aroundEveryCall(inner, async () => {
    const n = Math.floor(random() * 4);
    for (let i = 0; i < n; i++) await Promise.resolve();
  });
}

/**
 * Wraps a store so every call (the allocation engine's too) takes `turns` real macrotask turns
 * before and after it, as a network round trip does: work in flight is invisible to a scheduler
 * that only drains microtasks.
 */
export function roundTripStore(inner: TicketingStore, turns: number): TicketingStore {
  return aroundEveryCall(inner, async () => {
    for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  });
}

/** Runs `pause` before and after every method call of `inner` (and of the allocators it opens). */
function aroundEveryCall<U extends object>(inner: U, pause: () => Promise<void>): U {
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      // the allocation engine's calls are store calls too
      if (property === 'openAllocator') {
        return (context: unknown) => aroundEveryCall(value.call(target, context), pause);
      }
      return async (...args: unknown[]) => {
        await pause();
        const result = await value.apply(target, args);
        await pause();
        return result;
      };
    },
  });
}

/** Where a {@link faultyStore} fails: the `failAt`-th store call after arming, before or after it takes effect. */
export interface FaultPlan {
  armed: boolean;
  failAt: number;
  mode: 'before' | 'after';
  calls: number;
  /** Method names called while armed, for messages. */
  log: string[];
}

/** Wraps a store to throw ("crash") at one chosen call: `before` it reaches the store, or `after` it was applied. */
export function faultyStore(inner: TicketingStore, plan: FaultPlan): TicketingStore {
  return faulty(inner, plan);
}

function faulty<T extends object>(inner: T, plan: FaultPlan): T {
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      // the allocation engine's calls are store calls too
      if (property === 'openAllocator') return (context: unknown) => faulty(value.call(target, context), plan);
      return async (...args: unknown[]) => {
        if (!plan.armed) return value.apply(target, args);
        plan.calls++;
        plan.log.push(String(property));
        const fail = plan.calls === plan.failAt;
        if (fail && plan.mode === 'before') throw new Error(`injected crash before ${String(property)}`);
        const result = await value.apply(target, args);
        if (fail) throw new Error(`injected crash after ${String(property)}`);
        return result;
      };
    },
  });
}
