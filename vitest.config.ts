import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    // Accounts are hashed at full scrypt cost (N = 2^17): set-ups that create several take seconds.
    hookTimeout: 60_000,
  },
});
