import { stem } from '../../store/lexical/search-text.js';
import { words } from '../../rag/search/query-terms.js';
import type { RetrievedChunk } from '../../rag/search/retriever.js';
import { continuationOf, type QuestionTerm } from './question-terms.js';
import { matchTerms } from './scoring.js';

/** Characters of a passage read to tell which words it has: help-center chunks are shorter. */
const MAX_PASSAGE_CHARS = 20_000;

/**
 * Whether a continuation ("and refunds?", "what about cats?") names a topic of its own rather
 * than a case of the question before it: its own words are in the passages found (searched with
 * both), and no article that has them has a word of that question (`terms` are the message's and
 * the earlier question's, see `questionTerms`). "And refunds?" after "How do I reset my
 * password?" is then asked of refunds alone; "what about cats?" after "Are dogs allowed?" leans
 * on it where the page on pets speaks of both, and so does a word no page has. Only a
 * continuation that asks nothing in words of its own ("what if …" does) names a topic so.
 *
 * @example
 * standsApart('And refunds?', questionTerms('And refunds?', 'How do I reset my password?'), hits);
 * // true when the articles on refunds say nothing of passwords or resetting
 */
export function standsApart(
  question: string,
  terms: readonly QuestionTerm[],
  passages: readonly RetrievedChunk[],
): boolean {
  const opening = continuationOf(words(question.slice(0, 2_000)));
  if (opening === undefined || opening.asks) return false;
  const own = indicesOf(terms, (t) => !t.weak && !t.fromContext);
  const earlier = indicesOf(terms, (t) => !t.weak && t.fromContext);
  if (own.length === 0 || earlier.length === 0) return false;
  // Articles, not passages: the sections of one article are about one thing.
  const articles = new Map<string, Set<number>>();
  for (const passage of passages) {
    const text = [
      asText(passage.title),
      ...(Array.isArray(passage.headingPath) ? passage.headingPath.map(asText) : []),
      asText(passage.text).slice(0, MAX_PASSAGE_CHARS),
    ].join(' \n ');
    const article = typeof passage.documentId === 'string' ? passage.documentId : text;
    let held = articles.get(article);
    if (!held) articles.set(article, (held = new Set()));
    for (const k of matchTerms(text, terms)) held.add(k);
  }
  let named = false;
  for (const held of articles.values()) {
    if (!own.some((k) => held.has(k))) continue;
    if (earlier.some((k) => held.has(k))) return false;
    named = true;
  }
  return named;
}

/**
 * The related words the search added (see `SearchResult.related`) for words of the question
 * itself, not for those of the question before it: a question that stands apart is searched
 * for in its own words.
 */
export function relatedToOwn<T extends { from?: string }>(
  question: string,
  related: readonly T[],
): T[] {
  const asked = new Set(words(question.slice(0, 2_000)).map((w) => stem(w)));
  return related.filter(
    (r) => typeof r.from !== 'string' || words(r.from).some((w) => asked.has(stem(w))),
  );
}

function indicesOf(terms: readonly QuestionTerm[], keep: (t: QuestionTerm) => boolean): number[] {
  return terms.flatMap((t, k) => (keep(t) ? [k] : []));
}

// The types say string, but passages come from storage: never throw on a null.
function asText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
