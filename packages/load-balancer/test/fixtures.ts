import { type ExecuteContext, LoadBalancer, type LoadBalancerOptions, type WorkerSpec } from '../src/index.js';
import { ManualClock } from '../src/testing.js';

/** A task handed to a controllable worker: the test settles it by hand. */
export interface Held<T> {
  readonly task: T;
  readonly context: ExecuteContext;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * A worker whose `execute` calls wait until the test resolves them, recording every call and
 * the most tasks it ever had in flight at once.
 */
export function heldWorker<T>(id: string, capacity: number, extra: Partial<WorkerSpec<T, unknown>> = {}) {
  const held: Held<T>[] = [];
  const calls: T[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  // `never` results: the spec fits a balancer of any Result type (the test decides the values)
  const spec: WorkerSpec<T, never> = {
    id,
    capacity,
    ...extra,
    execute(task, context) {
      calls.push(task);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise<never>((resolve, reject) => {
        held.push({
          task,
          context,
          resolve: (value) => {
            inFlight--;
            resolve(value as never);
          },
          reject: (error) => {
            inFlight--;
            reject(error);
          },
        });
      });
    },
  };
  return {
    spec,
    held,
    calls,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    /** Resolves the oldest held call with `value` (default: its task). */
    next(value?: unknown) {
      const call = held.shift();
      if (!call) throw new Error(`worker ${id} has nothing in flight`);
      call.resolve(value === undefined ? call.task : value);
      return call;
    },
  };
}

/** Lets pending promise callbacks run. */
export async function flush(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Records how a promise settled without leaving it unhandled. */
export function track<T>(promise: Promise<T>) {
  const outcome: { status: 'pending' | 'fulfilled' | 'rejected'; value?: T; error?: unknown } = { status: 'pending' };
  promise.then(
    (value) => {
      outcome.status = 'fulfilled';
      outcome.value = value;
    },
    (error) => {
      outcome.status = 'rejected';
      outcome.error = error;
    },
  );
  return outcome;
}

/** A balancer on a manual clock, heartbeats every 1 s and a 3 s heartbeat timeout unless `options` says otherwise. */
export function manualBalancer(options: LoadBalancerOptions<number> = {}) {
  const clock = new ManualClock();
  const lb = new LoadBalancer<number, unknown>({
    clock,
    heartbeatIntervalMs: 1000,
    heartbeatTimeoutMs: 3000,
    ...options,
  });
  return { clock, lb };
}
