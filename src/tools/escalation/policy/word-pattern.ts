import type { Token } from './tokenize.js';

/** One position of a {@link WordPattern}: between `min` and `max` words taken from `words`. */
export interface Slot {
  readonly words: ReadonlySet<string>;
  readonly min: number;
  readonly max: number;
}

/** A sequence of slots, like a tiny regular expression over words. */
export type WordPattern = readonly Slot[];

/** A slot of exactly one word (by default) out of `words`. */
export function slot(words: readonly string[], min = 1, max = min): Slot {
  return { words: new Set(words), min, max };
}

/**
 * Matches `pattern` at token `index`, within one clause, and returns the exclusive end index of
 * the longest match, or -1. Slots are bounded (a few words each), so backtracking stays cheap.
 */
export function matchPatternAt(
  tokens: readonly Token[],
  index: number,
  pattern: WordPattern,
): number {
  const token = tokens[index];
  const first = pattern[0];
  if (token === undefined) return -1;
  // Most patterns start with a required word: rejecting on it first keeps a scan cheap.
  if (first !== undefined && first.min > 0 && !first.words.has(token.word)) return -1;
  return matchFrom(tokens, index, pattern, 0, token.clause);
}

function matchFrom(
  tokens: readonly Token[],
  position: number,
  pattern: WordPattern,
  slotIndex: number,
  clause: number,
): number {
  const current = pattern[slotIndex];
  if (current === undefined) return position;
  let run = 0;
  while (run < current.max) {
    const token = tokens[position + run];
    if (token === undefined || token.clause !== clause || !current.words.has(token.word)) break;
    run += 1;
  }
  for (let taken = run; taken >= current.min; taken -= 1) {
    const end = matchFrom(tokens, position + taken, pattern, slotIndex + 1, clause);
    if (end >= 0) return end;
  }
  return -1;
}

/** Patterns indexed by the word they must start with, so a scan tries only those that can match. */
export interface PatternSet {
  readonly byFirstWord: ReadonlyMap<string, readonly WordPattern[]>;
  /** Patterns whose first slot is optional: tried at every word. */
  readonly anywhere: readonly WordPattern[];
}

/** Indexes `patterns` for {@link matchAnyAt}. */
export function patternSet(patterns: readonly WordPattern[]): PatternSet {
  const byFirstWord = new Map<string, WordPattern[]>();
  const anywhere: WordPattern[] = [];
  for (const pattern of patterns) {
    const first = pattern[0];
    if (first === undefined || first.min === 0) {
      anywhere.push(pattern);
      continue;
    }
    for (const word of first.words) {
      const list = byFirstWord.get(word) ?? [];
      list.push(pattern);
      byFirstWord.set(word, list);
    }
  }
  return { byFirstWord, anywhere };
}

/** The exclusive end of the longest match of any pattern of `set` at `index`, or -1. */
export function matchAnyAt(set: PatternSet, tokens: readonly Token[], index: number): number {
  const token = tokens[index];
  if (token === undefined) return -1;
  let end = -1;
  const candidates = set.byFirstWord.get(token.word);
  if (candidates !== undefined) {
    for (const pattern of candidates) end = Math.max(end, matchPatternAt(tokens, index, pattern));
  }
  for (const pattern of set.anywhere) end = Math.max(end, matchPatternAt(tokens, index, pattern));
  return end;
}
