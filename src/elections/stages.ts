import { stages, type Stage } from './tables.ts'

/** The stage that follows; null after publication. */
export function nextStage(stage: Stage): Stage | null {
  const i = stages.indexOf(stage)
  return i < stages.length - 1 ? stages[i + 1] : null
}

/** Contests and the election's settings change only before the poll opens. */
export function canChangeSetup(stage: Stage): boolean {
  return stage === 'draft' || stage === 'nominations'
}

export function canNominate(stage: Stage): boolean {
  return stage === 'nominations'
}

/** Paper totals come in while the poll is open or after it closed, until the result is published. */
export function canEnterPaperCount(stage: Stage): boolean {
  return stage === 'poll_open' || stage === 'poll_closed'
}

/** There is a count to show once the poll is closed. */
export function hasResult(stage: Stage): boolean {
  return stage === 'poll_closed' || stage === 'result_published'
}

/** The stage reached by the latest event, or draft when none. */
export function stageOf(events: { stage: Stage }[]): Stage {
  let reached: Stage = 'draft'
  for (const e of events) if (stages.indexOf(e.stage) > stages.indexOf(reached)) reached = e.stage
  return reached
}
