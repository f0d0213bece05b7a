// Issue #17, "go past this list": arbitrary command lines for the built `x` binary. Every run
// exits 0 with an answer (the library's answer, for `x clock`), or 1 or 2 with exactly one short
// line on stderr and no stack trace, in a time proportional to the arguments' size.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clockAngle } from '@x/clock';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runX } from './run-x.js';

const dir = mkdtempSync(join(tmpdir(), 'x-cli-fuzz-'));
const tree = join(dir, 'tree.json');
writeFileSync(tree, JSON.stringify({ r: ['a', '__proto__'], a: ['c', 'constructor'], __proto__: ['e'] }));
const notJson = join(dir, 'bad.json');
writeFileSync(notJson, '{"r": [');

const word = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.constantFrom('', ' ', '-', '--', '-h', '--help', '--version', '--verbose', '--json', '--=', '-1'),
  fc.nat(10).map((n) => '9'.repeat(n * 10_000)),
  fc.nat(10).map((n) => `--${'o'.repeat(n * 10_000)}`),
);
const time = fc.oneof(
  fc
    .tuple(fc.nat(30), fc.nat(70), fc.constantFrom('', ':05', ':59.5', ' PM', 'am', 'x'))
    .map(([h, m, tail]) => `${h}:${String(m).padStart(2, '0')}${tail}`),
  word,
);
const clockArgs = fc
  .tuple(
    time,
    fc.array(
      fc.oneof(
        fc.constantFrom(['--reflex'], ['--json'], ['--explain']),
        fc
          .tuple(fc.constantFrom('hour', 'minute', 'second', 'hours', ''), fc.constantFrom('hour', 'minute', 'second'))
          .map(([a, b]) => ['--hands', `${a},${b}`]),
        word.map((w) => ['--hands', w]),
        word.map((w) => [w]),
      ),
      { maxLength: 3 },
    ),
  )
  .map(([t, rest]) => ['clock', t, ...rest.flat()]);
const lcaArgs = fc
  .tuple(
    fc.constantFrom(tree, notJson, dir, join(dir, 'missing.json')),
    fc.constantFrom('a', 'c', 'e', '__proto__', 'constructor', 'r', 'zz'),
    fc.oneof(fc.constantFrom('a', 'e', 'constructor', '__proto__'), word),
    fc.array(
      fc.oneof(
        fc.constant(['--json']),
        word.map((w) => ['--root', w]),
        fc.constant(['--root', 'a']),
      ),
      {
        maxLength: 2,
      },
    ),
  )
  .map(([file, a, b, rest]) => ['lca', file, a, b, ...rest.flat()]);
const otherArgs = fc.oneof(
  fc.array(word, { maxLength: 4 }),
  fc
    .tuple(fc.constantFrom('help', 'ticketing', 'batch'), fc.array(word, { maxLength: 3 }))
    .map(([c, rest]) => [c, ...rest]),
  fc
    .array(
      fc.oneof(
        fc.constantFrom(['--capacity', '5'], ['--buyers', '20'], ['--seed', '3']),
        word.map((w) => ['--capacity', w]),
        word.map((w) => ['--payment-failure-rate', w]),
      ),
      { maxLength: 3 },
    )
    .map((rest) => ['ticketing', 'simulate', '--buyers', '20', ...rest.flat()]),
  word.map((w) => ['demo', w]),
);

describe('arbitrary command lines (issue #17)', () => {
  it('exit 0 with an answer, or 1/2 with one short line on stderr', { timeout: 600_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(clockArgs, lcaArgs, otherArgs), async (generated) => {
        // a process argument cannot hold a NUL byte (the OS would refuse it before x sees it)
        const args = generated.map((arg) => arg.replaceAll('\u0000', ''));
        const size = args.reduce((sum, arg) => sum + arg.length, 0);
        const started = performance.now();
        const run = await runX(args, { timeoutMs: 60_000 });
        const elapsed = performance.now() - started;
        expect([0, 1, 2], run.stderr).toContain(run.code);
        expect(run.stderr).not.toContain('unexpected error');
        const [first = '', ...more] = run.stderr.trimEnd().split('\n');
        if (run.code !== 0 && !(run.code === 2 && run.stderr.includes('Usage:'))) {
          expect(first.length, first).toBeLessThan(1024);
          // one line, and with --verbose only stack frames below it
          if (args.includes('--verbose')) for (const line of more) expect(line).toMatch(/^\s+at |^caused by: /);
          else expect(more, run.stderr).toEqual([]);
        }
        if (run.code === 0 && args[0] === 'clock' && args.length === 2 && !args[1]!.startsWith('-')) {
          expect(run.stdout.trim()).toBe(String(clockAngle(args[1] as string)));
        }
        // a backstop only: generous, and proportional to the arguments' size
        expect(elapsed).toBeLessThan(30_000 + size / 10);
      }),
      { numRuns: 60 },
    );
  });
});
