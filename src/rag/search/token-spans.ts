import type { TermMatcher } from './highlight.js';

/** The tokens of a text (runs of non-white space) as offsets: token i is `text.slice(starts[i], ends[i])`. */
export interface TokenSpans {
  starts: number[];
  ends: number[];
}

const SPACE = /\s/;

/** Whether a UTF-16 code unit is white space as `\s` sees it. */
function isSpace(code: number): boolean {
  if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  return SPACE.test(String.fromCharCode(code));
}

/** The tokens of `text`, as `text.split(/\s+/)` gives them, without making a string of each. */
export function tokenSpans(text: string): TokenSpans {
  const starts: number[] = [];
  const ends: number[] = [];
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    if (isSpace(text.charCodeAt(i))) {
      if (start >= 0) {
        starts.push(start);
        ends.push(i);
        start = -1;
      }
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) {
    starts.push(start);
    ends.push(text.length);
  }
  return { starts, ends };
}

/** Which tokens hold a word that one of the matchers matches, from one search of the whole text. */
export function matchedTokens(
  text: string,
  spans: TokenSpans,
  matchers: readonly TermMatcher[],
): boolean[] {
  const { starts, ends } = spans;
  const lower = text.toLowerCase();
  // A few characters lowercase to more than one ("İ"): then the offsets would not line up.
  if (lower.length !== text.length) {
    return starts.map((start, i) => {
      const token = text.slice(start, ends[i]);
      return matchers.some((m) => m.test(token));
    });
  }
  const found = matchers.flatMap((m) => m.matchStarts(lower));
  if (matchers.length > 1) found.sort((a, b) => a - b);
  const hits = new Array<boolean>(starts.length).fill(false);
  let next = 0;
  for (let i = 0; i < starts.length && next < found.length; i++) {
    const end = ends[i] as number;
    while (next < found.length && (found[next] as number) < end) {
      if ((found[next] as number) >= (starts[i] as number)) hits[i] = true;
      next++;
    }
  }
  return hits;
}
