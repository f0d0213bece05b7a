import { expect, it } from 'vitest';
import { BatcherError } from '../src/index.js';

it('BatcherError is an Error with its own name', () => {
  const error = new BatcherError('job too large');
  expect(error).toBeInstanceOf(Error);
  expect(error.name).toBe('BatcherError');
});
