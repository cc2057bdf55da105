import { stem } from '../../store/lexical/search-text.js';
import { askedHadFor } from './asked-had.js';
import type { QuestionTerm } from './question-terms.js';
import type { Pick } from './quote.js';
import type { Candidate, Scored } from './scoring.js';

// A question whether a thing is had for something ("is there a warranty on the bedding?"), where
// the help center tells of the thing only for something else ("If a lamp … stops working within
// 1 year, it is covered by our warranty"): that sentence is no answer for the bedding, and a
// sentence on the bedding that says nothing of the thing ("Wash linen at 40 °C") still less.

/**
 * When the question asks whether a thing is had for something (see `askedHadFor`) and no
 * sentence of the passages, in itself or under its heading, names both: the chosen sentences
 * that name the thing, which the reply quotes as what the help center says of it, not as its
 * answer for what was asked; empty when none does. `undefined` when the question asks no such
 * thing, or the passages tell of the two together.
 */
export function thingAlone(
  picks: readonly Pick[],
  question: string,
  terms: readonly QuestionTerm[],
  scored: Scored,
): Pick[] | undefined {
  for (const { thing, forWhat } of askedHadFor(question)) {
    const things = termsFor(terms, thing, true);
    // Only the question's own words name what it is for: a word the search related to one is
    // often its kind ("item" for "towels"), which a page on anything names.
    const fors = termsFor(terms, forWhat, false);
    if (things.size === 0 || fors.size === 0) continue;
    const holds = (c: Candidate, of: ReadonlySet<number>) =>
      [...c.matched, ...c.context].some((k) => of.has(k));
    if (scored.candidates.some((c) => holds(c, things) && holds(c, fors))) continue;
    return picks.filter((p) => holds(p.candidate, things));
  }
  return undefined;
}

/**
 * The question's own strong terms (indices) with one of `stems`, and, when `related`, the related
 * words that stand for one of them.
 */
function termsFor(
  terms: readonly QuestionTerm[],
  stems: ReadonlySet<string>,
  related: boolean,
): Set<number> {
  const out = new Set<number>();
  terms.forEach((t, k) => {
    if (t.weak || t.fromContext || (t.standsFor && !related)) return;
    if (t.standsFor ? t.standsFor.some((s) => stems.has(s)) : stems.has(stem(t.term))) {
      out.add(k);
    }
  });
  return out;
}
