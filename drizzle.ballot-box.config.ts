import { defineConfig } from 'drizzle-kit'

// The ballot box is a database file of its own (see src/elections/ballot-box-tables.ts).
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/elections/ballot-box-tables.ts',
  out: './migrations/ballot-box',
})
