import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Two files at a time even on a 2-core machine (the default would be one there): many tests
    // wait on fsync, child processes and the wand's timers rather than on the CPU.
    maxWorkers: 2,
    // A small scrypt cost for the many accounts tests create; the password scheme's own tests use the real one.
    setupFiles: ['test/support/password-cost.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
