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
  const chosen = withSaid().filter((p) => said.includes(p.candidate.unit.text));
  const again = chosen.filter((p) => holdsOwn(p.candidate));
  // What a page says of the thing before its exceptions comes along with them: "is that
  // covered?" is told "All … tents … carry a lifetime warranty against defects" before "The
  // warranty does not cover normal wear and tear …", not the exceptions alone, which read as no.
  const first = again[0]?.candidate;
  if (first === undefined) return [];
  const before = chosen.filter(
    (p) => p.candidate.doc === first.doc && p.candidate.index < first.index,
  );
  return [...before, ...again];
}
