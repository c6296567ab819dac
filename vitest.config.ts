import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The common village seeded once for the run, for every file to write again (see the file).
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two cores: run files in parallel, but not so many that scrypt and Chromium starve.
    maxWorkers: 2,
  },
})
