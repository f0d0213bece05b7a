export { BatcherError } from './batcher-error.js';
