// Once for the whole run, before any test file: the common village made through the verbs in a fresh
// database (four accounts, their passwords hashed), given to every test file to write again in its own
// fresh databases (seedVillages in helpers/app.ts) instead of each file hashing the same four again.
import type { TestProject } from 'vitest/node'
import { recordSeeding } from './helpers/app.ts'

export default async function setup(project: TestProject) {
  project.provide('seedVillages', await recordSeeding())
}
