import { stem } from '../../../store/lexical/search-text.js';
import type { Token } from './tokenize.js';

// Function words, greetings and fillers: two messages that share only these are not the same
// question ("hi, thanks!" twice is not a repeat).
const STOPWORDS = new Set(
  (
    'a an the and or but if then so of to in on at by for with from about as into over after ' +
    'before up down out off again i me my mine we us our you your yours he him his she her it ' +
    'its they them their this that these those is am are was were be been being have has had do ' +
    "does did doing will would can could should shall may might must i'm i've i'd i'll you're " +
    "it's that's what's there's where's when's how's who's why's don't doesn't didn't can't " +
    "won't isn't aren't wasn't what which " +
    'cannot never nothing ' +
    'who whom whose when where why how all any some no not just very really too also only there ' +
    'here now still yet please pls plz thanks thank hi hello hey ok okay yes yeah well oh um ' +
    'get got let know tell'
  ).split(' '),
);

/** Only this many sentences of a message are compared one by one. */
const MAX_SENTENCES = 10;
const HAS_DIGIT = /\p{N}/u;

/**
 * What is compared between two messages: the stems of the content words of the whole message
 * ("How do I reset my password?" → {reset, password}), then of each of its first sentences
 * with two content words at least, so a question repeated inside a longer complaint ("I asked
 * twice. When will my refund arrive?") is still recognised. Stemming lets "resetting
 * passwords" match "reset password"; it is the search's own (`stem`), so words it keeps apart
 * ("customer" and "customs") are apart here too. One pass, each distinct word stemmed once.
 * Identifiers ("BL-20931", "order 5521") are left out: the same order number in two messages
 * says they are about one order, not that they ask one thing ("my order number is BL-20931",
 * then "can I cancel order BL-20931?").
 */
export function comparableUnits(tokens: readonly Token[]): Set<string>[] {
  const stems = new Map<string, string | undefined>();
  const whole = new Set<string>();
  const sentences: Set<string>[] = [];
  let current = new Set<string>();
  let sentence = tokens[0]?.sentence;
  for (const [index, token] of tokens.entries()) {
    if (token.sentence !== sentence) {
      if (current.size >= 2 && sentences.length < MAX_SENTENCES) sentences.push(current);
      current = new Set<string>();
      sentence = token.sentence;
    }
    let stemmed = stems.get(token.word);
    if (!stems.has(token.word)) {
      stemmed = isContentWord(token.word) ? stem(token.word) : undefined;
      stems.set(token.word, stemmed);
    }
    if (stemmed === undefined || identifier(token, tokens[index + 1])) continue;
    whole.add(stemmed);
    if (sentences.length < MAX_SENTENCES) current.add(stemmed);
  }
  if (current.size >= 2 && sentences.length < MAX_SENTENCES) sentences.push(current);
  return [whole, ...sentences];
}

/** A number, or the capitals a number follows right after ("BL" of "BL-20931"). */
function identifier(token: Token, next: Token | undefined): boolean {
  if (HAS_DIGIT.test(token.word)) return true;
  return (
    token.shouted && next !== undefined && next.start === token.end + 1 && HAS_DIGIT.test(next.word)
  );
}

/** Whether a word says what a message is about: not a function word, greeting or filler. */
export function isContentWord(word: string): boolean {
  return !STOPWORDS.has(word) && (word.length >= 2 || HAS_DIGIT.test(word));
}

/** Jaccard similarity of two sets: shared / all, 0 when both are empty. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  const shared = sharedCount(a, b);
  return shared / (a.size + b.size - shared);
}

/** How many words two sets share. */
export function sharedCount(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const word of a) if (b.has(word)) shared += 1;
  return shared;
}
