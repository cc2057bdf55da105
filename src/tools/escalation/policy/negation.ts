import type { Token } from './tokenize.js';
import { words } from './word-list.js';

// Apostrophe-less spellings are common in chat ("dont", "cant"), so they count too.
const NEGATORS = new Set(
  words(`
    not no never nor cannot without nothing nobody none neither dont doesnt didnt isnt arent
    wasnt werent cant couldnt wont wouldnt shouldnt havent hasnt hadnt aint neednt
  `),
);

/** Negations of ability: "I can't reach a human" complains, it does not decline. */
const ABILITY_NEGATORS = new Set(["can't", 'cant', 'cannot', "couldn't", 'couldnt', 'unable']);

/** Words that end a negation's reach inside a clause: "I don't know, so get me a person". */
const SCOPE_BREAKERS = new Set(words('but so and because just instead then please'));

const SUBJECT_PRONOUNS = new Set(words('i you we they u'));

/** Whether `word` negates what follows: "not", "never", "no", "don't", "cant", … */
export function isNegator(word: string): boolean {
  return NEGATORS.has(word) || word.endsWith("n't");
}

/** Whether `word` negates an ability rather than a wish ("can't", "couldn't", "unable"). */
export function isAbilityNegator(word: string): boolean {
  return ABILITY_NEGATORS.has(word);
}

/**
 * The index of a negator that governs the words starting at `index`: one in the same clause,
 * at most `window` words before, with no "but"/"so"/"and" in between. Rhetorical negations do
 * not count: "why can't I …" and inverted questions such as "can't I …", "don't you …" ask for
 * something rather than decline it. Returns -1 when nothing negates.
 */
export function governingNegator(tokens: readonly Token[], index: number, window: number): number {
  const clause = tokens[index]?.clause;
  for (let back = 1; back <= window; back += 1) {
    const token = tokens[index - back];
    if (token === undefined || token.clause !== clause) return -1;
    if (SCOPE_BREAKERS.has(token.word)) return -1;
    if (!isNegator(token.word)) continue;
    const next = tokens[index - back + 1];
    const previous = tokens[index - back - 1];
    const invertedQuestion =
      next !== undefined && next.clause === clause && SUBJECT_PRONOUNS.has(next.word);
    const rhetorical = previous !== undefined && previous.word === 'why';
    if (invertedQuestion || rhetorical) continue;
    return index - back;
  }
  return -1;
}
