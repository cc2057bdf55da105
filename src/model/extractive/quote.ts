import { words } from '../../rag/search/query-terms.js';
import { matchedTokens, tokenSpans, type TokenSpans } from '../../rag/search/token-spans.js';
import type { Unit } from './documents.js';
import type { QuestionTerm } from './question-terms.js';
import type { Candidate } from './scoring.js';

// What an answer quotes of the sentences chosen, and how much of it there may be.

/** At most this many sentences are chosen on merit (list items under a chosen intro come along). */
export const MAX_SENTENCES = 3;
/** Words the quoted part of an answer may hold. */
export const MAX_ANSWER_WORDS = 90;
/** A longer sentence is quoted as a window of {@link WINDOW_WORDS} around its matches. */
const LONG_SENTENCE_WORDS = 50;
const WINDOW_WORDS = 40;

/** A sentence chosen for the answer, with the text to quote. */
export interface Pick {
  candidate: Candidate;
  /** The sentence, or the window of a long one, with "…" where it was cut. */
  quote: string;
}

/** The sentence, or for a long one the window of words with most matches. */
export function quoteOf(c: Candidate, terms: readonly QuestionTerm[]): string {
  return sizedQuoteOf(c, terms).quote;
}

/** A sentence's quote (see {@link quoteOf}), with its {@link wordCount}. */
export interface SizedQuote {
  quote: string;
  size: number;
}

/**
 * {@link quoteOf}, with the words it holds: a window's are known from the words it spans, so
 * the quote is not read again to count them. `terms` are those `c` was scored against (its
 * `matched` are indices of them).
 */
export function sizedQuoteOf(c: Candidate, terms: readonly QuestionTerm[]): SizedQuote {
  const text = c.unit.text;
  // Most sentences are short: counting their spaces is cheaper than splitting them.
  if (spacesUpTo(text, LONG_SENTENCE_WORDS) < LONG_SENTENCE_WORDS) {
    return { quote: text, size: unitWordCount(c.unit) };
  }
  // A unit's text has single spaces between its words: its tokens are these words, and a run
  // of them is the text from the first one's start to the last one's end.
  const { spans, lower } = longSentence(c.unit);
  const count = spans.starts.length;
  const hits =
    lower === undefined
      ? matchedTokens(
          text,
          spans,
          terms.map((term) => term.matcher),
        )
      : hitTokens(spans, lower, c.matched, terms);
  let best = 0;
  let bestCount = -1;
  let inWindow = 0;
  for (let i = 0; i < count; i++) {
    if (hits[i]) inWindow++;
    if (i >= WINDOW_WORDS && hits[i - WINDOW_WORDS]) inWindow--;
    const from = Math.max(0, i - WINDOW_WORDS + 1);
    if (inWindow > bestCount) {
      bestCount = inWindow;
      best = from;
    }
  }
  // Centre the window on the matches it holds: the words around a match explain it.
  let first = best;
  while (first < best + WINDOW_WORDS && !hits[first]) first++;
  let last = Math.min(count, best + WINDOW_WORDS) - 1;
  while (last > first && !hits[last]) last--;
  const from = Math.max(
    0,
    Math.min(count - WINDOW_WORDS, Math.round((first + last - WINDOW_WORDS) / 2)),
  );
  const to = Math.min(count, from + WINDOW_WORDS);
  const window = text.slice(spans.starts[from], spans.ends[to - 1]);
  const cutBefore = from > 0;
  const cutAfter = from + WINDOW_WORDS < count;
  const quote = `${cutBefore ? '… ' : ''}${window}${cutAfter ? ' …' : ''}`;
  // The window holds words `from` to `to` - 1, each a run of non-white space as `wordCount`
  // counts them, and each "…" is one more.
  const size =
    count === 0 ? wordCount(quote) : to - from + (cutBefore ? 1 : 0) + (cutAfter ? 1 : 0);
  return { quote, size };
}

/** What quoting a window of a long sentence reads of it: kept on the unit, which outlives the turn. */
export interface LongSentence {
  spans: TokenSpans;
  /**
   * Its text lowercased, when that is its `searchText` (plain ASCII text, which `searchable`
   * does not normalise): then only the question terms it was found to hold can match in it.
   */
  lower: string | undefined;
}

function longSentence(unit: Unit): LongSentence {
  unit.long ??= {
    spans: tokenSpans(unit.text),
    lower: NOT_PLAIN.test(unit.text) ? undefined : unit.searchText,
  };
  return unit.long;
}

/** A character `searchable` would normalise: see `searchable` in documents.ts. */
const NOT_PLAIN = /[^\t\n\r\u0020-\u007e]/;

/**
 * Which tokens hold a word that one of the terms `matched` matches, in `lower`, the sentence's
 * text lowercased and its `searchText`: the terms it does not hold match nowhere in it.
 */
function hitTokens(
  spans: TokenSpans,
  lower: string,
  matched: ReadonlySet<number>,
  terms: readonly QuestionTerm[],
): boolean[] {
  const { starts, ends } = spans;
  const hits = new Array<boolean>(starts.length).fill(false);
  for (const k of matched) {
    const term = terms[k];
    if (term === undefined) continue;
    for (const at of term.matcher.matchStarts(lower)) {
      const i = tokenAt(starts, at);
      if (i >= 0 && at < (ends[i] as number)) hits[i] = true;
    }
  }
  return hits;
}

/** The index of the last token that starts at or before `at`; -1 when none does. */
function tokenAt(starts: readonly number[], at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((starts[mid] as number) <= at) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** The {@link wordCount} of a unit's text, counted once: kept on the unit. */
export function unitWordCount(unit: Unit): number {
  unit.words ??= wordCount(unit.text);
  return unit.words;
}

/** How many spaces `text` holds, counting no further than `max`. */
function spacesUpTo(text: string, max: number): number {
  let spaces = 0;
  for (let at = text.indexOf(' '); at !== -1 && spaces < max; at = text.indexOf(' ', at + 1)) {
    spaces++;
  }
  return spaces;
}

/** The words of `text`: its runs of characters other than white space (as `\s` means it). */
export function wordCount(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = isSpace(text.charCodeAt(i));
    if (!space && !inWord) count++;
    inWord = !space;
  }
  return count;
}

/** Whether a UTF-16 code unit is white space as the regular expression class `\s` has it. */
function isSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** The longer words of a sentence, read once: kept on the unit, which outlives the turn. */
function longWords(unit: Unit): ReadonlySet<string> {
  unit.longWords ??= new Set(words(unit.text).filter((w) => w.length > 2));
  return unit.longWords;
}

/** Whether two sentences say nearly the same thing (Jaccard of their words ≥ 0.6). */
export function nearDuplicate(a: Unit, b: Unit): boolean {
  const x = longWords(a);
  const y = longWords(b);
  if (x.size === 0 || y.size === 0) return a.text === b.text;
  let shared = 0;
  for (const w of x) if (y.has(w)) shared++;
  return shared / (x.size + y.size - shared) >= 0.6;
}
