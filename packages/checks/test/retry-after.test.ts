import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from '../src/index.js';

/**
 * The one table of `Retry-After` behaviour. @x/load-balancer's httpWorker and @x/llm-batcher's
 * clients use this parser, so this table is what both promise.
 */
const NOW = Date.parse('Wed, 21 Oct 2015 07:27:00 GMT');
const table: [Record<string, string>, number | undefined][] = [
  [{}, undefined],
  [{ 'retry-after': '2' }, 2000],
  [{ 'Retry-After': '2' }, 2000],
  [{ 'retry-after': ' 2 ' }, 2000],
  [{ 'retry-after': '1.5' }, 1500],
  [{ 'retry-after': '0' }, 0],
  [{ 'retry-after': '-1' }, undefined],
  [{ 'retry-after': '1e3' }, undefined],
  [{ 'retry-after': '' }, undefined],
  [{ 'retry-after': 'soon' }, undefined],
  [{ 'retry-after': '99999999' }, MAX_RETRY_AFTER_MS],
  [{ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }, 60_000],
  [{ 'retry-after': 'Wed, 21 Oct 2015 07:00:00 GMT' }, 0],
  [{ 'retry-after': 'Wed, 21 Oct 2099 07:28:00 GMT' }, MAX_RETRY_AFTER_MS],
  [{ 'retry-after-ms': '250' }, 250],
  [{ 'retry-after-ms': '250.5', 'retry-after': '9' }, 250.5],
  [{ 'retry-after-ms': 'x', 'retry-after': '9' }, 9000],
  [{ 'retry-after-ms': '1e3' }, undefined],
];

describe('parseRetryAfter', () => {
  it.each(table)('reads %j as %s ms', (headers, ms) => {
    expect(parseRetryAfter(headers, NOW)).toBe(ms);
    expect(parseRetryAfter(new Headers(headers), NOW)).toBe(ms);
  });

  it('takes the first of repeated Node headers and honours a lower cap', () => {
    expect(parseRetryAfter({ 'retry-after': ['3', '4'] }, NOW)).toBe(3000);
    expect(parseRetryAfter({ 'retry-after': '120' }, NOW, 10_000)).toBe(10_000);
  });
});
