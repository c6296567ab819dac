import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two cores: run files in parallel, but not so many that scrypt and Chromium starve.
    maxWorkers: 2,
  },
})
