import type { SourceItem } from '../protocol/index.js';

/** Longest snippet shown of an attached file. */
const FILE_SNIPPET_CHARS = 300;

/**
 * The passages retrieved, as the client is shown them: an array, or a view that makes each when
 * it is first asked for.
 */
export interface RetrievedSources {
  readonly length: number;
  at(index: number): SourceItem | undefined;
}

/**
 * What the citation numbered `n` stands for: a passage retrieved (`retrieved[n - 1]`), or, past
 * them, a file the customer attached with the message (`files[n - retrieved.length - 1]`: the
 * extractive answer numbers files after the passages). A file is a source as a passage is,
 * named by its file name, with no address; the reply cites it by number as it does any other.
 *
 * @example
 * citedSource(1, [], [{ name: 'invoice.txt', preview: 'Total: £45.00' }]);
 * // { id: 1, title: 'invoice.txt', source: 'invoice.txt', snippet: 'Total: £45.00', score: 1 }
 */
export function citedSource(
  n: number,
  retrieved: RetrievedSources,
  files: ReadonlyArray<{ name: string; preview: string }>,
): SourceItem | undefined {
  if (n <= retrieved.length) return n >= 1 ? retrieved.at(n - 1) : undefined;
  const file = files[n - retrieved.length - 1];
  if (file === undefined) return undefined;
  return {
    id: n,
    title: file.name,
    source: file.name,
    snippet: file.preview.slice(0, FILE_SNIPPET_CHARS),
    // The customer's own file, which the question was about: nothing ranked it.
    score: 1,
  };
}
