import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runX } from './run-x.js';

const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

/** A bad-usage run: exit code 2 and exactly one line on stderr that names `needle`. */
async function expectUsageError(args: string[], needle: string) {
  const run = await runX(args);
  expect(run.code, run.stderr).toBe(2);
  expect(lines(run.stderr)).toHaveLength(1);
  expect(run.stderr).toContain(needle);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  return run;
}

describe.concurrent('x (the program)', () => {
  it('--help lists every command and the exit codes', async () => {
    const run = await runX(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['clock', 'lca', 'ticketing', 'batch', 'demo']) expect(run.stdout).toContain(command);
    expect(run.stdout).toContain('2 bad usage');
  });

  it('--version prints the package version', async () => {
    const run = await runX(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('no command prints the help on stderr and exits 2', async () => {
    const run = await runX([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: x');
  });

  it('an unknown command exits 2 naming it', async () => {
    await expectUsageError(['frobnicate'], "unknown command 'frobnicate'");
  });

  it('an unknown option exits 2 naming it', async () => {
    await expectUsageError(['clock', '3:45', '--frobnicate'], "unknown option '--frobnicate'");
  });

  it.each([
    ['clock'],
    ['lca'],
    ['ticketing'],
    ['ticketing', 'simulate'],
    ['batch'],
    ['batch', 'create'],
    ['batch', 'run'],
    ['batch', 'status'],
    ['batch', 'results'],
    ['batch', 'cancel'],
    ['demo'],
  ])('x %s --help shows its usage and exits 0', async (...command) => {
    const run = await runX([...command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: x ${command.join(' ')}`);
  });
});

describe.concurrent('x demo', () => {
  it('takes no arguments: an extra one exits 2', async () => {
    await expectUsageError(['demo', 'fast'], 'too many arguments');
  });
});

describe.concurrent('x clock', () => {
  it('prints 157.5 for 3:45', async () => {
    const run = await runX(['clock', '3:45']);
    expect(run).toMatchObject({ code: 0, stdout: '157.5\n', stderr: '' });
  });

  it.each([
    [['12:30'], '165'],
    [['3:45', '--reflex'], '202.5'],
    [['15:45:30', '--hands', 'minute,second'], '93'],
    [['6:00 PM'], '180'],
  ])('x clock %j prints %s', async (args, expected) => {
    const run = await runX(['clock', ...args]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(expected);
  });

  it('--json prints the angle, the exact fraction and the parsed time', async () => {
    const run = await runX(['clock', '3:45', '--json']);
    expect(run.code).toBe(0);
    const data = JSON.parse(run.stdout);
    expect(data).toMatchObject({
      angle: 157.5,
      hands: ['hour', 'minute'],
      reflex: false,
      parsed: { hours: 3, minutes: 45 },
    });
    expect(data.fraction.numerator / data.fraction.denominator).toBe(157.5);
  });

  it('--explain prints the derivation', async () => {
    const run = await runX(['clock', '3:45', '--explain']);
    expect(run.code).toBe(0);
    expect(lines(run.stdout).length).toBeGreaterThan(2);
    expect(run.stdout).toContain('157.5');
  });

  it('a malformed time exits 2 naming it', async () => {
    await expectUsageError(['clock', '3:60'], '3:60');
  });

  it('bad --hands exits 2 naming the option', async () => {
    await expectUsageError(['clock', '3:45', '--hands', 'hour'], '--hands');
    await expectUsageError(['clock', '3:45', '--hands', 'hour,tail'], 'tail');
  });

  it('a missing time exits 2', async () => {
    await expectUsageError(['clock'], "missing required argument 'time'");
  });
});

describe.concurrent('x lca', () => {
  const dir = mkdtempSync(join(tmpdir(), 'x-lca-'));
  const tree = join(dir, 'tree.json');
  writeFileSync(tree, JSON.stringify({ r: ['a', 'b'], a: ['c', 'd'], d: ['e'] }));

  it('prints the lowest common ancestor', async () => {
    expect((await runX(['lca', tree, 'c', 'e'])).stdout).toBe('a\n');
    expect((await runX(['lca', tree, 'e', 'b'])).stdout).toBe('r\n');
  });

  it('--json adds depths, distance and path', async () => {
    const run = await runX(['lca', tree, 'c', 'e', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      lca: 'a',
      root: 'r',
      depth: { a: 2, b: 3, lca: 1 },
      distance: 3,
      path: ['c', 'a', 'd', 'e'],
    });
  });

  it('a node missing from the tree fails with exit 1 naming the node', async () => {
    const run = await runX(['lca', tree, 'c', 'zebra']);
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain('zebra');
  });

  it('a missing file fails with exit 1 naming it', async () => {
    const run = await runX(['lca', join(dir, 'nope.json'), 'a', 'b']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('nope.json');
    expect(run.stderr).toContain('no such file');
  });

  it('a file that is not a children map fails with exit 1 saying why', async () => {
    const notJson = join(dir, 'bad.json');
    writeFileSync(notJson, '{ r: [');
    expect((await runX(['lca', notJson, 'a', 'b'])).stderr).toContain('to hold JSON');
    const wrongShape = join(dir, 'shape.json');
    writeFileSync(wrongShape, JSON.stringify({ r: 'a' }));
    const run = await runX(['lca', wrongShape, 'a', 'b']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('children of node `r`');
  });

  it('a cycle in the tree is reported by @x/tree-lca, with exit 1', async () => {
    const cyclic = join(dir, 'cycle.json');
    writeFileSync(cyclic, JSON.stringify({ r: ['a'], a: ['b'], b: ['a'] }));
    const run = await runX(['lca', cyclic, 'a', 'b', '--root', 'r']);
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toHaveLength(1);
  });

  it('--verbose adds the stack trace to a failure', async () => {
    const run = await runX(['--verbose', 'lca', tree, 'c', 'zebra']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\n\s+at /);
  });

  it('missing arguments exit 2', async () => {
    await expectUsageError(['lca', tree, 'c'], "missing required argument 'b'");
  });
});

describe.concurrent('x ticketing simulate', () => {
  it('prints the report of a small sale', async () => {
    const run = await runX(['ticketing', 'simulate', '--capacity', '50', '--buyers', '500', '--seed', '7']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('flash sale: 500 buyers, 50 tickets, seed 7');
    expect(run.stdout).toMatch(/^ {2}oversold 0;/m);
    expect(run.stdout).toMatch(/^invariants: .* 0 violations$/m);
    expect(run.stdout).toMatch(/^ {2}ok {3}capacity/m);
  });

  it('--seated sells a seat map: no seat twice, no oversell', async () => {
    const run = await runX(['ticketing', 'simulate', '--capacity', '60', '--buyers', '600', '--seed', '3', '--seated']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^ {2}ok {3}seats {11}\d+ seat\(s\) allocated, none twice/m);
    expect(run.stdout).toMatch(/^ {2}oversold 0;/m);
    expect(run.stdout).toMatch(/^invariants: .* 0 violations$/m);
  });

  it('--json prints a report with no oversell, the same for the same seed', async () => {
    const args = ['ticketing', 'simulate', '--capacity', '50', '--buyers', '500', '--seed', '7', '--json'];
    const first = JSON.parse((await runX(args)).stdout);
    expect(first.oversold).toBe(0);
    expect(first.sold).toBeLessThanOrEqual(50);
  });

  it.each([
    [['--capacity', '0'], '--capacity'],
    [['--buyers', 'many'], '--buyers'],
    [['--seed', '-1'], '--seed'],
    [['--payment-failure-rate', '1.5'], '--payment-failure-rate'],
  ])('bad %j exits 2 naming the option', async (args, needle) => {
    await expectUsageError(['ticketing', 'simulate', ...args], needle);
  });

  it('an unknown ticketing subcommand exits 2', async () => {
    await expectUsageError(['ticketing', 'refund'], "unknown command 'refund'");
  });
});

describe.concurrent('x batch (argument validation; no MongoDB server runs here)', () => {
  const mongo = ['--mongo-uri', 'mongodb://127.0.0.1:1', '--db', 'app', '--collection', 'tasks'];
  const noMongoEnv = { MONGODB_URI: undefined };

  it('--mongo-uri is required', async () => {
    const run = await runX(['batch', 'status', 'job-1', '--db', 'app', '--collection', 'tasks'], { env: noMongoEnv });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--mongo-uri');
  });

  it('a malformed --mongo-uri exits 2 naming it', async () => {
    await expectUsageError(['batch', 'status', 'job-1', ...mongo.slice(2), '--mongo-uri', 'http://db'], '--mongo-uri');
  });

  it('--db and --collection are required and validated', async () => {
    await expectUsageError(['batch', 'status', 'job-1', '--mongo-uri', 'mongodb://h', '--collection', 't'], '--db');
    await expectUsageError(
      ['batch', 'status', 'job-1', '--mongo-uri', 'mongodb://h', '--db', 'a b', '--collection', 't'],
      '--db',
    );
  });

  it('create needs --task-ids or --filter, not both, and a JSON filter', async () => {
    await expectUsageError(['batch', 'create', ...mongo], '--task-ids');
    await expectUsageError(['batch', 'create', ...mongo, '--task-ids', 'a', '--filter', '{}'], '--filter');
    await expectUsageError(['batch', 'create', ...mongo, '--filter', 'kind=summary'], '--filter');
  });

  it('run needs --llm-url, http(s) only, and sane numbers', async () => {
    await expectUsageError(['batch', 'run', 'job-1', ...mongo], '--llm-url');
    await expectUsageError(['batch', 'run', 'job-1', ...mongo, '--llm-url', 'ftp://llm'], '--llm-url');
    await expectUsageError(
      ['batch', 'run', 'job-1', ...mongo, '--llm-url', 'http://llm', '--concurrency', '0'],
      '--concurrency',
    );
    await expectUsageError(
      ['batch', 'run', 'job-1', ...mongo, '--llm-url', 'http://llm', '--batch-size', '11'],
      '--batch-size',
    );
    await expectUsageError(['batch', 'run', 'job-1', ...mongo, '--llm-url', 'http://llm', '--rpm', 'fast'], '--rpm');
  });

  it('the job id is required', async () => {
    await expectUsageError(['batch', 'cancel', ...mongo], "missing required argument 'job-id'");
  });

  it('run with a fleet of --llm-url endpoints still fails cleanly (exit 1, one line) when MongoDB is down', async () => {
    const run = await runX([
      'batch',
      'run',
      'job-1',
      ...mongo,
      '--mongo-timeout-ms',
      '300',
      '--llm-url',
      'http://127.0.0.1:9/a',
      '--llm-url',
      'http://127.0.0.1:9/b',
      '--concurrency',
      '4',
    ]);
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/Mongo/);
  });

  it('an unreachable MongoDB fails with exit 1 and one line', async () => {
    const run = await runX(['batch', 'status', 'job-1', ...mongo, '--mongo-timeout-ms', '300']);
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/Mongo/);
  });
});
