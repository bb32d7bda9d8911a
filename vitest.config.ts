import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // isolated-vm requires Node's startup snapshot off (its README: Node >= 20 needs --no-node-snapshot).
    pool: 'forks',
    execArgv: ['--no-node-snapshot'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    globalSetup: ['tests/helpers/temp-root.ts'],
  },
});
