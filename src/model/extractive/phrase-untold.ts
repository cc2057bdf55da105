import { stem } from '../../store/lexical/search-text.js';
import type { QuestionTerm } from './question-terms.js';
import type { Candidate, Scored } from './scoring.js';
import type { Pick } from './quote.js';

/**
 * Whether the chosen sentences share with the question only a word of a phrase it says, read as
 * a whole ("charged twice": a second charge), that no passage found tells of: no sentence or
 * heading holds what the phrase means (a word the search added for it, "second") or all of the
 * phrase's own words ("Why was I charged twice?"). The word they share is then the phrase's in
 * another sense ("Original delivery charges are refunded …"), and the help center does not say
 * what is asked. A sentence that also holds a word of the question's own outside the phrase
 * ("delivery" of "I was charged twice for delivery") is left to the other checks.
 */
export function phraseUntold(
  picks: readonly Pick[],
  scored: Scored,
  terms: readonly QuestionTerm[],
): boolean {
  if (picks.length === 0) return false;
  const holds = (c: Candidate, k: number): boolean => c.matched.has(k) || c.context.has(k);
  for (const { stems, meaning } of phrasesOf(terms)) {
    const words = indicesOf(
      terms,
      (t) => !t.fromContext && !t.standsFor && stems.has(stem(t.term)),
    );
    const told = scored.candidates.some(
      (c) =>
        meaning.some((k) => holds(c, k)) || (words.length > 0 && words.every((k) => holds(c, k))),
    );
    if (told) continue;
    const outside = indicesOf(
      terms,
      (t) =>
        !t.weak &&
        !t.fromContext &&
        t.asks === undefined &&
        (t.standsFor ?? [stem(t.term)]).some((s) => !stems.has(s)),
    );
    if (!picks.some((p) => outside.some((k) => holds(p.candidate, k)))) return true;
  }
  return false;
}

/**
 * The phrases of the question the search read as wholes: the words (stems) of each that a
 * related word was added for, two or more, and the terms added for them (indices of `terms`).
 */
function phrasesOf(
  terms: readonly QuestionTerm[],
): Array<{ stems: ReadonlySet<string>; meaning: number[] }> {
  const phrases = new Map<string, { stems: ReadonlySet<string>; meaning: number[] }>();
  terms.forEach((t, k) => {
    if (t.fromContext || t.standsFor === undefined || t.standsFor.length < 2) return;
    const key = t.standsFor.join(' ');
    const phrase = phrases.get(key);
    if (phrase) phrase.meaning.push(k);
    else phrases.set(key, { stems: new Set(t.standsFor), meaning: [k] });
  });
  return [...phrases.values()];
}

function indicesOf(terms: readonly QuestionTerm[], keep: (t: QuestionTerm) => boolean): number[] {
  return terms.flatMap((t, k) => (keep(t) ? [k] : []));
}
