import { defineConfig, type Options } from 'tsup';

/**
 * The one build configuration every package shares: ESM only (`.js` + `.d.ts`) for Node >= 20.19,
 * which can `require()` ESM, so CommonJS consumers load the same single copy of every class.
 * Code shared by a package's entry points is split into chunks, never duplicated per entry, so an
 * error class from `@x/ticketing/mongodb` is the same class as from `@x/ticketing`.
 * Internal workspace modules (`@x/checks`) are dev dependencies, which tsup bundles in.
 */
export function packageConfig(entry: Options['entry'] = ['src/index.ts'], extra: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    splitting: true,
    treeshake: true,
    ...extra,
  });
}
