import { stem } from '../../store/lexical/search-text.js';
import { allMatches } from './all-matches.js';
import type { QuestionTerm } from './question-terms.js';
import type { Scored } from './scoring.js';

/**
 * A state of trouble the customer says something is not in: "card isn't frozen", "my account
 * is not locked", "it's not blocked". Told so, they have ruled it out as the cause: a sentence
 * about being in it ("If you misplace your card, you can freeze it …", "While your card is
 * frozen …") tells them what they know does not apply. A state that is no trouble ("my card
 * isn't activated") is the problem itself, and not read here.
 */
const NOT_IN_STATE =
  /\b(?:(?:is|are|was|were|am|s|been)\s+(?:not|never)|(?:isn|aren|wasn|weren)['’]?t)\s+(?:\p{L}+ly\s+)?(frozen|locked|blocked|suspended|paused|disabled|deactivated|restricted|barred|capped|throttled|on\s+hold)\b/giu;

/**
 * Words of the question other than the state ruled out that a sentence about it must hold to
 * stay an answer: it then speaks of more than the state ("A card payment may be declined if you
 * don't have enough money …, your card is frozen, or …" for "card declined but it isn't
 * frozen"), and the state weighs nothing in it.
 */
const OTHER_WORDS = 2;

/**
 * The sentences, with those about a state of trouble the message rules out (see
 * {@link NOT_IN_STATE}, and the words the search added for it: "freeze" for "frozen") no longer
 * relevant, unless they hold {@link OTHER_WORDS} other content words of the question; in those,
 * the state weighs nothing.
 */
export function leaveOutRuledOut(
  scored: Scored,
  question: string,
  terms: readonly QuestionTerm[],
): Scored {
  const states = new Set<string>();
  for (const m of allMatches(question.slice(0, 2_000), NOT_IN_STATE)) {
    for (const word of (m[1] as string).toLowerCase().split(/\s+/)) states.add(stem(word));
  }
  if (states.size === 0) return scored;
  const ruled = new Set<number>();
  terms.forEach((t, k) => {
    const stems = t.standsFor ?? [t.stem];
    if (!t.fromContext && stems.length > 0 && stems.some((s) => states.has(s))) ruled.add(k);
  });
  if (ruled.size === 0) return scored;
  const other = (k: number) => !ruled.has(k) && terms[k]?.weak === false;
  const candidates = scored.candidates.map((c) => {
    const held = [...c.matched, ...c.context];
    if (!c.relevant || !held.some((k) => ruled.has(k))) return c;
    if (held.filter(other).length < OTHER_WORDS) return { ...c, relevant: false };
    const lost = held.reduce((w, k) => w + (ruled.has(k) ? (scored.weights[k] ?? 0) : 0), 0);
    const total = held.reduce((w, k) => w + (scored.weights[k] ?? 0), 0);
    return { ...c, score: total > 0 ? c.score * (1 - lost / total) : c.score };
  });
  return { ...scored, candidates };
}
