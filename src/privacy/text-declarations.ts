import * as accounts from '../accounts/tables.ts'
import * as audit from '../audit/tables.ts'
import * as cases from '../cases/tables.ts'
import * as elections from '../elections/tables.ts'
import * as meetings from '../meetings/tables.ts'
import * as people from '../people/tables.ts'
import * as resolutions from '../resolutions/tables.ts'
import * as villages from '../villages/tables.ts'
import { ballotBoxText } from '../elections/ballot-box-tables.ts'
import { isTextDeclaration, type TextDeclaration } from '../db/privacy.ts'

/**
 * Every declaration of the app's database, read from each domain's tables.ts (the same modules
 * src/schema.ts gathers for drizzle-kit; tests/domain/privacy.test.ts fails on a column none declares).
 */
export const textDeclarations: readonly TextDeclaration[] = [
  villages,
  accounts,
  people,
  audit,
  elections,
  meetings,
  resolutions,
  cases,
]
  .flatMap((tables) => Object.values(tables))
  .flat()
  .filter(isTextDeclaration)

/** The ballot box's, in its own file. */
export const ballotBoxTextDeclarations: readonly TextDeclaration[] = ballotBoxText
