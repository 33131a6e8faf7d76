import { defineConfig } from 'vitest/config';

// .ci/run asks for a JSON report as well, to print its one "N passed, N failed" line.
const json = process.env.SHARDSCOPE_VITEST_JSON;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: json ? ['default', ['json', { outputFile: json }]] : ['default'],
  },
});
