import { tokenize, type Token } from './tokenize.js';

/** A set of phrases compiled for whole-word matching, indexed by their first word. */
export interface PhraseSet {
  readonly byFirstWord: ReadonlyMap<string, readonly (readonly string[])[]>;
}

/** Where a phrase matched: token indexes, `end` exclusive. */
export interface PhraseMatch {
  readonly start: number;
  readonly end: number;
}

/**
 * Compiles phrases ("legal action", "rip-off", "asap") into word sequences, tokenized the way
 * messages are, so a phrase only ever matches whole words.
 */
export function phraseSet(phrases: Iterable<string>): PhraseSet {
  const byFirstWord = new Map<string, string[][]>();
  for (const phrase of phrases) {
    const words = tokenize(phrase).map((token) => token.word);
    const first = words[0];
    if (first === undefined) continue;
    const list = byFirstWord.get(first) ?? [];
    list.push(words);
    byFirstWord.set(first, list);
  }
  // Longest first, so "customer service representative" wins over "customer service".
  for (const list of byFirstWord.values()) list.sort((a, b) => b.length - a.length);
  return { byFirstWord };
}

/**
 * The number of tokens of the longest phrase of `set` that starts at `index`, or 0. A phrase
 * never spans a punctuation mark: "real, person" is not "real person".
 */
export function matchPhraseAt(set: PhraseSet, tokens: readonly Token[], index: number): number {
  const first = tokens[index];
  if (first === undefined) return 0;
  const candidates = set.byFirstWord.get(first.word);
  if (candidates === undefined) return 0;
  for (const words of candidates) {
    if (sequenceAt(tokens, index, words, first.clause)) return words.length;
  }
  return 0;
}

/** Every non-overlapping match of `set` in `tokens`, left to right. */
export function findPhrases(set: PhraseSet, tokens: readonly Token[]): PhraseMatch[] {
  const matches: PhraseMatch[] = [];
  for (let index = 0; index < tokens.length; index += 1) {
    const length = matchPhraseAt(set, tokens, index);
    if (length === 0) continue;
    matches.push({ start: index, end: index + length });
    index += length - 1;
  }
  return matches;
}

function sequenceAt(
  tokens: readonly Token[],
  index: number,
  words: readonly string[],
  clause: number,
): boolean {
  for (let offset = 0; offset < words.length; offset += 1) {
    const token = tokens[index + offset];
    if (token === undefined || token.clause !== clause || token.word !== words[offset]) {
      return false;
    }
  }
  return true;
}

/** The original text that tokens `start`..`end` (exclusive) came from, for a reason's detail. */
export function quote(text: string, tokens: readonly Token[], start: number, end: number): string {
  const first = tokens[start];
  const last = tokens[end - 1];
  if (first === undefined || last === undefined) return '';
  const excerpt = text.slice(first.start, last.end).replace(/\s+/gu, ' ');
  return excerpt.length > 80 ? `${excerpt.slice(0, 77)}...` : excerpt;
}
