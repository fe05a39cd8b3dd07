import { defineConfig } from 'vitest/config';

// Run by scripts/e2e.mjs, which starts the local stack first; one file at a time, since every file
// drives Chromium against the same stack on two cores.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});
