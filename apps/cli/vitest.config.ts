import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The tests run the built CLI as a subprocess; tfjs start-up alone takes about a second.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
