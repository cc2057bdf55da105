/** Heading paths are stored joined; this separator never occurs in a heading's text. */
const PATH_SEPARATOR = ' \u203a ';

/** A heading path as every database stores it: one text. */
export function joinHeadingPath(path: readonly string[]): string {
  return path.join(PATH_SEPARATOR);
}

/** A stored heading path back as its headings (none for the empty text). */
export function splitHeadingPath(stored: string): string[] {
  return stored === '' ? [] : stored.split(PATH_SEPARATOR);
}
