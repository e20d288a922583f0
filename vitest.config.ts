import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // A small scrypt cost for the many accounts tests create; the password scheme's own tests use the real one.
    setupFiles: ['test/support/password-cost.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
