import { defineConfig } from 'vitest/config';

/** `npm run test:chaos`: the chaos suite (tests/chaos), one file at a time: it kills processes and loads the machine on purpose. */
export default defineConfig({
  test: {
    include: ['tests/chaos/**/*.chaos.ts'],
    pool: 'forks',
    execArgv: ['--no-node-snapshot', '--expose-gc'],
    fileParallelism: false,
    testTimeout: 900_000,
    hookTimeout: 120_000,
    globalSetup: ['tests/helpers/temp-root.ts', 'tests/chaos/reset.ts'],
  },
});
