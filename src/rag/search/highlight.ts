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

/**
 * A pattern that finds the words of a text sharing a stem with one of `terms` ("reset" finds
 * "resetting", "policy" finds "policies"), the way the index matches them.
 */
export function termPattern(terms: readonly string[]): RegExp | null {
  const stems = [...new Set(terms.map((t) => stemmer(t)).filter((s) => s.length > 0))];
  if (stems.length === 0) return null;
  const alternatives = stems.map((s) => {
    const safe = s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // Porter turns a final y into i ("polici"): accept either.
    return safe.endsWith('i') ? `${safe.slice(0, -1)}[iy]` : safe;
  });
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})[\\p{L}\\p{N}]*`, 'giu');
}

/**
 * A short passage of `text` around its best cluster of matches, HTML-escaped, with the matched
 * words wrapped in `<mark>`. Falls back to the start of the text when nothing matches.
 */
export function snippet(text: string, pattern: RegExp | null, maxWords = 32): string {
  const tokens = text.split(/\s+/).filter((t) => t !== '');
  const hits = tokens.map((t) => (pattern ? ((pattern.lastIndex = 0), pattern.test(t)) : false));
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
  const window = tokens.slice(start, start + maxWords);
  const body = window
    .map((t) => {
      const escaped = escapeHtml(t);
      return pattern ? escaped.replace(pattern, (m) => `<mark>${m}</mark>`) : escaped;
    })
    .join(' ');
  return `${start > 0 ? '… ' : ''}${body}${start + maxWords < tokens.length ? ' …' : ''}`;
}
