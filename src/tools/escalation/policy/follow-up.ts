import { matchPhraseAt, phraseSet } from './phrases.js';
import type { Token } from './tokenize.js';
import { words } from './word-list.js';

/**
 * How a follow-up that leans on the question before it opens: "and overnight?", "what about
 * Sunday?", "how about for two?". "But" is not here: "but where is my refund?" insists.
 */
const FOLLOW_UP_OPENERS = phraseSet([
  'and',
  'or',
  'also',
  'plus',
  'then',
  'what about',
  'how about',
  'what if',
  'and what about',
  'and how about',
  'and if',
  'and for',
  'and on',
  'same for',
  'same question for',
]);

/** Words a question opens with, when it has no question mark ("where is my refund"). */
const QUESTION_OPENERS = new Set(
  words(
    'where when what whats why how who which whose can could would will is are was were do does ' +
      "did has have any where's when's what's how's who's",
  ),
);

/** Words that say a matter is still open: "I still don't have my refund", "no refund yet". */
const STILL_OPEN = new Set(words('still yet'));

/** Whether the message opens as a follow-up to the question before it ("and overnight?"). */
export function opensAsFollowUp(tokens: readonly Token[]): boolean {
  return matchPhraseAt(FOLLOW_UP_OPENERS, tokens, 0) > 0;
}

/**
 * Whether the message asks something, or says that something asked is still not done: a
 * question mark, a question word first, or "still"/"yet" ("I still don't have my refund").
 */
export function asksOrPresses(text: string, tokens: readonly Token[]): boolean {
  if (text.includes('?')) return true;
  const first = tokens[0]?.word;
  if (first !== undefined && QUESTION_OPENERS.has(first)) return true;
  return saysStillOpen(tokens);
}

/** Whether the message says something is still not done: "still crashes", "no refund yet". */
export function saysStillOpen(tokens: readonly Token[]): boolean {
  return tokens.some((token) => STILL_OPEN.has(token.word));
}

/** Whether every word of `asked` is in `earlier`: it adds nothing the earlier one did not ask. */
export function addsNothing(asked: ReadonlySet<string>, earlier: ReadonlySet<string>): boolean {
  for (const word of asked) if (!earlier.has(word)) return false;
  return true;
}
