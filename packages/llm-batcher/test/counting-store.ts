import type { ItemSettlement, JobStore } from '../src/index.js';

/** A JobStore wrapper that counts accepted and rejected writes, per task and state. */
export interface CountingStore extends JobStore {
  /** Accepted `succeeded` writes per task id. */
  readonly succeededWrites: Map<string, number>;
  /** Accepted `failed` writes per task id. */
  readonly failedWrites: Map<string, number>;
  /** Writes rejected because the lease was lost. */
  rejectedWrites: number;
}

export function countingStore(inner: JobStore): CountingStore {
  const succeededWrites = new Map<string, number>();
  const failedWrites = new Map<string, number>();
  const wrapper: CountingStore = {
    succeededWrites,
    failedWrites,
    rejectedWrites: 0,
    createJob: (job) => inner.createJob(job),
    getJob: (id) => inner.getJob(id),
    transitionJob: (id, from, to, now) => inner.transitionJob(id, from, to, now),
    claimItems: (id, options) => inner.claimItems(id, options),
    renewLease: (id, taskIds, leaseId, at) => inner.renewLease(id, taskIds, leaseId, at),
    async settleItem(jobId: string, taskId: string, leaseId: string, settlement: ItemSettlement) {
      const written = await inner.settleItem(jobId, taskId, leaseId, settlement);
      if (!written) wrapper.rejectedWrites++;
      else if (settlement.state === 'succeeded') succeededWrites.set(taskId, (succeededWrites.get(taskId) ?? 0) + 1);
      else if (settlement.state === 'failed') failedWrites.set(taskId, (failedWrites.get(taskId) ?? 0) + 1);
      return written;
    },
    cancelItems: (id, now) => inner.cancelItems(id, now),
    countItems: (id) => inner.countItems(id),
    listItems: (id, options) => inner.listItems(id, options),
  };
  return wrapper;
}

/** `count` tasks `t-0` … `t-(count-1)` with small JSON payloads. */
export function makeTasks(count: number, prefix = 't-') {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}${i}`,
    payload: { n: i, text: `task number ${i}` },
  }));
}
