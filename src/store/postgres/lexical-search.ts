import { splitHeadingPath } from '../heading-path.js';
import type { ChunkHit, LexicalQuery } from '../knowledge-repository.js';
import type { Queryable } from './database.js';
import { searchWords, stem, STATEMENT_TITLE_STOP_WEIGHT } from '../lexical/search-text.js';
import { STOP_WORDS } from '../lexical/stop-words.js';
import { fromDbText } from './text-codec.js';

/** A chunk row as search and {@link toHit} read it. */
export interface HitRow {
  id: number;
  document_id: string;
  title: string;
  heading_path: string;
  text: string;
  source: string;
  url: string | null;
  score: number;
}

/** A row of a chunk query as the port returns it. */
export function toHit(row: HitRow): ChunkHit {
  return {
    chunkId: row.id,
    documentId: row.document_id,
    title: fromDbText(row.title),
    headingPath: splitHeadingPath(fromDbText(row.heading_path)),
    source: row.source,
    url: row.url,
    text: fromDbText(row.text),
    score: row.score,
  };
}

/**
 * BM25 as SQLite's FTS5 computes it (k1 = 1.2, b = 0.75; an idf that is not positive counts as
 * 1e-6), once over the whole chunk and once over its title and heading path, the second
 * weighted by `titleWeight`. That gives the same ranking on both databases, and the retriever's
 * settings, measured on SQLite, hold on PostgreSQL. Document frequencies, the number of chunks,
 * the average lengths and the posting budget count the chunks of the searched scopes alone
 * (`chunk_totals` has a row per scope), as in the in-memory index: what a session attached
 * changes nothing of a search of the help center or of another session.
 *
 * Steps: each stemmed word becomes its lexeme through `to_tsvector`, as the chunks' words did
 * (no text is ever parsed as query syntax; a lexeme becomes a `tsquery` only quoted as the
 * `tsquery` input rules require). Each lexeme's matches are counted, stopping past the budget,
 * and words join from the rarest while the budget holds (the rarest that some chunk has always
 * does; a word no chunk has adds nothing and costs nothing). As in FTS5,
 * where every term is a phrase of its own, a lexeme that two chosen words share ("pet",
 * "pets") counts twice. The chunks matching a chosen lexeme (found through the GIN index) give
 * the document frequencies — every chunk whose title has a lexeme is among them — and then
 * each chunk of the wanted scopes is scored on its own, the best kept by a top-N sort.
 *
 * No step stores or joins two sets that grow with the matches: the planner cannot know how
 * many chunks match, and a bad guess must not cost more than reading them. Measured on 50,000
 * chunks: about 20 ms for a typical query, most of it counting the matches of common words;
 * about 0.4 s when even the rarest word of the query is in every chunk and every chunk must be
 * scored (SQLite: 0.1 s).
 *
 * Each word's idf is multiplied by its weight (`LexicalQuery.weights`); a lexeme of two chosen
 * words has the sum of theirs. As in the in-memory index, a stop word's title match counts
 * `STATEMENT_TITLE_STOP_WEIGHT` ($7's words) unless the chunk's title or a heading asks a
 * question (`title_asks`), so a lexeme's title weight is its other words' weight plus its stop
 * words' weight times that factor; where the title asks, a stop word's title idf is at most its
 * idf among the chunks whose titles ask (`chunk_totals.asking_chunks`), times the share of
 * chunks whose titles ask.
 *
 * Parameters: $1 stemmed words, $2 posting budget, $3 scopes, $4 title weight, $5 limit,
 * $6 the words' weights, $7 whether each word is a stop word, $8 the factor.
 */
const SEARCH_SQL = `
  WITH units AS (
    SELECT w.position, w.weight, w.stop, l.lexeme
    FROM unnest($1::text[], $6::float8[], $7::boolean[]) WITH ORDINALITY
           AS w(word, weight, stop, position),
         unnest(tsvector_to_array(to_tsvector('pg_catalog.simple', w.word))) AS l(lexeme)
  ),
  counted AS (
    SELECT lexeme, query,
           (SELECT count(*) FROM (SELECT 1 FROM chunks c
                                  WHERE c.terms @@ q.query AND c.scope = ANY($3::text[])
                                  LIMIT $2::integer + 1) AS capped) AS n
    FROM (SELECT DISTINCT lexeme FROM units) AS l,
         LATERAL (SELECT ('''' || replace(replace(lexeme, '\\', '\\\\'), '''', '''''') || '''')::tsquery
                  AS query) AS q
  ),
  chosen AS MATERIALIZED (
    SELECT c.lexeme, c.query, r.weight, r.stop_weight
    FROM (
      SELECT lexeme, sum(weight) AS weight,
             coalesce(sum(weight) FILTER (WHERE stop), 0) AS stop_weight FROM (
        SELECT u.lexeme, u.weight, u.stop, row_number() OVER running AS rank, sum(c.n) OVER running AS used
        FROM units u JOIN counted c ON c.lexeme = u.lexeme
        WHERE c.n > 0
        WINDOW running AS (ORDER BY c.n, u.position ROWS UNBOUNDED PRECEDING)
      ) AS w
      WHERE rank = 1 OR used <= $2::integer
      GROUP BY lexeme
    ) AS r
    JOIN counted c ON c.lexeme = r.lexeme
  ),
  lexemes AS (SELECT array_agg(lexeme) AS list, tsquery_any(query) AS query FROM chosen),
  -- Every chunk of the searched scopes with a chosen lexeme: read twice (frequencies, then
  -- scores), never stored.
  candidates AS NOT MATERIALIZED (
    SELECT c.id, c.words, c.title_words, c.terms, c.title_terms, c.title_asks
    FROM chunks c
    WHERE c.terms @@ (SELECT query FROM lexemes) AND c.scope = ANY($3::text[])
  ),
  totals AS (
    SELECT t.n, t.words / greatest(t.n, 1) AS avg_words,
           t.title_words / greatest(t.n, 1) AS avg_title_words, t.asking
    FROM (SELECT coalesce(sum(chunks), 0)::float8 AS n, coalesce(sum(words), 0)::float8 AS words,
                 coalesce(sum(title_words), 0)::float8 AS title_words,
                 coalesce(sum(asking_chunks), 0)::float8 AS asking
          FROM chunk_totals WHERE scope = ANY($3::text[])) AS t
  ),
  idf AS MATERIALIZED (
    SELECT f.lexeme,
           f.weight * CASE WHEN f.body > 1 THEN ln(f.body) ELSE 1e-6 END AS body,
           (f.weight - f.stop_weight) * l.title
             + f.stop_weight * least(l.title, l.asking) * f.asking_share AS asking_title,
           (f.weight - (1 - $8::float8) * f.stop_weight) * l.title AS statement_title
    FROM (
      SELECT ch.lexeme, ch.weight, ch.stop_weight,
             totals.asking / greatest(totals.n, 1) AS asking_share,
             (totals.n - count(*) + 0.5) / (count(*)::float8 + 0.5) AS body,
             (totals.n - count(*) FILTER (WHERE cd.title_terms @@ ch.query) + 0.5)
               / (count(*) FILTER (WHERE cd.title_terms @@ ch.query)::float8 + 0.5) AS title,
             (totals.asking - count(*) FILTER (WHERE cd.title_asks AND cd.title_terms @@ ch.query)
                + 0.5)
               / (count(*) FILTER (WHERE cd.title_asks AND cd.title_terms @@ ch.query)::float8
                  + 0.5) AS asking
      FROM chosen ch JOIN candidates cd ON cd.terms @@ ch.query, totals
      GROUP BY ch.lexeme, ch.weight, ch.stop_weight, totals.n, totals.asking
    ) AS f,
    LATERAL (SELECT CASE WHEN f.title > 1 THEN ln(f.title) ELSE 1e-6 END AS title,
                    CASE WHEN f.asking > 1 THEN ln(f.asking) ELSE 1e-6 END AS asking) AS l
  ),
  -- Each tsvector is cut down to the chosen lexemes (setweight marks them, ts_filter keeps
  -- them) before it is unnested: a row per matching lexeme, not per word of the chunk.
  ranked AS (
    SELECT cd.id,
           (SELECT sum(i.body * cardinality(t.positions) * 2.2
                       / (cardinality(t.positions)
                          + 1.2 * (0.25 + 0.75 * cd.words / greatest(totals.avg_words, 1e-9))))
            FROM unnest(ts_filter(setweight(cd.terms, 'A', lexemes.list), '{a}')) AS t
            JOIN idf i ON i.lexeme = t.lexeme)
           + CASE WHEN cd.title_terms @@ lexemes.query THEN $4::float8 *
               (SELECT sum(CASE WHEN cd.title_asks THEN i.asking_title ELSE i.statement_title END
                           * cardinality(t.positions) * 2.2
                           / (cardinality(t.positions)
                              + 1.2 * (0.25 + 0.75 * cd.title_words
                                       / greatest(totals.avg_title_words, 1e-9))))
                FROM unnest(ts_filter(setweight(cd.title_terms, 'A', lexemes.list), '{a}')) AS t
                JOIN idf i ON i.lexeme = t.lexeme)
             ELSE 0 END AS score
    FROM candidates cd, lexemes, totals
    ORDER BY score DESC, cd.id
    LIMIT $5::integer
  )
  SELECT c.id, c.document_id, c.title, c.heading_path, c.text, d.source, d.url, r.score
  FROM ranked r
  JOIN chunks c ON c.id = r.id
  JOIN documents d ON d.id = c.document_id
  ORDER BY r.score DESC, r.id`;

/**
 * The best lexical matches of a query, best first (see {@link SEARCH_SQL} for the scoring).
 * Terms are cut into words as the index is, so quotes, operators and backslashes are just
 * separators; a term of several words ("a&b") searches each of them.
 */
export async function searchLexical(db: Queryable, query: LexicalQuery): Promise<ChunkHit[]> {
  const words: string[] = [];
  const weights: number[] = [];
  const stops: boolean[] = [];
  query.terms.forEach((term, i) => {
    const weight = query.weights?.[i] ?? 1;
    for (const word of searchWords(term)) {
      words.push(stem(word));
      weights.push(Number.isFinite(weight) && weight > 0 ? weight : 1);
      stops.push(STOP_WORDS.has(word));
    }
  });
  if (words.length === 0 || query.scopes.length === 0 || !(query.limit > 0)) return [];
  const rows = await db.query<HitRow>(SEARCH_SQL, [
    words,
    toInteger(query.postingBudget),
    query.scopes,
    query.titleWeight,
    toInteger(query.limit),
    weights,
    stops,
    STATEMENT_TITLE_STOP_WEIGHT,
  ]);
  return rows.map(toHit);
}

/** A count as a PostgreSQL `integer` takes it: whole, and `Infinity` as the largest. */
function toInteger(value: number): number {
  return Math.min(Math.max(0, Math.floor(value)), 2_000_000_000);
}
