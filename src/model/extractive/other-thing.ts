import { TermMatcher } from '../../rag/search/highlight.js';
import { differentThings } from '../../rag/search/synonyms.js';
import { headsOf, searchable, type Document } from './documents.js';
import type { Candidate, Scored } from './scoring.js';

/**
 * The sentences, with those about a thing known to be other than what is asked (see
 * `differentThings`) no longer relevant: a sentence that names the other thing (in itself, or in
 * the title or a heading it stands under) and not the thing asked. Asked "I forgot my pin", what
 * a page says under "Resetting your password" is about passwords, though it shares "forgot"
 * with the question: were it quoted, the reply would pretend the password steps answer it.
 */
export function leaveOutOtherThings(
  scored: Scored,
  question: string,
  documents: readonly Document[],
): Scored {
  const things = differentThings(question);
  if (things.length === 0) return scored;
  const pairs = things.map((t) => ({
    asked: new TermMatcher([t.asked]),
    other: new TermMatcher(t.others),
  }));
  const heads = documents.map((d) => searchable(headsOf(d)));
  const aboutOther = (c: Candidate): boolean => {
    const text = `${searchable(c.unit.text)}\n${heads[c.doc] ?? ''}`;
    return pairs.some((p) => p.other.testLowercase(text) && !p.asked.testLowercase(text));
  };
  let changed = false;
  const candidates = scored.candidates.map((c) => {
    if (!c.relevant || !aboutOther(c)) return c;
    changed = true;
    return { ...c, relevant: false };
  });
  return changed ? { ...scored, candidates } : scored;
}
