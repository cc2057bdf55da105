/** A list of single words written as one string, so long vocabularies stay readable. */
export function words(list: string): string[] {
  return list.trim().split(/\s+/u);
}
