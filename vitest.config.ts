import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['proxy/**/*.test.ts', 'main/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
          testTimeout: 20_000,
          hookTimeout: 20_000,
          // electron-store imports `electron`; inlined, it gets the tests' stand-in. Left to
          // Node it would load the real package, which from Electron 42 on fetches a binary.
          server: { deps: { inline: ['electron-store'] } },
        },
      },
      {
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['renderer/**/*.test.{ts,tsx}'],
          testTimeout: 20_000,
        },
      },
    ],
  },
});
