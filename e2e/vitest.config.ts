import { defineConfig } from 'vitest/config';

// The browser tier: the real server (child process) + the h5 build + system Chromium. One fork,
// files in sequence: each file starts its own server and browser, and the 2-core machine should
// not run two photo engines and two browsers at once.
export default defineConfig({
  test: {
    name: 'e2e',
    root: new URL('..', import.meta.url).pathname,
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 120_000,
    // A journey is a story told in order: a failed step makes the later ones meaningless.
    bail: 1,
  },
});
