export * from '../villages/tables.ts'
export * from '../accounts/tables.ts'
export * from '../people/tables.ts'
export * from '../audit/tables.ts'
