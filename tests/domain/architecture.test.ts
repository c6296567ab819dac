import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * One direction of dependence: src/architecture.json says which folders each folder under src/ may
 * import. Every relative import under src/ is read from the source; an edge the map does not allow,
 * a folder the map does not know, or any cycle between folders fails.
 */
const src = path.resolve(import.meta.dirname, '../../src')
const allowed: Record<string, string[]> = JSON.parse(fs.readFileSync(path.join(src, 'architecture.json'), 'utf8'))
delete allowed.$comment

type Edge = { from: string; to: string; file: string; target: string }

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g

function folderOf(file: string): string {
  const rel = path.relative(src, file).split(path.sep)
  return rel.length === 1 ? '.' : rel[0]
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : []
  })
}

function importEdges(files: { file: string; text: string }[]): Edge[] {
  const edges: Edge[] = []
  for (const { file, text } of files) {
    for (const m of text.matchAll(IMPORT)) {
      const target = path.resolve(path.dirname(file), m[1] ?? m[2])
      const from = folderOf(file)
      const to = folderOf(target)
      if (from !== to) edges.push({ from, to, file: path.relative(src, file), target: path.relative(src, target) })
    }
  }
  return edges
}

function forbidden(edges: Edge[]): string[] {
  return edges
    .filter((e) => !(e.from in allowed) || !allowed[e.from].includes(e.to))
    .map((e) => `${e.file} imports ${e.target} (${e.from} → ${e.to})`)
}

/** Strongly connected groups of more than one folder (Tarjan). */
function cycles(edges: Edge[]): string[][] {
  const next = new Map<string, Set<string>>()
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, new Set())
    next.get(e.from)!.add(e.to)
    if (!next.has(e.to)) next.set(e.to, new Set())
  }
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const groups: string[][] = []
  let counter = 0
  const visit = (v: string) => {
    index.set(v, counter)
    low.set(v, counter++)
    stack.push(v)
    onStack.add(v)
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        group.push(w)
      } while (w !== v)
      if (group.length > 1) groups.push(group.sort())
    }
  }
  for (const v of next.keys()) if (!index.has(v)) visit(v)
  return groups
}

const tree = sourceFiles(src).map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }))
const edges = importEdges(tree)

describe('the direction of dependence under src/', () => {
  it('every folder under src/ is in the map', () => {
    const folders = new Set(tree.map((f) => folderOf(f.file)))
    expect([...folders].filter((f) => !(f in allowed))).toEqual([])
  })

  it('the kernel imports nothing of ours', () => {
    expect(allowed.core).toEqual([])
    expect(edges.filter((e) => e.from === 'core')).toEqual([])
  })

  it('no folder below the HTTP edge imports web/', () => {
    const users = Object.entries(allowed).filter(([, to]) => to.includes('web'))
    expect(users.map(([from]) => from)).toEqual(['.'])
  })

  it('every import between folders is one the map allows', () => {
    expect(forbidden(edges)).toEqual([])
  })

  it('no cycle between folders, and the map itself has none', () => {
    expect(cycles(edges)).toEqual([])
    const declared = Object.entries(allowed).flatMap(([from, tos]) =>
      tos.map((to) => ({ from, to, file: 'architecture.json', target: to })),
    )
    expect(cycles(declared)).toEqual([])
  })

  it('control: a domain reaching into the edge, and two domains importing each other, are caught', () => {
    const planted = importEdges([
      { file: path.join(src, 'meetings/planted.ts'), text: "import { render } from '../web/render.ts'" },
      { file: path.join(src, 'meetings/planted-2.ts'), text: "import { x } from '../resolutions/journeys.ts'" },
      { file: path.join(src, 'resolutions/planted.ts'), text: "export { y } from '../meetings/meetings.ts'" },
      { file: path.join(src, 'core/planted.ts'), text: "const m = await import('../db/client.ts')" },
    ])
    expect(forbidden(planted)).toEqual([
      'meetings/planted.ts imports web/render.ts (meetings → web)',
      'meetings/planted-2.ts imports resolutions/journeys.ts (meetings → resolutions)',
      'core/planted.ts imports db/client.ts (core → db)',
    ])
    expect(cycles(planted)).toEqual([['meetings', 'resolutions']])
  })
})
