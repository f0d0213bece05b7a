import { readFile } from 'node:fs/promises';
import { describeValue, quoteInput } from '@x/checks';
import { buildLcaIndex } from '@x/tree-lca';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../usage-error.js';

/** The tree file's content could not be used: unreadable, not JSON, or not a children map. */
export class TreeFileError extends Error {
  override name = 'TreeFileError';
}

/**
 * Reads a tree file holding a children map `{ "node": ["child", ...] }` (UTF-8, with or without a
 * byte-order mark) into a `Map`, so that every key is a node id, `__proto__` and `constructor`
 * included. Every value must be an array of strings; anything else is reported with the node and
 * what was found.
 */
export async function readChildrenMap(file: string): Promise<Map<string, string[]>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(error);
    throw new TreeFileError(`Cannot read <tree.json> ${quoteInput(file)}: ${reason}`);
  }
  let data: unknown;
  try {
    // JSON has no byte-order mark, but editors on Windows write one: skip it
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new TreeFileError(
      `Expected <tree.json> ${quoteInput(file)} to hold JSON, got a parse error: ${(error as Error).message}`,
    );
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    const got = Array.isArray(data) ? 'an array' : data === null ? 'null' : typeof data;
    throw new TreeFileError(
      `Expected <tree.json> ${quoteInput(file)} to hold an object mapping each node to its children, got ${got}`,
    );
  }
  // JSON.parse makes every key an own property (even `__proto__`); a Map keeps them all as ids
  const map = new Map<string, string[]>();
  for (const [node, children] of Object.entries(data)) {
    if (!Array.isArray(children) || children.some((child) => typeof child !== 'string')) {
      throw new TreeFileError(
        `Expected the children of node ${quoteInput(node)} in ${quoteInput(file)} to be an array of strings, got ${describeValue(children)}`,
      );
    }
    map.set(node, children as string[]);
  }
  return map;
}

/** Whether `node` appears in the children map, as a key or as a child. */
function mentions(map: ReadonlyMap<string, readonly string[]>, node: string): boolean {
  if (map.has(node)) return true;
  for (const children of map.values()) if (children.includes(node)) return true;
  return false;
}

interface LcaOptions {
  root?: string;
  json?: boolean;
}

/** `x lca <tree.json> <a> <b>`: the lowest common ancestor of two nodes of a tree file. */
export function registerLcaCommand(program: Command, context: CliContext): void {
  program
    .command('lca')
    .description('print the lowest common ancestor of nodes <a> and <b> in a tree file')
    .argument('<tree.json>', 'a JSON file holding a children map: { "node": ["child", ...] }')
    .argument('<a>', 'a node id')
    .argument('<b>', 'another node id')
    .option('--root <id>', "the root node (default: the one node that is nobody's child)")
    .option('--json', 'print a JSON object with the LCA, depths, distance and path')
    .addHelpText(
      'after',
      '\nExample:\n  echo \'{"r":["a","b"],"a":["c"]}\' > tree.json && x lca tree.json c b   # prints r',
    )
    .action(async (file: string, a: string, b: string, options: LcaOptions) => {
      const children = await readChildrenMap(file);
      if (options.root !== undefined && !mentions(children, options.root)) {
        throw new UsageError(`--root ${quoteInput(options.root)} is not a node of <tree.json> ${quoteInput(file)}`);
      }
      const index = buildLcaIndex(children, options.root === undefined ? {} : { root: options.root });
      const lca = index.lca(a, b);
      if (options.json) {
        context.out(
          JSON.stringify({
            a,
            b,
            lca,
            root: index.root,
            size: index.size,
            depth: { a: index.depth(a), b: index.depth(b), lca: index.depth(lca) },
            distance: index.distance(a, b),
            path: index.path(a, b),
          }),
        );
        return;
      }
      context.out(String(lca));
    });
}
