/**
 * Runs a package's benchmarks: every `bench/*.bench.ts` in the current directory exports
 * `main(options: { quick: boolean }): Promise<void>`. `pnpm bench` runs the full sizes; the
 * package's test suite imports the same `main` with `{ quick: true }` so benches cannot rot.
 *
 *   node --expose-gc --import tsx ../../scripts/bench.ts [--quick] [file-filter]
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const filter = args.find((arg) => !arg.startsWith('--'));
const dir = join(process.cwd(), 'bench');
const files = readdirSync(dir)
  .filter((file) => file.endsWith('.bench.ts') && (!filter || file.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`No bench/*.bench.ts files${filter ? ` matching \`${filter}\`` : ''} in ${process.cwd()}`);
  process.exit(1);
}
for (const file of files) {
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as {
    main?: (options: { quick: boolean }) => Promise<void>;
  };
  if (typeof mod.main !== 'function') {
    console.error(`bench/${file} must export \`main({ quick })\``);
    process.exit(1);
  }
  console.log(`\n# ${file}${quick ? ' (quick)' : ''}\n`);
  await mod.main({ quick });
}
