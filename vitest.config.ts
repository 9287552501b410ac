import { defineConfig } from 'vitest/config';

// Two tiers in one run: Node tests (shared logic, the engine, the server through app.inject with
// real SQLite and photos) and client tests (stores and h5 components in jsdom). The browser
// journey in e2e/ has its own command (scripts/test.sh runs it after these).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        test: {
          name: 'node',
          include: ['shared/**/*.test.ts', 'server/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      // The client project (jsdom, Taro components aliased to their React build) is added with
      // the client's tests: see client/test/.
    ],
  },
});
