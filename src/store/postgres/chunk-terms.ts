import { searchTerms } from '../lexical/search-text.js';

/** What a chunk's row keeps of its words for full-text search. */
export interface ChunkTerms {
  /** The stems of the title, the heading path and the text, in order: `terms` is made of it. */
  indexed: string;
  /** The stems of the title and the heading path: `title_terms` is made of it. */
  titleIndexed: string;
  /** How many stems `indexed` has: the chunk's length for BM25. */
  words: number;
  /** How many stems `titleIndexed` has. */
  titleWords: number;
}

/**
 * The terms of a chunk as its row keeps them. Ingestion writes them and `recomputeTerms` writes
 * them again at a new stemming revision, both through this function: a recomputed row equals
 * the row a fresh ingest writes. Every text is as given, not as stored (`fromDbText`), and
 * `headingPath` is the joined path (`joinHeadingPath`), as the row keeps it.
 *
 * @example
 * chunkTerms('Contact us', 'Customer service', 'Call us.').titleIndexed; // 'contact us customer servic'
 */
export function chunkTerms(title: string, headingPath: string, text: string): ChunkTerms {
  const titleWords = [...searchTerms(title), ...searchTerms(headingPath)];
  const words = [...titleWords, ...searchTerms(text)];
  return {
    indexed: words.join(' '),
    titleIndexed: titleWords.join(' '),
    words: words.length,
    titleWords: titleWords.length,
  };
}

/**
 * SQL making the `tsvector` of stems that {@link chunkTerms} joined, given as `expression`: the
 * `simple` configuration keeps each stem as it is (see the migrations).
 */
export function termsVector(expression: string): string {
  return `to_tsvector('pg_catalog.simple', ${expression})`;
}
