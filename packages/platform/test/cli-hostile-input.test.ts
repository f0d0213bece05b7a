// Issue #17, the `x` CLI (items 8-13), run as users run it: the built binary as a child process.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runX } from './run-x.js';

const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');
const dir = mkdtempSync(join(tmpdir(), 'x-cli-17-'));
function treeFile(name: string, content: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

describe.concurrent('item 8: `x lca` takes `__proto__` and other Object.prototype names as node ids', () => {
  it('{"r":["a","__proto__"],"__proto__":[]}', async () => {
    const file = treeFile('proto.json', '{"r":["a","__proto__"],"__proto__":[]}');
    const run = await runX(['lca', file, 'a', '__proto__']);
    expect(run, run.stderr).toMatchObject({ code: 0, stdout: 'r\n' });
  });

  it('{"r":["__proto__","constructor"],"__proto__":["a","b"],"constructor":["toString"]}', async () => {
    const file = treeFile(
      'names.json',
      '{"r":["__proto__","constructor"],"__proto__":["a","b"],"constructor":["toString"]}',
    );
    expect((await runX(['lca', file, 'a', 'b'])).stdout).toBe('__proto__\n');
    expect((await runX(['lca', file, 'a', 'toString'])).stdout).toBe('r\n');
    const json = JSON.parse((await runX(['lca', file, 'toString', 'b', '--json'])).stdout);
    expect(json).toMatchObject({ lca: 'r', size: 6, path: ['toString', 'constructor', 'r', '__proto__', 'b'] });
    expect((await runX(['lca', file, 'a', 'b', '--root', '__proto__'])).stdout).toBe('__proto__\n');
  });
});

describe.concurrent('item 9: a --root that is not in the file is a usage error naming --root', () => {
  const file = treeFile('tree.json', JSON.stringify({ r: ['a', 'b'], a: ['c', 'd'], d: ['e'] }));

  it('exit 2, one line naming --root and the id, not <a>', async () => {
    const run = await runX(['lca', file, 'c', 'e', '--root', 'nosuchroot']);
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain('--root `nosuchroot` is not a node of <tree.json>');
    expect(run.stderr).not.toContain('Expected `a`');
  });

  it('a --root that is a node (a key or only a child) is used', async () => {
    expect((await runX(['lca', file, 'c', 'e', '--root', 'a'])).stdout).toBe('a\n');
    expect((await runX(['lca', file, 'e', 'e', '--root', 'e'])).stdout).toBe('e\n');
  });
});

describe.concurrent('item 10: bad option values are usage errors (exit 2) naming the option', () => {
  it.each([['hour,hour'], ['minute,MINUTE'], ['hour,minute,second'], ['hour'], ['hour,'], ['']])(
    'x clock 3:45 --hands %j',
    async (hands) => {
      const run = await runX(['clock', '3:45', '--hands', hands]);
      expect(run.code).toBe(2);
      expect(lines(run.stderr)).toHaveLength(1);
      expect(run.stderr).toContain('--hands');
      expect(run.stderr).not.toContain('ClockOptionsError');
    },
  );
});

describe.concurrent('item 11: `x help` is help, exit 0, like --help', () => {
  it.each([
    [['help'], 'Usage: x [options] [command]'],
    [['help', 'clock'], 'Usage: x clock'],
    [['help', 'lca'], 'Usage: x lca'],
    [['help', 'batch'], 'Usage: x batch'],
    [['batch', 'help', 'run'], 'Usage: x batch run'],
  ])('x %j', async (args, usage) => {
    const run = await runX(args);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(usage);
  });

  it('`x` alone still prints the help on stderr and exits 2', async () => {
    const run = await runX([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: x');
  });
});

describe.concurrent('item 12: a UTF-8 tree file with a byte-order mark', () => {
  it('parses', async () => {
    const file = treeFile('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"r":["a","b"]}')]));
    expect(await runX(['lca', file, 'a', 'b'])).toMatchObject({ code: 0, stdout: 'r\n' });
  });
});

describe.concurrent('item 13: huge arguments make short error lines', () => {
  it.each([
    ['a 100,000-digit time', ['clock', '1'.repeat(100_000)], 2],
    ['a time with a 100,000-character tail', ['clock', `3:45${'x'.repeat(100_000)}`], 2],
    ['a 100,000-character --hands', ['clock', '3:45', '--hands', 'h'.repeat(100_000)], 2],
    ['a 100,000-character unknown option', ['clock', '3:45', `--${'z'.repeat(100_000)}`], 2],
    ['a 100,000-character unknown command', ['y'.repeat(100_000)], 2],
    ['a 100,000-character --root', ['lca', 'nope.json', 'a', 'b', '--root', 'r'.repeat(100_000)], 1],
  ])('%s: one line under 1 KB', async (_, args, code) => {
    const run = await runX(args as string[]);
    expect(run.code).toBe(code);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr.length).toBeLessThan(1024);
  });

  it('a huge node id in a tree file is quoted short too', async () => {
    const long = 'n'.repeat(100_000);
    const file = treeFile('long.json', JSON.stringify({ r: ['a'], a: ['r'], [long]: 5 }));
    const run = await runX(['lca', file, 'a', long]);
    expect(run.code).toBe(1);
    expect(run.stderr.length).toBeLessThan(1024);
  });
});
