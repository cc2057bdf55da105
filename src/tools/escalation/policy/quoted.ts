import type { Token } from './tokenize.js';

/** Marks that open a quotation, with the mark that closes it. */
const QUOTE_PAIRS: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ['“', '”'],
  ['«', '»'],
  ["'", "'"],
  ['‘', '’'],
]);

/**
 * Longest quotation read as a term the customer names rather than says: "chargeback
 * protection", "legal hold". A longer one is reported speech, and a threat reported ("I told
 * them \"I will take you to court\"") is still a threat.
 */
const MAX_TERM_WORDS = 3;

/**
 * For each token, whether it is a short term in quotation marks: "what does \"chargeback
 * protection\" mean?", "the 'fraud alert' setting". A word in quotes is mentioned, not used: the
 * customer asks about a name on a page or a plan, so it is no sign of what happened to them.
 * Straight single quotes count only around whole words, so the apostrophes of "don't" and
 * "customers'" open nothing. Linear in the length of the message.
 */
export function quotedTerms(text: string, tokens: readonly Token[]): boolean[] {
  const inside = new Array<boolean>(tokens.length).fill(false);
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index];
    if (token === undefined) break;
    const close = QUOTE_PAIRS.get(openingMark(text, tokens, index));
    if (close === undefined) {
      index += 1;
      continue;
    }
    let last = index;
    while (
      last - index < MAX_TERM_WORDS &&
      !closes(text, tokens, last, close) &&
      tokens[last + 1]?.sentence === token.sentence
    ) {
      last += 1;
    }
    if (closes(text, tokens, last, close)) {
      for (let covered = index; covered <= last; covered += 1) inside[covered] = true;
      index = last + 1;
    } else {
      index += 1;
    }
  }
  return inside;
}

/** The quotation mark right before the token, after a space or the start, or ''. */
function openingMark(text: string, tokens: readonly Token[], index: number): string {
  const start = tokens[index]?.start ?? 0;
  const mark = text[start - 1] ?? '';
  const before = text[start - 2];
  const atWordStart = before === undefined || /[\s([{]/u.test(before);
  return atWordStart ? mark : '';
}

/** Whether `close` follows the token right after it, before a space, a mark or the end. */
function closes(text: string, tokens: readonly Token[], index: number, close: string): boolean {
  const end = tokens[index]?.end ?? 0;
  if (text[end] !== close) return false;
  const after = text[end + 1];
  return after === undefined || !/[\p{L}\p{N}]/u.test(after);
}
