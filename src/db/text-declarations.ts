import * as schema from './schema.ts'
import { ballotBoxText } from '../elections/ballot-box-tables.ts'
import { isTextDeclaration, type TextDeclaration } from './privacy.ts'

/** Every declaration of the app's database, read from the schema (each tables.ts exports its own). */
export const textDeclarations: readonly TextDeclaration[] = Object.values(schema).flat().filter(isTextDeclaration)

/** The ballot box's, in its own file. */
export const ballotBoxTextDeclarations: readonly TextDeclaration[] = ballotBoxText
