import { memoryStore } from '../src/index.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('memoryStore', () => memoryStore());
