import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Browser end-to-end tests: one server (fresh PGlite database) for the whole run, started by
// global-setup.ts; Chromium driven by playwright-core. Slow by nature: the first start initialises
// PostgreSQL + PostGIS in WebAssembly and the map renders with SwiftShader (software WebGL).
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/e2e/**/*.e2e.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    reporters: ['default'],
  },
});
