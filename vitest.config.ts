import { defineConfig } from 'vitest/config';

// Unit and integration tests. Database suites share one migrated database per run
// (test/setup/database.ts), so files run one after another in a single worker.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    fileParallelism: false,
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
});
