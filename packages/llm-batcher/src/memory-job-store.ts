import { InvalidArgumentError } from './batcher-error.js';
import { FINAL_JOB_STATES, type JobRecord, type JobState } from './job.js';
import type {
  ClaimOptions,
  ItemCounts,
  ItemSettlement,
  JobItemRecord,
  JobStore,
  ListItemsOptions,
  NewJob,
} from './job-store.js';
import type { LlmTask } from './task.js';

interface JobItems {
  byId: Map<string, JobItemRecord>;
  ordered: JobItemRecord[];
  /** Claimable or waiting for their retry time; a Set keeps insertion order, so claims are FIFO. */
  pending: Set<JobItemRecord>;
  leased: Set<JobItemRecord>;
  counts: ItemCounts;
}

/** A snapshot of the task's payload; what cannot be cloned is refused with a typed error, not a DataCloneError. */
function clonePayload(task: LlmTask): unknown {
  try {
    return structuredClone(task.payload);
  } catch (error) {
    throw new InvalidArgumentError(
      `Expected the payload of task \`${task.id}\` to be cloneable data, got ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function copyItem(item: JobItemRecord): JobItemRecord {
  return { ...item, errors: [...item.errors] };
}

class MemoryJobStore implements JobStore {
  readonly #jobs = new Map<string, JobRecord>();
  readonly #byKey = new Map<string, string>();
  readonly #items = new Map<string, JobItems>();

  async createJob(job: NewJob): Promise<{ job: JobRecord; created: boolean }> {
    if (job.idempotencyKey !== undefined) {
      const existing = this.#byKey.get(job.idempotencyKey);
      if (existing !== undefined) return { job: { ...this.#jobs.get(existing)! }, created: false };
    }
    if (this.#jobs.has(job.id)) throw new InvalidArgumentError(`Expected a new job id, got \`${job.id}\` which exists`);
    const record: JobRecord = {
      id: job.id,
      state: 'queued',
      total: job.tasks.length,
      createdAt: job.createdAt,
      updatedAt: job.createdAt,
      ...(job.name === undefined ? {} : { name: job.name }),
      ...(job.idempotencyKey === undefined ? {} : { idempotencyKey: job.idempotencyKey }),
    };
    const items: JobItems = {
      byId: new Map(),
      ordered: [],
      pending: new Set(),
      leased: new Set(),
      counts: { pending: 0, leased: 0, succeeded: 0, failed: 0, cancelled: 0, attempts: 0 },
    };
    job.tasks.forEach((task, seq) => {
      if (items.byId.has(task.id))
        throw new InvalidArgumentError(`Expected distinct task ids, got \`${task.id}\` twice`);
      const item: JobItemRecord = {
        jobId: job.id,
        taskId: task.id,
        seq,
        payload: clonePayload(task),
        state: 'pending',
        attempts: 0,
        errors: [],
        notBefore: 0,
      };
      items.byId.set(task.id, item);
      items.ordered.push(item);
      items.pending.add(item);
    });
    items.counts.pending = job.tasks.length;
    this.#jobs.set(job.id, record);
    this.#items.set(job.id, items);
    if (job.idempotencyKey !== undefined) this.#byKey.set(job.idempotencyKey, job.id);
    return { job: { ...record }, created: true };
  }

  async getJob(jobId: string): Promise<JobRecord | undefined> {
    const job = this.#jobs.get(jobId);
    return job ? { ...job } : undefined;
  }

  async transitionJob(
    jobId: string,
    from: readonly JobState[],
    to: JobState,
    now: number,
  ): Promise<JobRecord | undefined> {
    const job = this.#jobs.get(jobId);
    if (!job || !from.includes(job.state)) return undefined;
    job.state = to;
    job.updatedAt = now;
    if (to === 'running' && job.startedAt === undefined) job.startedAt = now;
    if (FINAL_JOB_STATES.includes(to)) job.finishedAt = now;
    return { ...job };
  }

  async claimItems(jobId: string, options: ClaimOptions): Promise<JobItemRecord[]> {
    const items = this.#items.get(jobId);
    if (!items || options.limit <= 0) return [];
    const claimed: JobItemRecord[] = [];
    const expiresAt = options.now + options.leaseMs;
    for (const item of items.pending) {
      if (claimed.length >= options.limit) break;
      if (item.notBefore > options.now) continue;
      items.pending.delete(item);
      items.counts.pending--;
      items.counts.leased++;
      items.leased.add(item);
      item.state = 'leased';
      item.leaseId = options.leaseId;
      item.leaseExpiresAt = expiresAt;
      claimed.push(copyItem(item));
    }
    if (claimed.length < options.limit) {
      for (const item of items.leased) {
        if (claimed.length >= options.limit) break;
        if (item.leaseExpiresAt! > options.now || item.leaseId === options.leaseId) continue;
        // an expired lease: re-leased, moved to the end of the leased set
        items.leased.delete(item);
        items.leased.add(item);
        item.leaseId = options.leaseId;
        item.leaseExpiresAt = expiresAt;
        claimed.push(copyItem(item));
      }
    }
    return claimed;
  }

  async renewLease(
    jobId: string,
    taskIds: readonly string[],
    leaseId: string,
    leaseExpiresAt: number,
  ): Promise<number> {
    const items = this.#items.get(jobId);
    if (!items) return 0;
    let renewed = 0;
    for (const taskId of taskIds) {
      const item = items.byId.get(taskId);
      if (item?.state === 'leased' && item.leaseId === leaseId) {
        item.leaseExpiresAt = leaseExpiresAt;
        renewed++;
      }
    }
    return renewed;
  }

  async settleItem(jobId: string, taskId: string, leaseId: string, settlement: ItemSettlement): Promise<boolean> {
    const item = this.#items.get(jobId)?.byId.get(taskId);
    // invariant: only the current lease holder writes; a stale runner's write changes nothing
    if (item?.state !== 'leased' || item.leaseId !== leaseId) return false;
    const items = this.#items.get(jobId)!;
    items.leased.delete(item);
    items.counts.leased--;
    items.counts.attempts += settlement.attempts - item.attempts;
    item.attempts = settlement.attempts;
    item.errors = [...settlement.errors];
    item.state = settlement.state;
    delete item.leaseId;
    delete item.leaseExpiresAt;
    switch (settlement.state) {
      case 'succeeded':
        item.output = settlement.output;
        items.counts.succeeded++;
        break;
      case 'failed':
        item.error = settlement.error;
        items.counts.failed++;
        break;
      case 'cancelled':
        items.counts.cancelled++;
        break;
      case 'pending':
        item.notBefore = settlement.notBefore;
        items.pending.add(item);
        items.counts.pending++;
        break;
    }
    return true;
  }

  async cancelItems(jobId: string, now: number): Promise<number> {
    const items = this.#items.get(jobId);
    if (!items) return 0;
    let cancelled = 0;
    for (const item of items.pending) {
      item.state = 'cancelled';
      cancelled++;
    }
    items.counts.pending = 0;
    items.pending.clear();
    for (const item of items.leased) {
      if (item.leaseExpiresAt! > now) continue;
      items.leased.delete(item);
      items.counts.leased--;
      item.state = 'cancelled';
      delete item.leaseId;
      delete item.leaseExpiresAt;
      cancelled++;
    }
    items.counts.cancelled += cancelled;
    return cancelled;
  }

  async countItems(jobId: string): Promise<ItemCounts> {
    const items = this.#items.get(jobId);
    return items ? { ...items.counts } : { pending: 0, leased: 0, succeeded: 0, failed: 0, cancelled: 0, attempts: 0 };
  }

  async listItems(jobId: string, options: ListItemsOptions): Promise<JobItemRecord[]> {
    const items = this.#items.get(jobId);
    if (!items) return [];
    const page: JobItemRecord[] = [];
    for (let seq = Math.max(0, Math.floor(options.afterSeq) + 1); seq < items.ordered.length; seq++) {
      if (page.length >= options.limit) break;
      const item = items.ordered[seq]!;
      if (options.states && !options.states.includes(item.state)) continue;
      page.push(copyItem(item));
    }
    return page;
  }
}

/**
 * An in-memory {@link JobStore}: the default. Fast and exact, but its jobs live only as long as
 * the process; use `mongoJobStore` (`@x/llm-batcher/mongodb`) to survive crashes and share a job between processes.
 * Share one instance between batchers to have several runners work a job in one process.
 *
 * @example
 * ```ts
 * import { createBatcher, memoryJobStore } from '@x/llm-batcher';
 * const store = memoryJobStore();
 * const batcher = createBatcher({ source, client, store });
 * ```
 */
export function memoryJobStore(): JobStore {
  return new MemoryJobStore();
}
