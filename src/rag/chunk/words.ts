const TOKEN = /\S+/g;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * Where each word of `text` starts. A word is a whitespace-separated token with a letter or a
 * digit in it, so list dashes, table pipes and lone punctuation do not count towards a chunk's
 * size. (Tokens are tested one by one: a single pattern for "token with a letter" backtracks
 * quadratically over long runs of punctuation such as `=====`.)
 */
function wordStarts(text: string): number[] {
  const starts: number[] = [];
  for (const match of text.matchAll(TOKEN)) {
    if (LETTER_OR_DIGIT.test(match[0])) starts.push(match.index);
  }
  return starts;
}

/** The number of words in `text`. */
export function countWords(text: string): number {
  return wordStarts(text).length;
}

/** The end of `text` from its `count`-th last word on, keeping the original line breaks. */
export function lastWords(text: string, count: number): string {
  if (count <= 0) return '';
  const starts = wordStarts(text);
  if (starts.length <= count) return text.trim();
  return text.slice(starts[starts.length - count]).trim();
}

/** `text` cut into runs of at most `max` words each. */
export function splitWords(text: string, max: number): string[] {
  const starts = wordStarts(text);
  const pieces: string[] = [];
  for (let first = 0; first < starts.length; first += max) {
    const from = first === 0 ? 0 : starts[first];
    const to = starts[first + max] ?? text.length;
    pieces.push(text.slice(from, to).trim());
  }
  return pieces.length > 0 ? pieces : [text];
}

/**
 * The sentences of `text`: it is cut after `.`, `!`, `?` or `…` (and a closing quote or bracket)
 * followed by whitespace, and after the ideographic `。！？`, which take no space.
 */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?…]["'”’)\]]*)\s+|(?<=[。！？])/u)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence !== '');
}
