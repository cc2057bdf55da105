import { queryTerms } from '../../rag/search/query-terms.js';
import type { Document } from './documents.js';
import type { QuestionTerm } from './question-terms.js';
import { matchTerms } from './scoring.js';

// What a passage's own section heading (not the title all sections of its article share) says of
// the question: the sentences under it are about that.

/** The terms a passage's own section heading holds (none when it has only its title). */
export function headingTerms(
  document: Document | undefined,
  terms: readonly QuestionTerm[],
): number[] {
  const heading = document?.headings.at(-1);
  return heading === undefined || heading === document?.title
    ? []
    : [...matchTerms(heading, terms)];
}

/**
 * Whether a passage's own section heading names only what is asked (`asked`, indices of
 * `terms`): "Exchanges" for "can I swap it?". The title of a page whose passage stands under no
 * heading of its own counts as one: a page titled "Exchanges" is about them throughout.
 */
export function sectionAbout(
  document: Document | undefined,
  asked: ReadonlySet<number>,
  terms: readonly QuestionTerm[],
): boolean {
  const heading = document?.headings.at(-1);
  if (document === undefined || heading === undefined) return false;
  if (heading === document.title && document.headings.length > 1) return false;
  const named = queryTerms(heading).contentTerms;
  return (
    named.length > 0 &&
    named.every((word) => [...matchTerms(word, terms)].some((k) => asked.has(k)))
  );
}
