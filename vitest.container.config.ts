import { defineConfig } from 'vitest/config';

// The container image test (test/container/*.container.ts): its own run, after the other
// suites, because building an image takes minutes of both cores. `npm test` runs it.
export default defineConfig({
  test: {
    name: 'container',
    environment: 'node',
    include: ['test/container/**/*.container.ts'],
    testTimeout: 120_000,
    hookTimeout: 30 * 60_000,
    fileParallelism: false,
  },
});
