import { words } from '../../rag/search/query-terms.js';
import { matchedTokens, tokenSpans } from '../../rag/search/token-spans.js';
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
  const text = c.unit.text;
  // Most sentences are short: counting their spaces is cheaper than splitting them.
  if (spacesUpTo(text, LONG_SENTENCE_WORDS) < LONG_SENTENCE_WORDS) return text;
  // A unit's text has single spaces between its words: its tokens are these words, and a run
  // of them is the text from the first one's start to the last one's end.
  const spans = tokenSpans(text);
  const count = spans.starts.length;
  const hits = matchedTokens(
    text,
    spans,
    terms.map((term) => term.matcher),
  );
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
  return `${from > 0 ? '… ' : ''}${window}${from + WINDOW_WORDS < count ? ' …' : ''}`;
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
