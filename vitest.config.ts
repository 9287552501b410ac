import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

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
          include: ['shared/**/*.test.ts', 'server/**/*.test.ts', 'scripts/**/*.test.ts', 'client/**/*.node.test.ts'],
          environment: 'node',
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Stores and h5 components in jsdom: Taro's components come from their React build, the
        // Taro API is a mock (client/test/setup.ts), and `x.h5.ts` platform files win over `x.ts`
        // exactly as in the h5 build.
        resolve: {
          alias: [
            { find: /^@tarojs\/components$/, replacement: '@tarojs/components-react' },
            { find: /^@shared\//, replacement: `${here('./shared')}/` },
          ],
          extensions: ['.h5.ts', '.h5.tsx', '.ts', '.tsx', '.mjs', '.js', '.jsx', '.json'],
        },
        define: {
          // Build-time flags Taro's webpack plugin defines for its runtime.
          DEPRECATED_ADAPTER_COMPONENT: 'false',
          ENABLE_INNER_HTML: 'true',
          ENABLE_ADJACENT_HTML: 'true',
          ENABLE_SIZE_APIS: 'true',
          ENABLE_TEMPLATE_CONTENT: 'true',
          ENABLE_CLONE_NODE: 'true',
          ENABLE_CONTAINS: 'true',
          ENABLE_MUTATION_OBSERVER: 'true',
          SUPPORT_TARO_POLYFILL: 'false',
          'process.env.TARO_ENV': JSON.stringify('h5'),
        },
        test: {
          name: 'client',
          include: ['client/**/*.test.{ts,tsx}'],
          // Client code that runs on real photos in Node (the camera's face detector).
          exclude: ['client/**/*.node.test.ts'],
          environment: 'jsdom',
          setupFiles: ['client/test/setup.ts'],
          testTimeout: 120_000,
        },
      },
    ],
  },
});
