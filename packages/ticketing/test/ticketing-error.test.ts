import { expect, it } from 'vitest';
import { TicketingError } from '../src/index.js';

it('TicketingError is an Error with its own name', () => {
  const error = new TicketingError('sold out');
  expect(error).toBeInstanceOf(Error);
  expect(error.name).toBe('TicketingError');
});
