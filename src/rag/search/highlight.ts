import { stemmer } from 'stemmer';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

// One pattern compiled once: a regular expression made per query would be compiled by V8 on
// first use, which cost about a millisecond for every new question.
const WORD = /[\p{L}\p{N}]+/gu;
const PLAIN_WORD = /^[\p{L}\p{N}]+$/u;

/**
 * Finds the words of a text that share a stem with the search terms ("reset" finds
 * "resetting", "policy" finds "policies"), the way the index matches them.
 */
export class TermMatcher {
  readonly #prefixes: string[];

  constructor(terms: readonly string[]) {
    const prefixes = new Set<string>();
    for (const term of terms) {
      const stem = stemmer(term.toLowerCase());
      if (stem === '') continue;
      prefixes.add(stem);
      // Porter turns a final y into i ("polici"): accept the y as well.
      if (stem.endsWith('i')) prefixes.add(`${stem.slice(0, -1)}y`);
    }
    this.#prefixes = [...prefixes];
  }

  /** Whether there is anything to match. */
  get empty(): boolean {
    return this.#prefixes.length === 0;
  }

  /** Whether one word (letters and digits only) matches. */
  matchesWord(word: string): boolean {
    const lower = word.toLowerCase();
    return this.#prefixes.some((p) => lower.startsWith(p));
  }

  /** Whether any word of `text` matches. */
  test(text: string): boolean {
    if (this.#prefixes.length === 0) return false;
    if (PLAIN_WORD.test(text)) return this.matchesWord(text);
    for (const match of text.matchAll(WORD)) if (this.matchesWord(match[0])) return true;
    return false;
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

/**
 * A short passage of `text` around its best cluster of matches, HTML-escaped, with the matched
 * words wrapped in `<mark>`. Falls back to the start of the text when nothing matches.
 */
export function snippet(text: string, matcher: TermMatcher, maxWords = 32): string {
  const tokens = text.split(/\s+/).filter((t) => t !== '');
  const hits = tokens.map((t) => matcher.test(t));
  let best = 0;
  let bestCount = -1;
  let count = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (hits[i]) count++;
    if (i >= maxWords && hits[i - maxWords]) count--;
    if (count > bestCount) {
      bestCount = count;
      best = Math.max(0, i - maxWords + 1);
    }
  }
  const start = bestCount > 0 ? Math.max(0, best - 4) : 0;
  const body = tokens
    .slice(start, start + maxWords)
    .map((t, i) => (hits[start + i] ? matcher.mark(t) : escapeHtml(t)))
    .join(' ');
  return `${start > 0 ? '… ' : ''}${body}${start + maxWords < tokens.length ? ' …' : ''}`;
}
