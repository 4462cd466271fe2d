import { defineConfig } from 'vitest/config';

/**
 * Under CI a failed test runs once more, and test/reporters/flaky.ts names every test that passed only then (.ci/run
 * puts those lines in its summary): a deterministic failure still fails, a flaky test is reported rather than
 * absorbed. Locally nothing is retried, so a flake shows at once.
 */
const ci = process.env.CI === 'true' || process.env.CI === '1';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    retry: ci ? 1 : 0,
    reporters: ['default', './test/reporters/flaky.ts'],
  },
});
