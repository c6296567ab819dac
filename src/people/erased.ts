/** What an erased child is called wherever a name must stand (rolls, lists, a frozen count): no one's name. */
export const erasedName = (childId: number) => `— #${childId}`

export function isErasedName(name: string): boolean {
  return /^— #\d+$/.test(name)
}
