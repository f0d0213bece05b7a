import { defineConfig, type Options } from 'tsup';

/**
 * The one build configuration every package shares: ESM `.js` + CJS `.cjs`, with `.d.ts` and
 * `.d.cts` declarations, for Node >= 20.19. A package's own `tsup.config.ts` passes its entries.
 */
export function packageConfig(entry: Options['entry'] = ['src/index.ts'], extra: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    treeshake: true,
    ...extra,
  });
}
