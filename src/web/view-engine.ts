import { Eta } from 'eta'

type EtaOptions = ConstructorParameters<typeof Eta>[0]
type ResolvePath = (template: string, options?: { filepath?: string }) => string

/**
 * Eta as the app renders with, finding each template's file once: Eta works out the path of every
 * page, layout and partial on every render (JSON, path.join, path.relative), several times a page.
 * The answer depends only on the views folder, the name asked for and the template asking, so it is
 * remembered by those; a name outside the views folder still throws, every time.
 */
export function viewEngine(options: EtaOptions): Eta {
  const eta = new Eta(options)
  const resolve = eta.resolvePath as unknown as ResolvePath
  const found = new Map<string, string>()
  eta.resolvePath = function (this: Eta, template: string, opts?: { filepath?: string }) {
    const key = `${this.config.views}\u0000${opts?.filepath ?? ''}\u0000${template}`
    let file = found.get(key)
    if (file === undefined) {
      file = resolve.call(this, template, opts)
      if (found.size >= 1000) found.clear()
      found.set(key, file)
    }
    return file
  } as typeof eta.resolvePath
  return eta
}
