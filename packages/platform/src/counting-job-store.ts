import type { ItemSettlement, JobStore } from '@x/llm-batcher';

/** Accepted final result writes (`succeeded` or `failed` settlements) per task id. */
export type ResultWriteCounts = Map<string, number>;

/**
 * Wraps a job store to count, per task, the final result writes the store accepted: the evidence
 * that no task's result is written twice, whatever the fleet and the retries did. Every other
 * method passes through unchanged.
 */
export function countResultWrites(store: JobStore, counts: ResultWriteCounts): JobStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'settleItem') {
        return async (jobId: string, taskId: string, leaseId: string, settlement: ItemSettlement) => {
          const accepted = await target.settleItem(jobId, taskId, leaseId, settlement);
          if (accepted && (settlement.state === 'succeeded' || settlement.state === 'failed')) {
            counts.set(taskId, (counts.get(taskId) ?? 0) + 1);
          }
          return accepted;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
