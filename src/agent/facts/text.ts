// Letters, digits and combining marks: the characters a word boundary must not cut through.
const WORD_CHAR = /^[\p{L}\p{N}\p{M}_]$/u;

/** Whether `ch` (one UTF-16 unit, or undefined past either end) belongs to a word. */
export function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && WORD_CHAR.test(ch);
}

/** Whether `ch` is an ASCII digit. */
export function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

/** How far the context of a fact reaches either side, in characters. */
const CONTEXT_REACH = 120;

/**
 * The sentence around `[start, end)`, at most {@link CONTEXT_REACH} characters either side, with
 * control characters and runs of whitespace turned into single spaces: it is stored and shown
 * later, so a pasted log line must not carry its terminal escapes along.
 */
export function contextOf(text: string, start: number, end: number): string {
  let from = start;
  const floor = Math.max(0, start - CONTEXT_REACH);
  while (from > floor && !endsSentence(text, from - 1)) from--;
  const cutBefore = from > 0 && !endsSentence(text, from - 1);
  let to = end;
  const ceiling = Math.min(text.length, end + CONTEXT_REACH);
  while (to < ceiling && !endsSentence(text, to)) to++;
  const cutAfter = to < text.length && !endsSentence(text, to);
  if (!cutAfter && to < text.length) to++;
  const body = text
    .slice(from, to)
    // eslint-disable-next-line no-control-regex
    .replace(/[\s\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .trim();
  return `${cutBefore ? '… ' : ''}${body}${cutAfter ? ' …' : ''}`;
}

/** Whether position `i` ends a sentence: a line break, or `.!?` followed by white space. */
function endsSentence(text: string, i: number): boolean {
  const ch = text[i];
  if (ch === '\n' || ch === '\r') return true;
  return (ch === '.' || ch === '!' || ch === '?') && /\s/.test(text[i + 1] ?? ' ');
}
