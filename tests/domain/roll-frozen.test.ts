// The voter roll is laid out when the poll opens and stays so: a child registered (or given consent)
// later is not on it until a facilitator adds them, which is logged; the facilitator sees every other
// child of the register and why they are not on it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { freshDatabase, seedVillages, ctxFor } from '../helpers/app.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'
import { addToRoll, issueBallot, notOnRoll, openStation, voterRoll } from '../../src/elections/voting.ts'
import { markLeftVillage, recordConsent, withdrawConsent } from '../../src/people/children.ts'
import { todayIso } from '../../src/core/dates.ts'
import { NotFound } from '../../src/core/errors.ts'

let database: ReturnType<typeof freshDatabase>
let ctx: ReturnType<typeof ctxFor>
let kids: Record<string, number>
let villageId: number
let electionId: number

beforeEach(async () => {
  database = freshDatabase()
  const fx = await seedVillages(database)
  ctx = ctxFor(database, fx.users.facilitator)
  villageId = fx.villages.papdi.id
  kids = villageChildren(database, fx.users.facilitator, villageId, [
    ['Ravi', 'boy', 12],
    ['Meena', 'girl', 12],
    ['Asha', 'girl', 9],
    ['Baby', 'girl', 4],
    ['Kamal', 'boy', 19],
    ['Gone', 'boy', 13],
    ['Shy', 'girl', 11],
  ])
  markLeftVillage(ctx, villageId, kids.Gone, todayIso(), '')
  withdrawConsent(ctx, villageId, kids.Shy)
  electionId = createElection(ctx, villageId, electionInput()).id
  const contest = addContest(ctx, electionId, contestInput({ seats: '1' })).id
  openNominations(ctx, electionId)
  nominate(ctx, electionId, contest, { childId: kids.Ravi, symbol: 'sun' })
  nominate(ctx, electionId, contest, { childId: kids.Meena, symbol: 'kite' })
  openPoll(ctx, electionId)
})
afterEach(() => database.close())

const onRoll = () => voterRoll(ctx, electionId).voters.map((v) => v.name)
const reasons = () => Object.fromEntries(notOnRoll(ctx, electionId).map((c) => [c.name, c.reason]))
const added = () =>
  database.sqlite.prepare("SELECT count(*) FROM audit_log WHERE action = 'roll.child_added'").pluck().get()

describe('the roll of an open poll', () => {
  it('says why each child of the register is not on it', () => {
    expect(onRoll()).toEqual(['Asha', 'Meena', 'Ravi'])
    expect(reasons()).toEqual({ Baby: 'tooYoung', Gone: 'left', Kamal: 'tooOld', Shy: 'noConsent' })
  })

  it('a child registered after opening is not on it, nor can vote, until deliberately added (logged)', async () => {
    const late = villageChildren(database, ctx.actor, villageId, [['Late', 'girl', 11]]).Late
    expect(onRoll()).toEqual(['Asha', 'Meena', 'Ravi'])
    expect(reasons().Late).toBe('mayBeAdded')
    const station = await openStation(ctx, electionId, '4321')
    expect(() => issueBallot(ctx, station, late)).toThrow(NotFound)
    expect(added()).toBe(0)

    addToRoll(ctx, electionId, late)
    expect(onRoll()).toEqual(['Asha', 'Late', 'Meena', 'Ravi'])
    expect(reasons().Late).toBeUndefined()
    expect(added()).toBe(1)
    expect(issueBallot(ctx, station, late).ballot?.token).toBeTruthy()
  })

  it('consent given after opening: still off the roll until added; a child who may not vote cannot be added', () => {
    recordConsent(ctx, villageId, kids.Shy, todayIso())
    expect(onRoll()).not.toContain('Shy')
    expect(reasons().Shy).toBe('mayBeAdded')
    for (const name of ['Baby', 'Kamal', 'Gone']) expect(() => addToRoll(ctx, electionId, kids[name])).toThrow(NotFound)
    // Consent withdrawn after opening: the roll stays as it was laid out.
    withdrawConsent(ctx, villageId, kids.Asha)
    expect(onRoll()).toContain('Asha')
    expect(added()).toBe(0)
  })
})
