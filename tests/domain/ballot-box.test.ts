import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { freshDatabase } from '../helpers/app.ts'
import {
  addToBox,
  boxDigest,
  boxRoll,
  castIntoBox,
  decodeMarks,
  encodeMarks,
  forgetEmptySlots,
  layOutBox,
  marksWidth,
  sealBox,
  tallyBox,
  type BoxContest,
} from '../../src/elections/ballot-box.ts'

let database: ReturnType<typeof freshDatabase>
beforeEach(() => {
  database = freshDatabase()
})
afterEach(() => database.close())

const members: BoxContest = { contestId: 11, candidateIds: [101, 102, 103, 104, 105, 106, 107, 108, 109] }
const leaders: BoxContest = { contestId: 12, candidateIds: [201, 202] }
const marks = (m: number[], l: number[]) =>
  new Map([
    [members.contestId, encodeMarks(members.candidateIds, m)],
    [leaders.contestId, encodeMarks(leaders.candidateIds, l)],
  ])

function box(children: number[], db = database) {
  db.db.transaction((tx) => layOutBox(tx, 1, [members, leaders], children))
  return (childId: number, m: number[], l: number[] = []) =>
    db.db.transaction(() => castIntoBox(db.db, 1, childId, marks(m, l)))
}
const slotRows = (db = database) =>
  db.sqlite.prepare('SELECT id, contest_id, filled, hex(marks) AS marks FROM box_slots ORDER BY id').all() as {
    id: number
    contest_id: number
    filled: number
    marks: string
  }[]

describe('the marks of a ballot', () => {
  it('are one bit per candidate, in a fixed number of bytes whatever is marked', () => {
    expect(marksWidth(9)).toBe(2)
    expect(marksWidth(1)).toBe(1)
    expect(encodeMarks(members.candidateIds, [])).toHaveLength(2)
    expect(encodeMarks(members.candidateIds, [101, 109])).toEqual(Buffer.from([0x01, 0x01]))
    expect(decodeMarks(members.candidateIds, encodeMarks(members.candidateIds, [109, 103, 101]))).toEqual([
      101, 103, 109,
    ])
    expect(() => encodeMarks(members.candidateIds, [999])).toThrow(/999/)
  })
})

describe('the ballot box', () => {
  it('lays out a check-off per child and an empty slot per child and contest when the poll opens', () => {
    box([7, 3, 5])
    expect(boxRoll(database.db, 1)).toEqual([
      { childId: 3, voted: false },
      { childId: 5, voted: false },
      { childId: 7, voted: false },
    ])
    const slots = slotRows()
    expect(slots).toHaveLength(6)
    expect(slots.every((s) => s.filled === 0 && /^0+$/.test(s.marks))).toBe(true)
    expect(slots.filter((s) => s.contest_id === members.contestId).every((s) => s.marks.length === 4)).toBe(true)
  })

  it("a cast overwrites the child's check-off and one empty slot per contest; nothing is added", () => {
    const cast = box([1, 2, 3])
    expect(cast(2, [101, 104], [202])).toBe('cast')
    expect(slotRows()).toHaveLength(6)
    expect(
      boxRoll(database.db, 1)
        .filter((r) => r.voted)
        .map((r) => r.childId),
    ).toEqual([2])
    expect(tallyBox(database.db, members.contestId)).toEqual({
      votes: new Map([
        [101, 1],
        [104, 1],
      ]),
      ballots: 1,
    })
    expect(tallyBox(database.db, leaders.contestId)).toEqual({ votes: new Map([[202, 1]]), ballots: 1 })
  })

  it('refuses a second cast for a child, a child not on the roll, and any cast once sealed — writing nothing', () => {
    const cast = box([1, 2])
    cast(1, [101])
    const before = slotRows()
    expect(cast(1, [102])).toBe('voted')
    expect(cast(9, [102])).toBe('not-on-roll')
    sealBox(database.db, 1, new Date())
    expect(cast(2, [102])).toBe('sealed')
    expect(slotRows()).toEqual(before)
  })

  it('puts each ballot in a uniformly random empty slot', () => {
    // One ballot into a box of four voters, 400 times over (each undone): every slot should be picked about 100 times.
    box([1, 2, 3, 4])
    const picks = [0, 0, 0, 0]
    database.sqlite.exec('BEGIN')
    for (let i = 0; i < 400; i++) {
      database.sqlite.exec('SAVEPOINT trial')
      castIntoBox(database.db, 1, 1, marks([101], []))
      picks[
        slotRows()
          .filter((s) => s.contest_id === members.contestId)
          .findIndex((s) => s.filled)
      ]++
      database.sqlite.exec('ROLLBACK TO trial')
      forgetEmptySlots(database.db)
    }
    database.sqlite.exec('ROLLBACK')
    // Binomial(400, 1/4): 100 ± 8.7; outside 60..140 has odds of a few in a million per slot.
    for (const n of picks) {
      expect(n).toBeGreaterThan(60)
      expect(n).toBeLessThan(140)
    }
  })

  it('gives the same digest whatever the order of casting and whichever slots were chosen', () => {
    const ballots: [number, number[], number[]][] = [
      [1, [101, 102], [201]],
      [2, [103], []],
      [3, [101, 102], [202]],
      [4, [], [201]],
    ]
    const digests = [ballots, [...ballots].reverse(), [ballots[2], ballots[0], ballots[3], ballots[1]]].map((order) => {
      const db = freshDatabase()
      try {
        const cast = box([1, 2, 3, 4, 5], db)
        for (const [child, m, l] of order) cast(child, m, l)
        return boxDigest(db.db, 1)
      } finally {
        db.close()
      }
    })
    expect(new Set(digests.map((d) => d.digest)).size).toBe(1)
    expect(digests[0].digest).toMatch(/^[0-9a-f]{64}$/)
    // The canonical text lists each distinct ballot with how often it was cast, sorted.
    expect(digests[0].text).toContain('voters 4\n')
    expect(digests[0].text).toContain(
      `contest ${members.contestId} candidates 101,102,103,104,105,106,107,108,109 ballots 4\n- 1\n101,102 2\n103 1\n`,
    )
  })

  it('seals once: the digest kept is the one at closing, and a child added before then gets a slot in every contest', () => {
    const cast = box([1])
    addToBox(database.db, 1, 2)
    expect(slotRows()).toHaveLength(4)
    cast(2, [105], [202])
    const digest = sealBox(database.db, 1, new Date())
    expect(digest).toBe(boxDigest(database.db, 1).digest)
    expect(sealBox(database.db, 1, new Date())).toBe(digest)
  })
})
