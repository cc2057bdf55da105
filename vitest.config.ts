import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two test files at a time, also on two cores (Vitest's default there is one): most files
    // spend their time waiting on sockets, child processes, Redis and Postgres, and each file
    // uses its own database schema, key prefix and data directory.
    maxWorkers: 2,
  },
});
