import { describe, expect, it } from 'vitest';
import { unknownOptionsMessage } from '../src/index.js';

describe('unknownOptionsMessage', () => {
  const known = ['maxQueueSize', 'heartbeatIntervalMs', 'retry'];

  it('is undefined when every key is known', () => {
    expect(unknownOptionsMessage('LoadBalancer', { retry: {} }, known)).toBeUndefined();
    expect(unknownOptionsMessage('LoadBalancer', {}, known)).toBeUndefined();
  });

  it('names the unknown key, suggests the near one and lists the valid ones', () => {
    expect(unknownOptionsMessage('LoadBalancer', { maxQueSize: 5 }, known)).toBe(
      'Unknown option `maxQueSize` (did you mean `maxQueueSize`?) in `LoadBalancer` options; valid options are `maxQueueSize`, `heartbeatIntervalMs`, `retry`',
    );
    expect(unknownOptionsMessage('x', { heartbeatIntervalMS: 1 }, known)).toContain(
      'did you mean `heartbeatIntervalMs`?',
    );
  });

  it('names several unknown keys and does not suggest far ones', () => {
    const message = unknownOptionsMessage('x', { a: 1, zzzzzz: 2 }, known)!;
    expect(message).toMatch(/^Unknown options `a`, `zzzzzz` in/);
    expect(message).not.toContain('did you mean');
  });

  it('reads keys without calling getters', () => {
    let called = false;
    const options = Object.defineProperty({}, 'retry', {
      enumerable: true,
      get() {
        called = true;
        return 1;
      },
    });
    expect(unknownOptionsMessage('x', options, known)).toBeUndefined();
    expect(called).toBe(false);
  });
});
