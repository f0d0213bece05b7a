import { expect, it } from 'vitest';
import { firstOutputs } from '../src/index.js';

it('prints one working line per package', () => {
  const lines = firstOutputs();
  expect(lines).toHaveLength(5);
  expect(lines[0]).toContain('157.5');
  expect(lines[1]).toContain('= left');
});
