import type { LexicalSearch } from './lexical-index.js';
import type { Postings } from './postings.js';
import type { ScopeTerms } from './scope-terms.js';
import { searchWords } from './search-text.js';
import { STOP_WORDS } from './stop-words.js';

/**
 * One word of the query: its postings in each searched scope that has it, their counts summed,
 * where it stands, and how many chunks it brings in.
 */
export interface QueryUnit {
  postings: Postings[];
  /** Chunks of the searched scopes that have the word. */
  length: number;
  /** Those with the word in their title. */
  titleLength: number;
  /** Those with the word in a title that asks a question. */
  askingTitleLength: number;
  position: number;
  matches: number;
  /** The term's weight (see `LexicalQuery.weights`). */
  weight: number;
  /** A stop word: its title match counts less where the title asks nothing. */
  stop: boolean;
}

/**
 * The words of the query that the chunks of `scopes` have, those the budget admits: from the
 * rarest in those chunks (see `LexicalIndex.search`).
 */
export function chosenUnits(query: LexicalSearch, scopes: readonly ScopeTerms[]): QueryUnit[] {
  const units: QueryUnit[] = [];
  query.terms.forEach((term, position) => {
    for (const word of searchWords(term)) {
      const postings: Postings[] = [];
      let length = 0;
      let titleLength = 0;
      let askingTitleLength = 0;
      for (const scope of scopes) {
        const found = scope.postings(word);
        if (found === undefined || found.length === 0) continue;
        postings.push(found);
        length += found.length;
        titleLength += found.titleLength;
        askingTitleLength += found.askingTitleLength;
      }
      // A word no chunk has adds nothing to any score, and costs nothing of the budget.
      if (length === 0) continue;
      // FTS5 counted at most budget + 1 matches of each word; the order of words whose
      // counts were cut the same stays the order of the question.
      const matches = Math.min(length, query.postingBudget + 1);
      const weight = query.weights?.[position] ?? 1;
      units.push({
        postings,
        length,
        titleLength,
        askingTitleLength,
        position,
        matches,
        weight: Number.isFinite(weight) && weight > 0 ? weight : 1,
        stop: STOP_WORDS.has(word),
      });
    }
  });
  units.sort((a, b) => a.matches - b.matches || a.position - b.position);
  const chosen: QueryUnit[] = [];
  let used = 0;
  for (const unit of units) {
    if (chosen.length > 0 && used + unit.matches > query.postingBudget) break;
    chosen.push(unit);
    used += unit.matches;
  }
  return chosen;
}
