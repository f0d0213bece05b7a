import { describe } from 'vitest';
import { memoryJobStore } from '../src/index.js';
import { storeContract } from './store-contract.js';

describe('memoryJobStore: JobStore contract', () => {
  storeContract(() => memoryJobStore());
});
