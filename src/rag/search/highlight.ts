import { stem as stemWord } from '../../store/lexical/search-text.js';
import { matchedTokens, tokenSpans } from './token-spans.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

const SPECIAL = /[&<>"']/;

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  // Most text has nothing to escape; finding that out costs far less than a replace.
  return SPECIAL.test(text) ? text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string) : text;
}

// One pattern compiled once: a regular expression made per query would be compiled by V8 on
// first use, which cost about a millisecond for every new question.
const WORD = /[\p{L}\p{N}]+/gu;
const PLAIN_WORD = /^[\p{L}\p{N}]+$/u;
const WORD_CHAR = /^[\p{L}\p{N}]$/u;

/** Whether the character that ends just before `at` is a letter or a digit. */
function wordCharBefore(text: string, at: number): boolean {
  if (at === 0) return false;
  const code = text.charCodeAt(at - 1);
  if (code < 0x80) {
    // a-z, A-Z, 0-9: the only ASCII letters and digits.
    return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90);
  }
  // The second half of a surrogate pair: the character is the pair.
  const from = code >= 0xdc00 && code <= 0xdfff && at >= 2 ? at - 2 : at - 1;
  return WORD_CHAR.test(String.fromCodePoint(text.codePointAt(from) as number));
}

/** Whether the character at `at` is a letter or a digit (the first half of a pair counts). */
function wordCharAt(text: string, at: number): boolean {
  if (at >= text.length) return false;
  const code = text.charCodeAt(at);
  if (code < 0x80) {
    return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90);
  }
  return WORD_CHAR.test(String.fromCodePoint(text.codePointAt(at) as number));
}

/** The word of `text` that starts at `at`. */
function wordAt(text: string, at: number): string {
  let end = at;
  while (wordCharAt(text, end)) end += (text.codePointAt(end) as number) > 0xffff ? 2 : 1;
  return text.slice(at, end);
}

/**
 * Finds the words of a text that share a stem with the search terms ("reset" finds
 * "resetting", "policy" finds "policies"), the way the index matches them: "car" does not find
 * "card", nor "2" find "24".
 *
 * A word can only match when it starts with a term's stem (or with the stem less the final e
 * Porter gives back: "placing" is "place"). Since a stem is made of letters and digits only,
 * that is the stem occurring in the lowercased text where no letter or digit comes just before
 * it: so a text is searched with `indexOf`, never split into words, and only the words found so
 * are stemmed, to compare.
 */
export class TermMatcher {
  readonly #prefixes: string[];
  readonly #stems: Set<string>;

  constructor(terms: readonly string[]) {
    const prefixes = new Set<string>();
    this.#stems = new Set();
    for (const term of terms) {
      const stem = stemWord(term.toLowerCase());
      // A stem with anything but letters and digits can never start a word.
      if (!PLAIN_WORD.test(stem)) continue;
      prefixes.add(stem);
      this.#stems.add(stem);
      // Porter turns a final y into i ("polici"): a word may start with the y instead.
      if (stem.endsWith('i')) prefixes.add(`${stem.slice(0, -1)}y`);
      // Porter gives back the e that "-ing" took ("placing", "driving", "timing": "place",
      // "drive", "time"), and such a word starts without it. Not for a term that ends in s: a
      // noun's plural ("places" to eat) is no "-ing" of a verb ("Placing an order"), though
      // Porter joins them. Never an empty prefix ("e"), which `indexOf` finds everywhere.
      else if (stem.endsWith('e') && stem.length > 1 && !term.toLowerCase().endsWith('s')) {
        prefixes.add(stem.slice(0, -1));
      }
    }
    this.#prefixes = [...prefixes];
  }

  /** Whether the word of `lower` that starts at `at` (a hit of a prefix) has a term's stem. */
  #wordMatchesAt(lower: string, at: number): boolean {
    return !wordCharBefore(lower, at) && this.#stems.has(stemWord(wordAt(lower, at)));
  }

  /** Whether there is anything to match. */
  get empty(): boolean {
    return this.#prefixes.length === 0;
  }

  /** Whether one word (letters and digits only) matches. */
  matchesWord(word: string): boolean {
    const lower = word.toLowerCase();
    return this.#prefixes.some((p) => lower.startsWith(p)) && this.#stems.has(stemWord(lower));
  }

  /** Whether any word of `text` matches. */
  test(text: string): boolean {
    if (this.#prefixes.length === 0) return false;
    return this.testLowercase(text.toLowerCase());
  }

  /** {@link test} for a text already in lower case: for callers that test one text often. */
  testLowercase(lower: string): boolean {
    for (const prefix of this.#prefixes) {
      for (let at = lower.indexOf(prefix); at !== -1; at = lower.indexOf(prefix, at + 1)) {
        if (this.#wordMatchesAt(lower, at)) return true;
      }
    }
    return false;
  }

  /** Where the matching words of a lowercased text start, in ascending order. */
  matchStarts(lower: string): number[] {
    const starts: number[] = [];
    for (const prefix of this.#prefixes) {
      for (let at = lower.indexOf(prefix); at !== -1; at = lower.indexOf(prefix, at + 1)) {
        if (this.#wordMatchesAt(lower, at)) starts.push(at);
      }
    }
    return this.#prefixes.length > 1 ? starts.sort((a, b) => a - b) : starts;
  }

  /** `token`, HTML-escaped, with its matching words in `<mark>`. */
  mark(token: string): string {
    let out = '';
    let last = 0;
    for (const match of token.matchAll(WORD)) {
      if (!this.matchesWord(match[0])) continue;
      const start = match.index;
      out += `${escapeHtml(token.slice(last, start))}<mark>${escapeHtml(match[0])}</mark>`;
      last = start + match[0].length;
    }
    return out + escapeHtml(token.slice(last));
  }
}

const ODD_SPACE = /[^\S ]| {2}/;

/** A stretch of text between matched words: white space made single spaces, HTML-escaped. */
function plainText(stretch: string): string {
  return escapeHtml(ODD_SPACE.test(stretch) ? stretch.replace(/\s+/g, ' ') : stretch);
}

/** Words of context shown before the first match of a snippet. */
const LEAD_WORDS = 4;

/**
 * A short passage of `text` around its best cluster of matches, HTML-escaped, with the matched
 * words wrapped in `<mark>`: the `maxWords` words that hold the most matches (the earliest such
 * window), started a few words before its first match when that keeps every match in view.
 * Falls back to the start of the text when nothing matches.
 */
export function snippet(text: string, matcher: TermMatcher, maxWords = 32): string {
  const spans = tokenSpans(text);
  const total = spans.starts.length;
  const hits = matchedTokens(text, spans, [matcher]);
  // The window ending at `last` holds the most matches; `last` is a match itself.
  let last = -1;
  let bestCount = 0;
  let count = 0;
  for (let i = 0; i < total; i++) {
    if (hits[i]) count++;
    if (i >= maxWords && hits[i - maxWords]) count--;
    if (count > bestCount) {
      bestCount = count;
      last = i;
    }
  }
  let start = 0;
  if (bestCount > 0) {
    let first = Math.max(0, last - maxWords + 1);
    while (!hits[first]) first++;
    start = Math.max(0, first - LEAD_WORDS, last - maxWords + 1);
    // Near the end of the text, show a full window rather than fewer words.
    start = Math.min(start, Math.max(0, total - maxWords));
  }
  const end = Math.min(total, start + maxWords);
  if (end === 0) return '';
  // The text between matched words goes out a stretch at a time, its white space made single
  // spaces (as joining the words with spaces would), escaped once.
  let body = '';
  let from = spans.starts[start] as number;
  for (let i = start; i < end; i++) {
    if (!hits[i]) continue;
    const tokenStart = spans.starts[i] as number;
    body += plainText(text.slice(from, tokenStart));
    body += matcher.mark(text.slice(tokenStart, spans.ends[i]));
    from = spans.ends[i] as number;
  }
  body += plainText(text.slice(from, spans.ends[end - 1]));
  return `${start > 0 ? '… ' : ''}${body}${end < total ? ' …' : ''}`;
}
