import type { Queryable } from './database.js';

/** Changes of the counts BM25 normalises by, in one scope (`chunk_totals`). */
export interface Totals {
  chunks: number;
  words: number;
  titleWords: number;
  /** Chunks whose title or a heading asks a question. */
  askingChunks: number;
}

/** No change. */
export const noTotals = (): Totals => ({ chunks: 0, words: 0, titleWords: 0, askingChunks: 0 });

/** `a` + `sign` × `b`, field by field. */
export function combine(a: Totals, b: Totals, sign: 1 | -1 = 1): Totals {
  return {
    chunks: a.chunks + sign * b.chunks,
    words: a.words + sign * b.words,
    titleWords: a.titleWords + sign * b.titleWords,
    askingChunks: a.askingChunks + sign * b.askingChunks,
  };
}

/**
 * Adds a write's changes to the totals of each scope it changed, as the transaction's last
 * statements: a scope's row is then locked only while the transaction commits, and concurrent
 * writers barely wait (writers of different scopes, not at all). Rows are taken in one order
 * for every writer, so that two cannot deadlock; a scope left without chunks loses its row,
 * since sessions come and go by the thousand.
 */
export async function addTotals(
  tx: Queryable,
  changes: ReadonlyMap<string, Totals>,
): Promise<void> {
  const changed = [...changes]
    .filter(([, totals]) => Object.values(totals).some((change) => change !== 0))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (changed.length === 0) return;
  const scopes = changed.map(([scope]) => scope);
  await tx.query(
    `INSERT INTO chunk_totals AS t (scope, chunks, words, title_words, asking_chunks)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[])
     ON CONFLICT (scope) DO UPDATE SET chunks = t.chunks + excluded.chunks,
       words = t.words + excluded.words, title_words = t.title_words + excluded.title_words,
       asking_chunks = t.asking_chunks + excluded.asking_chunks`,
    [
      scopes,
      changed.map(([, totals]) => totals.chunks),
      changed.map(([, totals]) => totals.words),
      changed.map(([, totals]) => totals.titleWords),
      changed.map(([, totals]) => totals.askingChunks),
    ],
  );
  await tx.query('DELETE FROM chunk_totals WHERE scope = ANY($1::text[]) AND chunks <= 0', [
    scopes,
  ]);
}
