import { expect, it } from 'vitest';
import * as platform from '../src/index.js';

it('re-exports each package under its namespace, plus createLlmFleet', async () => {
  expect(platform.clock.clockAngle('3:45')).toBe(157.5);
  expect(platform.lca.lowestCommonAncestor({ r: ['a', 'b'], a: ['c'] }, 'c', 'b')).toBe('r');
  expect(new platform.lb.LoadBalancer()).toBeInstanceOf(platform.lb.LoadBalancer);
  const tix = platform.ticketing.createTicketing();
  await tix.createEvent({ id: 'e', name: 'E', capacity: 1 });
  expect((await tix.availability('e')).available).toBe(1);
  expect(platform.batcher.isRetryableStatus(503)).toBe(true);
  expect(typeof platform.createLlmFleet).toBe('function');
  expect(new platform.FleetOptionsError('x')).toBeInstanceOf(platform.PlatformError);
  // Nothing internal leaks: the CLI, the demo and the display are not part of the API.
  expect(Object.keys(platform).sort()).toEqual(
    [
      'FleetArgumentError',
      'FleetOptionsError',
      'LlmFleet',
      'PlatformError',
      'batcher',
      'clock',
      'createLlmFleet',
      'lb',
      'lca',
      'ticketing',
    ].sort(),
  );
});
