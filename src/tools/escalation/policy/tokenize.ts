/** One word of a message, lowercased, with what the policy needs to know about its context. */
export interface Token {
  /** The word, lowercased, with typographic apostrophes folded to `'` ("don’t" → "don't"). */
  readonly word: string;
  /** Whether the word was written in capitals (two letters at least): "NOW", "WORST". */
  readonly shouted: boolean;
  /**
   * Clause number: it goes up at every mark that ends a clause (`, ; : ( ) " —` and the
   * sentence ends), so two words with the same number are not separated by one.
   */
  readonly clause: number;
  /** Sentence number: it goes up at `.`, `!`, `?`, `…` and line breaks. */
  readonly sentence: number;
  /** Offsets in the original text, to quote what matched in a reason's detail. */
  readonly start: number;
  readonly end: number;
}

// A word is a run of letters, combining marks and digits; an apostrophe is kept only between
// word characters ("don't", "customer's"), so quotes around a word do not stick to it. An emoji
// is a word of its own ("😡"), with its variation selector if it has one. Everything else
// separates words; some characters also end a clause or a sentence.
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
const EMOJI = /\p{Extended_Pictographic}/u;
const SENTENCE_BREAKS = new Set([...'.!?\n\r…']);
const CLAUSE_BREAKS = new Set([...',;:()[]{}"“”«»|/\\—–']);
const VARIATION_SELECTOR = 0xfe0f;

/** What a character is to the tokenizer. */
type Kind = typeof SEPARATOR | typeof WORD | typeof PICTOGRAPH;
const SEPARATOR = 0;
const WORD = 1;
const PICTOGRAPH = 2;

/**
 * Splits text into words, whole words only: "know" is one token, so "now" can never match
 * inside it. Hyphens split words ("rip-off" → "rip", "off"); phrases are matched as sequences.
 * One pass over the characters, total on any string (lone surrogates, control characters).
 */
export function tokenize(text: string): Token[] {
  const lower = text.toLowerCase().replaceAll('’', "'");
  // A few characters change length when lower-cased ("İ"); offsets into `text` would drift,
  // so such text is lower-cased word by word instead.
  const aligned = lower.length === text.length;
  const source = aligned ? lower : text.replaceAll('’', "'");
  const upper = aligned && text !== lower ? text.toUpperCase() : undefined;
  const kinds = new Map<number, Kind>();
  const tokens: Token[] = [];
  let clause = 0;
  let sentence = 0;
  let index = 0;
  while (index < source.length) {
    const code = source.codePointAt(index) ?? 0;
    const kind = kindOf(code, kinds);
    if (kind === SEPARATOR) {
      const char = String.fromCodePoint(code);
      // A decimal point or a thousands separator is part of an amount ("£89.99", "£1,200"):
      // it ends neither a sentence nor a clause, so a charge and what is said of it stay together.
      if (inNumber(source, index, char)) {
        index += 1;
        continue;
      }
      if (SENTENCE_BREAKS.has(char)) {
        sentence += 1;
        clause += 1;
      } else if (CLAUSE_BREAKS.has(char)) {
        clause += 1;
      }
      index += code > 0xffff ? 2 : 1;
      continue;
    }
    const start = index;
    index = kind === PICTOGRAPH ? emojiEnd(source, index, code) : wordEnd(source, index, kinds);
    const raw = source.slice(start, index);
    const word = aligned ? raw : raw.toLowerCase();
    const shouted = index - start >= 2 && isShouted(text, source, upper, start, index, aligned);
    tokens.push({ word, shouted, clause, sentence, start, end: index });
  }
  return tokens;
}

function inNumber(source: string, index: number, char: string): boolean {
  return (
    (char === '.' || char === ',') &&
    isDigit(source.charCodeAt(index - 1)) &&
    isDigit(source.charCodeAt(index + 1))
  );
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function kindOf(code: number, cache: Map<number, Kind>): Kind {
  // ASCII fast path: the lower-cased text has no A–Z left, but exact mode may.
  if (code < 0x80) {
    const letterOrDigit =
      (code >= 0x61 && code <= 0x7a) ||
      (code >= 0x30 && code <= 0x39) ||
      (code >= 0x41 && code <= 0x5a);
    return letterOrDigit ? WORD : SEPARATOR;
  }
  let kind = cache.get(code);
  if (kind === undefined) {
    const char = String.fromCodePoint(code);
    kind = WORD_CHAR.test(char) ? WORD : EMOJI.test(char) ? PICTOGRAPH : SEPARATOR;
    cache.set(code, kind);
  }
  return kind;
}

function wordEnd(source: string, start: number, kinds: Map<number, Kind>): number {
  let index = start;
  while (index < source.length) {
    const code = source.codePointAt(index) ?? 0;
    if (kindOf(code, kinds) === WORD) {
      index += code > 0xffff ? 2 : 1;
      continue;
    }
    // An apostrophe between word characters stays inside the word: "don't".
    const next = source.codePointAt(index + 1);
    if (code === 0x27 && next !== undefined && kindOf(next, kinds) === WORD) {
      index += 1;
      continue;
    }
    break;
  }
  return index;
}

function emojiEnd(source: string, start: number, code: number): number {
  const end = start + (code > 0xffff ? 2 : 1);
  return source.charCodeAt(end) === VARIATION_SELECTOR ? end + 1 : end;
}

/** Some letter of the word is upper case and none is lower case: "NOW", "ASAP", "B2B". */
function isShouted(
  text: string,
  source: string,
  upper: string | undefined,
  start: number,
  end: number,
  aligned: boolean,
): boolean {
  if (!aligned) {
    const raw = text.slice(start, end);
    return raw.toLowerCase() !== raw && raw.toUpperCase() === raw;
  }
  if (upper === undefined || upper.length !== text.length) return false;
  let upperSeen = false;
  for (let index = start; index < end; index += 1) {
    const code = text.charCodeAt(index);
    if (code !== upper.charCodeAt(index)) return false;
    if (code !== source.charCodeAt(index)) upperSeen = true;
  }
  return upperSeen;
}
