import type { QuestionTerm } from './question-terms.js';
import type { Candidate } from './scoring.js';
import type { Pick } from './quote.js';

/**
 * The sentences the conversation said already that answer a follow-up about a thing of its own
 * ("And cash?" after "What payment methods do you accept?" was answered with "… We do not accept
 * cash or cheques."), when nothing left unsaid (`unsaid`, the choice without them) holds a word
 * of that thing: a support agent says the answer again rather than quote something else of the
 * page ("A VAT invoice is attached …"). Empty when the follow-up names nothing of its own, when
 * something not said yet speaks of it, or when nothing said does.
 *
 * @param unsaid The sentences chosen from those not said yet.
 * @param withSaid The sentences chosen from all, said or not (made only when needed).
 * @param said The replies since the question the follow-up leans on, citations out.
 * @param terms The follow-up's terms, and those of the question it leans on.
 */
export function saidAgain(
  unsaid: readonly Pick[],
  withSaid: () => readonly Pick[],
  said: string,
  terms: readonly QuestionTerm[],
): Pick[] {
  // The follow-up's own words, and the words the search added for them.
  const own = new Set(
    terms.flatMap((t, k) => (!t.weak && !t.fromContext && t.asks === undefined ? [k] : [])),
  );
  if (own.size === 0) return [];
  const holdsOwn = (c: Candidate): boolean => [...c.matched].some((k) => own.has(k));
  if (unsaid.some((p) => holdsOwn(p.candidate))) return [];
  return withSaid().filter((p) => holdsOwn(p.candidate) && said.includes(p.candidate.unit.text));
}
