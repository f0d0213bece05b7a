import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, memoryJobStore } from '../src/index.js';
import { storeContract } from './store-contract.js';

describe('memoryJobStore: JobStore contract', () => {
  storeContract(() => memoryJobStore());
});

describe('memoryJobStore input checks', () => {
  it('rejects a reused job id and duplicate task ids', async () => {
    const store = memoryJobStore();
    await store.createJob({ id: 'j', createdAt: 0, tasks: [{ id: 'a', payload: 1 }] });
    await expect(store.createJob({ id: 'j', createdAt: 0, tasks: [{ id: 'b', payload: 1 }] })).rejects.toThrow(
      new InvalidArgumentError('Expected a new job id, got `j` which exists'),
    );
    await expect(
      store.createJob({
        id: 'k',
        createdAt: 0,
        tasks: [
          { id: 'a', payload: 1 },
          { id: 'a', payload: 2 },
        ],
      }),
    ).rejects.toThrow(new InvalidArgumentError('Expected distinct task ids, got `a` twice'));
  });
});
