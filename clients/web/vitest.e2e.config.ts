import { defineConfig } from 'vitest/config';

// Run by scripts/e2e.mjs, which starts the local stack first. Two files at a time: the tests mostly
// wait (for the debounce, a Retry-After, a streamed reply), so two Chromiums fit on two cores.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    maxWorkers: 2,
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});
