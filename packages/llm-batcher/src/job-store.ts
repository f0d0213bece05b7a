import type { JobRecord, JobState, TaskAttemptError, TaskState } from './job.js';
import type { LlmTask } from './task.js';

/**
 * One task inside a job, as the store keeps it.
 *
 * @example
 * ```ts
 * const [item] = await store.claimItems(jobId, { leaseId, now, leaseMs: 60_000, limit: 1 });
 * console.log(item?.taskId, item?.attempts);
 * ```
 */
export interface JobItemRecord {
  /** The job it belongs to. */
  jobId: string;
  /** The task's id; unique within the job. */
  taskId: string;
  /** Its position in the job (0-based); claims go in this order. */
  seq: number;
  /** Snapshot of the task's payload taken when the job was created. */
  payload: unknown;
  /** Its state. */
  state: TaskState;
  /** Attempts made so far. */
  attempts: number;
  /** Errors met so far, oldest first. */
  errors: TaskAttemptError[];
  /** The output, once succeeded. */
  output?: unknown;
  /** The last error's message, once failed. */
  error?: string;
  /** The id of the lease holding it, while leased. */
  leaseId?: string;
  /** When that lease expires (ms, batcher clock), while leased. */
  leaseExpiresAt?: number;
  /** It may not be claimed before this time (ms): retry backoff or a 429 pause. */
  notBefore: number;
}

/**
 * What `JobStore.createJob` is given.
 *
 * @example
 * ```ts
 * await store.createJob({ id: 'job-1', createdAt: Date.now(), tasks: [{ id: 't1', payload: {} }] });
 * ```
 */
export interface NewJob {
  /** The new job's id. */
  id: string;
  /** A human-readable name. */
  name?: string;
  /** When set, a second `createJob` with the same key returns the first job instead. */
  idempotencyKey?: string;
  /** Creation time (ms). */
  createdAt: number;
  /** Distinct tasks, in order. */
  tasks: readonly LlmTask[];
}

/**
 * Options of `JobStore.claimItems`.
 *
 * @example
 * ```ts
 * const items = await store.claimItems(jobId, { leaseId: crypto.randomUUID(), now: Date.now(), leaseMs: 60_000, limit: 10 });
 * ```
 */
export interface ClaimOptions {
  /** The lease to put on the claimed items; result writes must present it. */
  leaseId: string;
  /** The current time (ms). */
  now: number;
  /** How long the lease lasts (ms). */
  leaseMs: number;
  /** At most this many items. */
  limit: number;
}

/**
 * The new state of a leased item, written only if the lease still holds.
 *
 * @example
 * ```ts
 * await store.settleItem(jobId, 't1', leaseId, { state: 'succeeded', output: 'ok', attempts: 1, errors: [], now });
 * ```
 */
export type ItemSettlement =
  | {
      /** The task succeeded; the item is final. */
      state: 'succeeded';
      /** The task's output, stored on the item. */
      output: unknown;
      /** Attempts made in total; replaces the item's count. */
      attempts: number;
      /** The item's whole error history, oldest first; replaces the stored list. */
      errors: TaskAttemptError[];
      /** When the runner settled the item (ms, batcher clock). */
      now: number;
    }
  | {
      /** The task failed for good (not retryable, or out of attempts); the item is final. */
      state: 'failed';
      /** The last error's message, stored on the item. */
      error: string;
      /** Attempts made in total; replaces the item's count. */
      attempts: number;
      /** The item's whole error history, oldest first; replaces the stored list. */
      errors: TaskAttemptError[];
      /** When the runner settled the item (ms, batcher clock). */
      now: number;
    }
  | {
      /** The item goes back to the pending pool to be claimed again (a retry, or work handed back by a stopping runner). */
      state: 'pending';
      /** It may not be claimed before this time (ms, batcher clock): the retry backoff, or `now` to make it claimable at once. */
      notBefore: number;
      /** Attempts made so far; replaces the item's count. */
      attempts: number;
      /** The item's whole error history, oldest first; replaces the stored list. */
      errors: TaskAttemptError[];
      /** When the runner settled the item (ms, batcher clock). */
      now: number;
    }
  | {
      /** The job was cancelled while the item was leased; the item is final. */
      state: 'cancelled';
      /** Attempts made so far; replaces the item's count. */
      attempts: number;
      /** The item's whole error history, oldest first; replaces the stored list. */
      errors: TaskAttemptError[];
      /** When the runner settled the item (ms, batcher clock). */
      now: number;
    };

/**
 * Counts of a job's items by state.
 *
 * @example
 * ```ts
 * const counts = await store.countItems(jobId);
 * const done = counts.pending + counts.leased === 0;
 * ```
 */
export interface ItemCounts {
  /** Items waiting to be sent. */
  pending: number;
  /** Items under a lease (live or expired). */
  leased: number;
  /** Items succeeded. */
  succeeded: number;
  /** Items failed for good. */
  failed: number;
  /** Items cancelled. */
  cancelled: number;
  /** Attempts over all items. */
  attempts: number;
}

/** The task counts callers see (in `JobInfo` and `JobProgress`), from a store's item counts. */
export function visibleCounts(counts: ItemCounts) {
  return {
    succeeded: counts.succeeded,
    failed: counts.failed,
    cancelled: counts.cancelled,
    pending: counts.pending,
    inFlight: counts.leased,
    attempts: counts.attempts,
  };
}

/**
 * Options of `JobStore.listItems`.
 *
 * @example
 * ```ts
 * const page = await store.listItems(jobId, { afterSeq: -1, limit: 500, states: ['succeeded'] });
 * ```
 */
export interface ListItemsOptions {
  /** Only items whose `seq` is greater than this; `-1` for the start. */
  afterSeq: number;
  /** At most this many items. */
  limit: number;
  /** Only items in these states (all when absent). */
  states?: readonly TaskState[];
}

/**
 * Durable state of jobs and of their tasks. Every method is one atomic, conditional operation per
 * item (no multi-item transactions), so several runner processes can share a store:
 * `claimItems` takes pending items (and items whose lease expired) under a new lease, and
 * `settleItem` writes only while that lease still holds, which makes every result write happen
 * exactly once. {@link memoryJobStore} and `mongoJobStore` (`@x/llm-batcher/mongodb`) implement it and pass the same
 * contract suite.
 *
 * @example
 * ```ts
 * import { createBatcher, memoryJobStore } from '@x/llm-batcher';
 * const store = memoryJobStore();
 * const batcher = createBatcher({ source, client, store });
 * ```
 */
export interface JobStore {
  /**
   * Creates a job and its items. If `idempotencyKey` is already used, returns that job and
   * `created: false` instead.
   */
  createJob(job: NewJob): Promise<{
    /** The job as stored: the new one, or the earlier job with the same `idempotencyKey`. */
    job: JobRecord;
    /** `true` if this call created the job, `false` if an earlier one with the same `idempotencyKey` exists. */
    created: boolean;
  }>;
  /** The job, or `undefined`. */
  getJob(jobId: string): Promise<JobRecord | undefined>;
  /**
   * Moves the job to `to` if its state is one of `from`; returns the updated record, or `undefined`
   * if the job is missing or in another state. Sets `startedAt` on the first move to `running` and
   * `finishedAt` on a move to a final state.
   */
  transitionJob(jobId: string, from: readonly JobState[], to: JobState, now: number): Promise<JobRecord | undefined>;
  /**
   * Leases up to `limit` claimable items: pending items whose `notBefore <= now`, and leased items
   * whose lease expired (`leaseExpiresAt <= now`). Items never tried come in `seq` order; items
   * handed back for a retry may come before or after fresher ones, depending on the adapter.
   */
  claimItems(jobId: string, options: ClaimOptions): Promise<JobItemRecord[]>;
  /** Pushes back the expiry of the items still held under `leaseId`; returns how many were. */
  renewLease(jobId: string, taskIds: readonly string[], leaseId: string, leaseExpiresAt: number): Promise<number>;
  /**
   * Writes the item's new state if it is still leased under `leaseId`; returns whether it was.
   * invariant: a `false` here means another runner owns the item now, so nothing was written.
   */
  settleItem(jobId: string, taskId: string, leaseId: string, settlement: ItemSettlement): Promise<boolean>;
  /** Cancels pending items and leased items whose lease expired; returns how many. */
  cancelItems(jobId: string, now: number): Promise<number>;
  /** Counts the job's items by state. */
  countItems(jobId: string): Promise<ItemCounts>;
  /** Items in `seq` order, for paging through results. */
  listItems(jobId: string, options: ListItemsOptions): Promise<JobItemRecord[]>;
}
