import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The CLI tests spawn the built binary (each run is a fresh Node process) and the demo test
    // runs the whole demo: generous timeouts keep them robust on a loaded 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
