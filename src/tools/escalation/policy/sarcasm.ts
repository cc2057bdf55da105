import type { Token } from './tokenize.js';
import { words } from './word-list.js';

/** Interjections that, right before praise, open a sentence said through gritted teeth. */
const INTERJECTIONS = new Set(words('oh ohh wow yeah yay gee ooh'));
/** Praise of a deed: "great job", "well done", "nice work", said of losing a bag. */
const DEED_NOUNS = new Set(words('job work one done'));
/** Whose thing one goes without: "another week without my parcel", "days without our internet". */
const OWN = new Set(words('my our'));

/**
 * Whether praise in the message stands in a sarcastic frame: "Oh brilliant, …", "wow great
 * job …", "great job losing my bag", "Fantastic service, really.", "thanks for nothing". Praise
 * so framed is sarcasm only when the message also says something went wrong, which the caller
 * knows; said of nothing wrong ("oh great, that worked!") it is praise. `valence` is the
 * lexicon's valence of a word, 0 when it has none.
 */
export function sarcasmFramed(
  tokens: readonly Token[],
  valence: (word: string) => number,
): boolean {
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    if (token !== undefined && valence(token.word) > 0 && framesPraise(tokens, index)) return true;
  }
  return false;
}

/**
 * Whether the message says something went wrong that no word of feeling says: the customer
 * goes without something of theirs ("another week without my parcel"), or got nothing for
 * their trouble ("thanks for nothing").
 */
export function wrongUnsaid(tokens: readonly Token[]): boolean {
  return tokens.some((token, index) => {
    const next = tokens[index + 1]?.word ?? '';
    return (
      (token.word === 'without' && OWN.has(next)) || (token.word === 'for' && next === 'nothing')
    );
  });
}

/** Whether the praise at `index` stands in a sarcastic frame. */
function framesPraise(tokens: readonly Token[], index: number): boolean {
  const token = tokens[index];
  const previous = tokens[index - 1];
  const next = tokens[index + 1];
  const afterNext = tokens[index + 2];
  if (token === undefined) return false;
  const sameSentence = (other: Token | undefined): other is Token =>
    other !== undefined && other.sentence === token.sentence;
  // "Oh brilliant", "wow great job": the interjection opens the sentence.
  if (
    sameSentence(previous) &&
    INTERJECTIONS.has(previous.word) &&
    tokens[index - 2]?.sentence !== token.sentence
  ) {
    return true;
  }
  // "thanks for nothing"
  if (sameSentence(next) && next.word === 'for' && afterNext?.word === 'nothing') return true;
  // "great job losing my luggage", "well done breaking it": praise of a deed that went wrong.
  if (
    sameSentence(next) &&
    DEED_NOUNS.has(next.word) &&
    sameSentence(afterNext) &&
    afterNext.word.endsWith('ing')
  ) {
    return true;
  }
  // "Fantastic service, really.": praise taken back by a last word set apart.
  const last = lastOfSentence(tokens, index);
  return (
    last > index + 1 &&
    tokens[last]?.word === 'really' &&
    tokens[last]?.clause !== tokens[last - 1]?.clause
  );
}

function lastOfSentence(tokens: readonly Token[], index: number): number {
  const sentence = tokens[index]?.sentence;
  let last = index;
  while (tokens[last + 1]?.sentence === sentence) last += 1;
  return last;
}
