import { expect, it } from 'vitest';
import { LoadBalancerError } from '../src/index.js';

it('LoadBalancerError is an Error with its own name', () => {
  const error = new LoadBalancerError('queue is full');
  expect(error).toBeInstanceOf(Error);
  expect(error.name).toBe('LoadBalancerError');
  expect(error.message).toBe('queue is full');
});
