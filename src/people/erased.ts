/** What an erased child is called wherever a name must stand (rolls, lists, a frozen count): no one's name. */
export const erasedName = (childId: number) => `— #${childId}`

export function isErasedName(name: string): boolean {
  return /^\u2014 #\d+$/.test(name) // the dash as an escape: the bundled server stays ASCII (scripts/bundle-server.mjs)
}
